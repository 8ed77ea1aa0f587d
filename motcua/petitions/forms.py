"""The residents' report forms. Each checks every field at once, so the page shows every mistake
next to its field in one go; ``services`` checks again (it is the rule) before anything is
written."""

import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from motcua.docstore.uploads import check_upload
from motcua.petitions import services
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import Satisfaction
from motcua.phones import normalize_phone

_SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{32}")
# A form field for each field a service may name in a PetitionError.
SERVICE_FIELDS = {
    "commune": None,
    "place": None,
    "ticket": None,
    "reporter_phone": "reporter_phone",
    "reporter_email": "reporter_email",
    "reporter_name": "reporter_name",
    "description": "description",
    "title": "title",
    "address": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "category": "category",
    "dossier": "dossier",
    "photos": "photos",
    "text": "text",
    "level": "level",
}


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)  # 32 characters


def add_petition_error(form: forms.Form, exc: PetitionError) -> None:
    """Show a service's refusal next to the field it names (or at the top)."""
    field = SERVICE_FIELDS.get(exc.field or "")
    form.add_error(field if field in form.fields else None, exc.messages)


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``services.MAX_PHOTOS`` photos, each checked by its content: JPEG or PNG only. Every
    bad file is named at once; the cleaned value is a list of ``CheckedUpload``."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png")

    def to_python(self, data):
        return data

    def validate(self, value):
        pass

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > services.MAX_PHOTOS:
            raise ValidationError(
                _("Gửi tối đa %(n)s ảnh cho một phản ánh (bạn đã chọn %(count)s ảnh).")
                % {"n": services.MAX_PHOTOS, "count": len(files)},
                code="too_many",
            )
        checked, errors = [], []
        for upload in files:
            try:
                photo = check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.error_list)
                continue
            if photo.content_type not in services.PHOTO_TYPES:
                errors.append(
                    ValidationError(
                        _("Tệp '%(name)s' không phải ảnh JPEG hoặc PNG. Hãy chụp lại và gửi ảnh.")
                        % {"name": photo.original_name[:80]},
                        code="photo_type",
                    )
                )
                continue
            checked.append(photo)
        if errors:
            raise ValidationError(errors)
        return checked


class KeyedForm(forms.Form):
    # A one-time key rendered into each new form: the same form sent twice (a double click, the
    # browser sending it again) files one report (docs/decisions/0019).
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission_key"] = new_submission_key()

    def clean_submission_key(self):
        key = self.cleaned_data["submission_key"] or ""
        return key if _SUBMISSION_KEY.fullmatch(key) else ""


