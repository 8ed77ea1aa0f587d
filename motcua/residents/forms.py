"""Forms of the residents' portal. They parse and check input; services decide and write."""

import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.docstore.queries import RequiredDocument, match_required
from motcua.dossiers.models import ReturnMethod
from motcua.identity import validate_personal_id
from motcua.residents.phones import normalize_phone

_SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{32}")


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)  # 32 characters


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        help_text=_("Chúng tôi gửi mã đăng nhập 6 chữ số qua tin nhắn SMS."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã đăng nhập"),
        max_length=8,
        help_text=_("6 chữ số trong tin nhắn vừa gửi. Mã có hiệu lực 5 phút."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


class FakeVneidForm(forms.Form):
    """The demo stand-in's page: a real provider would show its own."""

    id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)

    def clean_id_number(self):
        return validate_personal_id(self.cleaned_data["id_number"])


class OnlineSubmissionForm(forms.Form):
    applicant_name = forms.CharField(label=_("Họ và tên người yêu cầu"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        help_text=_("12 chữ số trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=_("Số điện thoại nhận thông báo"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ thường trú"), max_length=300)
    summary = forms.CharField(
        label=_("Nội dung yêu cầu"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: đăng ký khai sinh cho con là Nguyễn Văn An, sinh ngày 01/9/2026."),
    )
    return_method = forms.ChoiceField(
        label=_("Nhận kết quả"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.ONLINE,
        widget=forms.RadioSelect,
    )
    postal_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=300,
        required=False,
        help_text=_("Chỉ cần khi chọn nhận qua bưu chính. Phí chuyển phát do bưu điện thu."),
    )
    declaration = forms.BooleanField(
        label=_("Tôi cam đoan thông tin đã khai và giấy tờ tải lên là đúng sự thật."),
        error_messages={"required": _("Đánh dấu ô cam đoan để nộp hồ sơ.")},
    )
    # A one-time key rendered into each new form: the same form submitted twice (a double click,
    # the browser sending it again) files one dossier (docs/decisions/0019).
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, procedure, stored_documents=(), kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Files kept from an earlier try of this form (``residents.pending``), by paper.
        self.kept = dict(kept or {})
        if not self.is_bound:
            self.initial["submission_key"] = new_submission_key()
        self.procedure = procedure
        stored_documents = list(stored_documents)
        required = match_required(procedure, stored_documents) or [
            RequiredDocument(0, str(_("Giấy tờ kèm theo")))
        ]
        self.document_names = [r.name for r in required]
        self.document_rows = []
        for r in required:
            self.fields[f"file_{r.position}"] = forms.FileField(label=r.name, required=False)
            row = {
                "name": r.name,
                "position": r.position,
                "file": f"file_{r.position}",
                "reuse": None,
            }
            if stored_documents:
                self.fields[f"reuse_{r.position}"] = self._reuse_field(r, stored_documents)
                row["reuse"] = f"reuse_{r.position}"
            self.document_rows.append(row)

    @staticmethod
    def _reuse_field(required, stored_documents) -> forms.ChoiceField:
        """The stored documents that match this paper come first and the newest is chosen, so
        the resident is not asked again for what the store already holds (Art. 5(1)(i))."""
        matching = list(required.candidates)
        others = [d for d in stored_documents if d not in matching]
        choices = [("", _("Không dùng, tôi tải tệp lên"))] + [
            (str(d.uuid), f"{d.name} ({d.get_source_display()})") for d in matching + others
        ]
        return forms.ChoiceField(
            label=_("Dùng giấy tờ đã có trong kho dữ liệu"),
            choices=choices,
            required=False,
            initial=str(matching[0].uuid) if matching else "",
        )

    def clean_applicant_id_number(self):
        return validate_personal_id(self.cleaned_data["applicant_id_number"])

    def clean_applicant_phone(self):
        return normalize_phone(self.cleaned_data["applicant_phone"])

    def clean_submission_key(self):
        """The key the form was rendered with, or "" when it is missing or not one of ours (a
        hand-made post): the dossier is then filed without the double-submit guard."""
        key = self.cleaned_data["submission_key"]
        return key if _SUBMISSION_KEY.fullmatch(key) else ""

    def clean(self):
        data = super().clean()
        chosen = [
            i
            for i in range(len(self.document_names))
            if data.get(f"file_{i}") or data.get(f"reuse_{i}") or i in self.kept
        ]
        if not chosen and not self.errors:
            raise ValidationError(
                _("Tải lên ít nhất một giấy tờ (ảnh chụp rõ nét hoặc tệp PDF) để nộp trực tuyến.")
            )
        return data

    def bound_rows(self):
        return [
            {
                "name": row["name"],
                "position": row["position"],
                "kept": self.kept.get(row["position"]),
                "file": self[row["file"]],
                "reuse": self[row["reuse"]] if row["reuse"] else None,
            }
            for row in self.document_rows
        ]


class AssistedSubmissionForm(OnlineSubmissionForm):
    consent_given_by = forms.CharField(
        label=_("Họ tên người dân đã đồng ý"),
        max_length=200,
        help_text=_("Đọc to nội dung đồng ý ở trên cho người dân nghe trước khi đánh dấu."),
    )
    consent = forms.BooleanField(
        label=_("Người dân đã nghe và đồng ý cho tôi nộp hồ sơ thay."),
        error_messages={"required": _("Cần có sự đồng ý của người dân trước khi nộp hộ.")},
    )

    def __init__(self, *args, can_check_id_card: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a reception officer may vouch for the applicant's identity (ADR 0024): then the
        # papers enter the applicant's store; a volunteer's filing keeps them with the dossier.
        if can_check_id_card:
            self.fields["id_card_checked"] = id_card_checked_field()


def id_card_checked_field() -> forms.BooleanField:
    """The officer's statement that they checked the applicant's ID card in person: recorded
    with the officer and the time, it lets the dossier's papers and result enter the
    applicant's document store (ADR 0024)."""
    return forms.BooleanField(
        label=_("Tôi đã đối chiếu thẻ căn cước bản chính của chủ hồ sơ với người đang nộp."),
        help_text=_(
            "Chỉ đánh dấu khi đã cầm thẻ căn cước của chính chủ hồ sơ. Khi đó giấy tờ của hồ sơ "
            "và kết quả được lưu vào kho dữ liệu của chủ hồ sơ để dùng lại; nếu không, giấy tờ "
            "chỉ lưu cùng hồ sơ này."
        ),
        required=False,
    )


class SupplementAnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung bổ sung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file_1 = forms.FileField(label=_("Giấy tờ bổ sung"), required=False)
    file_2 = forms.FileField(label=_("Giấy tờ bổ sung khác"), required=False)
    file_3 = forms.FileField(label=_("Giấy tờ bổ sung khác"), required=False)

    def files_chosen(self):
        return [
            self.cleaned_data[f] for f in ("file_1", "file_2", "file_3") if self.cleaned_data[f]
        ]