class ReportForm(KeyedForm):
    """What a resident sends: the category, what happened and where, photos, how to reach them.
    The commune (and, from a placard or a kiosk, the place or the channel) is fixed by the page."""

    category = forms.ChoiceField(
        label=_("Bạn phản ánh về việc gì?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn lĩnh vực phản ánh."),
            "invalid_choice": _("Hãy chọn một lĩnh vực trong danh sách."),
        },
    )
    title = forms.CharField(
        label=_("Tiêu đề"),
        required=False,
        help_text=_("Một dòng ngắn, ví dụ: Đèn đường ngõ 5 không sáng."),
    )
    description = forms.CharField(
        label=_("Nội dung phản ánh"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Sự việc gì, ở đâu, từ khi nào. Không ghi số định danh cá nhân hay số điện thoại của "
            "người khác."
        ),
        error_messages={
            "required": _("Hãy viết nội dung phản ánh: sự việc gì, ở đâu, từ khi nào.")
        },
    )
    photos = PhotosField(
        label=_("Ảnh chụp"),
        help_text=_("Tối đa 5 ảnh JPEG hoặc PNG, mỗi ảnh không quá 10 MB."),
    )
    address = forms.CharField(
        label=_("Địa chỉ, vị trí"),
        required=False,
        help_text=_("Số nhà, ngõ, đường, hoặc một nơi dễ nhận ra gần đó."),
    )
    latitude = forms.CharField(label=_("Vĩ độ"), required=False)
    longitude = forms.CharField(label=_("Kinh độ"), required=False)
    reporter_name = forms.CharField(label=_("Họ và tên"), required=False)
    reporter_phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        help_text=_("Xã, phường nhắn tin báo tiếp nhận và trả lời vào số này. Không công khai."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.CharField(
        label=_("Thư điện tử"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email"}),
    )
    dossier = forms.ChoiceField(label=_("Hồ sơ liên quan"), required=False)

    def __init__(self, *args, categories, phone_required=True, dossiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in categories}
        self.fields["category"].choices = [(c.code, c.name) for c in categories]
        self.phone_required = phone_required
        self.dossiers = {d.code: d for d in dossiers}
        if self.dossiers:
            self.fields["dossier"].choices = [("", _("Không gắn với hồ sơ nào"))] + [
                (d.code, f"{d.code} – {d.procedure.name_vi}") for d in dossiers
            ]
        else:
            del self.fields["dossier"]

    def category_rows(self):
        """The category radios with each category's description, for the template."""
        chosen = self["category"].value()
        return [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "checked": c.code == chosen,
            }
            for c in self.categories.values()
        ]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_title(self):
        return services.checked_text(self.cleaned_data["title"], services.TITLE_MAX)

    def clean_description(self):
        text = services.checked_text(self.cleaned_data["description"], services.DESCRIPTION_MAX)
        if not text:
            raise ValidationError(self.fields["description"].error_messages["required"])
        return text

    def clean_address(self):
        return services.checked_text(self.cleaned_data["address"], services.ADDRESS_MAX)

    def clean_reporter_name(self):
        return services.checked_text(self.cleaned_data["reporter_name"], services.NAME_MAX)

    def _coordinate(self, name, low, high):
        try:
            return services.parse_coordinate(self.cleaned_data[name], low, high, name)
        except PetitionError as exc:
            raise ValidationError(exc.messages) from None

    def clean_latitude(self):
        return self._coordinate("latitude", -90, 90)

    def clean_longitude(self):
        return self._coordinate("longitude", -180, 180)

    def clean_reporter_phone(self):
        raw = (self.cleaned_data["reporter_phone"] or "").strip()
        if not raw:
            if self.phone_required:
                raise ValidationError(
                    _("Hãy để lại số điện thoại để xã, phường báo kết quả trả lời cho bạn."),
                    code="phone_missing",
                )
            return ""
        return normalize_phone(raw)  # ValidationError with the rule in words

    def clean_reporter_email(self):
        raw = (self.cleaned_data["reporter_email"] or "").strip()
        if not raw:
            return ""
        try:
            validate_email(raw)
        except ValidationError:
            raise ValidationError(
                _("Địa chỉ thư điện tử '%(value)s' không hợp lệ.") % {"value": raw[:80]},
                code="email_invalid",
            ) from None
        return raw

    def clean_dossier(self):
        return self.dossiers.get(self.cleaned_data.get("dossier") or "")

    def clean(self):
        data = super().clean()
        lat, long = data.get("latitude"), data.get("longitude")
        if "latitude" in data and "longitude" in data and (lat is None) != (long is None):
            self.add_error("latitude", _("Cần cả vĩ độ và kinh độ, hoặc để trống cả hai."))
        return data


class InfoForm(forms.Form):
    """The reporter answers a request for more information."""

    text = forms.CharField(
        label=_("Thông tin bổ sung"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Hãy viết thông tin bổ sung.")},
    )
    photos = PhotosField(label=_("Thêm ảnh"), help_text=_("Tối đa 5 ảnh JPEG hoặc PNG."))

    def clean_text(self):
        text = services.checked_text(self.cleaned_data["text"], services.DESCRIPTION_MAX)
        if not text:
            raise ValidationError(self.fields["text"].error_messages["required"])
        return text


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Bạn hài lòng thế nào với câu trả lời?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn một mức đánh giá."),
            "invalid_choice": _("Hãy chọn một mức đánh giá."),
        },
    )


class AgainForm(KeyedForm):
    """Still not satisfied: report the same matter again."""

    description = forms.CharField(
        label=_("Vì sao bạn chưa hài lòng? Sự việc hiện nay thế nào?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Hãy viết vì sao bạn chưa hài lòng.")},
    )

    def clean_description(self):
        text = services.checked_text(self.cleaned_data["description"], services.DESCRIPTION_MAX)
        if not text:
            raise ValidationError(self.fields["description"].error_messages["required"])
        return text
