"""The intake form at the counter: the applicant, the papers handed in, and the papers reused
from the applicant's document store under the citizen's consent for this intake (ADR 0024). It
parses input; ``desk.services`` and ``dossiers.services`` decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.catalog.portal import papers_by_case
from motcua.docstore.queries import match_required
from motcua.docstore.uploads import MAX_FILES_PER_DOSSIER, CheckedUpload, check_upload
from motcua.dossiers.models import ApplicantKind, Channel, ReturnMethod
from motcua.dossiers.queries import Criteria
from motcua.dossiers.services import Applicant, DocumentIn
from motcua.dossiers.workflow import State
from motcua.identity import validate_enterprise_code, validate_personal_id
from motcua.phones import MAX_TYPED_LENGTH, normalize_phone
from motcua.residents.forms import id_card_checked_field
from motcua.ui.templatetags.ui import local_dt


class IntakeForm(forms.Form):
    applicant_kind = forms.ChoiceField(
        label=_("Chủ hồ sơ là"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Họ và tên / Tên tổ chức"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) / Mã số doanh nghiệp"),
        max_length=20,
        help_text=_("12 chữ số trên thẻ căn cước; doanh nghiệp nhập mã số 10 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # The officer vouches for the applicant's identity (recorded with the officer and the time):
    # then the dossier's result enters the applicant's document store (ADR 0024).
    id_card_checked = id_card_checked_field()
    applicant_phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=MAX_TYPED_LENGTH,
        required=False,
        help_text=_("Để nhận tin nhắn về hồ sơ, ví dụ 0912 345 678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    proxy_name = forms.CharField(
        label=_("Người nộp thay (nếu có ủy quyền)"), max_length=200, required=False
    )
    channel = forms.TypedChoiceField(
        label=_("Hình thức nộp"),
        coerce=int,
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
    )
    documents = forms.MultipleChoiceField(
        label=_("Giấy tờ đã nhận"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu các giấy tờ công dân đã nộp (bản chính hoặc bản sao)."),
    )
    # Choices are the valid stored documents of the ID number typed on this form, shown under the
    # citizen's consent for this intake, and nothing else: a document of another owner, or any
    # document without consent, is never a valid choice (views.intake looks them up).
    reuse = forms.MultipleChoiceField(
        label=_("Dùng lại giấy tờ đã có trong kho dữ liệu"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Chỉ dùng lại được giấy tờ còn hiệu lực của chính chủ hồ sơ có số định danh đã "
                "nhập. Bỏ chọn giấy tờ không thuộc người này, hoặc kiểm tra lại số định danh."
            )
        },
    )
    other_documents = forms.CharField(
        label=_("Giấy tờ khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một giấy tờ."),
    )
    sets_count = forms.IntegerField(label=_("Số bộ hồ sơ"), min_value=1, max_value=20, initial=1)
    return_method = forms.ChoiceField(
        label=_("Đăng ký nhận kết quả tại"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.COUNTER,
        widget=forms.RadioSelect,
    )
    postal_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"), max_length=300, required=False
    )
    # Shown with the warning when the same applicant filed the same procedure within a day.
    confirm_repeat = forms.BooleanField(
        label=_("Vẫn tiếp nhận hồ sơ mới"),
        required=False,
        help_text=_("Chỉ đánh dấu khi công dân thực sự nộp thêm một hồ sơ riêng."),
    )

    def __init__(
        self,
        *args,
        procedure=None,
        store=None,
        owner_id="",
        consent_note="",
        consent_error="",
        find_earlier=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        names = list(procedure.documents) if procedure is not None else []
        self.fields["documents"].choices = [(str(i), n) for i, n in enumerate(names)]
        # One scan per paper of the procedure (PDF, JPEG or PNG, checked by content as portal
        # uploads are): the paper is digitised only when its scan is attached (ADR 0028).
        for i, name in enumerate(names):
            self.fields[scan_field(i)] = forms.FileField(
                label=_("Bản quét: %(name)s") % {"name": name},
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "application/pdf,image/jpeg,image/png"}
                ),
            )
        self.paper_names = names
        self.checked_scans: dict[int, CheckedUpload] = {}
        # The dossier the same applicant filed for this procedure within a day (the view looks
        # it up): receiving again needs ``confirm_repeat``.
        self.earlier = None
        self.find_earlier = find_earlier
        # ``owner_id``: the typed number, cleaned ("" until valid); ``store``: what the officer
        # may see of that owner's store (``docstore.consent.StoreView``): the valid documents,
        # offered for reuse, under a live grant; otherwise only whether there are any.
        self.owner_id = owner_id
        self.grant = getattr(store, "grant", None)
        self.stored_documents = list(getattr(store, "documents", []))
        self.store_has_papers = bool(getattr(store, "has_papers", False))
        self.consent_note, self.consent_error = consent_note, consent_error
        self.fields["reuse"].choices = [(str(d.uuid), d.name) for d in self.stored_documents]
        if self.grant is None and self.store_has_papers:
            self.fields["reuse"].error_messages["invalid_choice"] = _(
                "Chưa có sự đồng ý của công dân cho lần tiếp nhận này, hoặc sự đồng ý đã hết "
                "hạn. Gửi mã mới cho công dân, hoặc bỏ chọn giấy tờ dùng lại."
            )
        # Typing the number (or switching person / organisation) fetches the stored documents
        # into the form without a reload; without JavaScript the look-up button does the same.
        look_up = {
            "hx-post": reverse("dossiers:intake_stored_documents"),
            "hx-trigger": "change",
            "hx-target": "#stored-documents",
        }
        self.fields["applicant_id_number"].widget.attrs.update(look_up)
        self.fields["applicant_kind"].widget.attrs.update(look_up)

    @classmethod
    def redisplay(cls, data, **kwargs) -> "IntakeForm":
        """The form again with what was typed but no error messages: the officer only asked to
        see the stored documents, nothing was submitted yet."""
        initial = {
            name: data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else data[name]
            for name, field in cls.base_fields.items()
            if name in data
        }
        return cls(initial=initial, **kwargs)

    def offers(self) -> list[dict]:
        """The stored documents to show as reuse checkboxes, each with the papers of this
        procedure it may replace and whether it is ticked."""
        replaces: dict[int, list[str]] = {}
        if self.procedure is not None:
            for required in match_required(self.procedure, self.stored_documents):
                for d in required.candidates:
                    replaces.setdefault(d.pk, []).append(required.name)
        ticked = {str(v) for v in (self["reuse"].value() or [])}
        return [
            {"document": d, "replaces": replaces.get(d.pk, []), "checked": str(d.uuid) in ticked}
            for d in self.stored_documents
        ]

    def offers_unseen(self) -> bool:
        """Stored documents exist for this number but the page never showed them, or never
        offered to ask for consent (filled in without JavaScript): show that before the dossier
        is created, since papers already in the store must not be asked for again (Decree 118
        Art. 5(1)(i))."""
        has_papers = bool(self.stored_documents) or self.store_has_papers
        return has_papers and self.data.get("offered_for") != self.owner_id

    def papers(self) -> list[dict]:
        """Each paper of the procedure with its tick box and its scan field, for the template;
        with the portal's case it is listed under and its original/copy counts, when the
        procedure has the portal's groups (ADR 0026)."""
        boxes = list(self["documents"])
        groups = getattr(self.procedure, "document_groups", None) or []
        listed = papers_by_case(groups)
        return [
            {"box": boxes[i], "scan": self[scan_field(i)], "name": name, "listed": listed.get(name)}
            for i, name in enumerate(self.paper_names)
        ]

    def clean_applicant_phone(self):
        phone = self.cleaned_data.get("applicant_phone", "")
        return normalize_phone(phone) if phone.strip() else ""

    def clean(self):
        data = super().clean()
        ticked = set(data.get("documents") or [])
        for i, name in enumerate(self.paper_names):
            upload = data.get(scan_field(i))
            if not upload:
                continue
            if str(i) not in ticked:
                self.add_error(
                    scan_field(i),
                    _("Đã chọn bản quét cho “%(name)s”: đánh dấu giấy tờ này là đã nhận.")
                    % {"name": name},
                )
                continue
            try:
                self.checked_scans[i] = check_upload(upload)
            except ValidationError as exc:
                self.add_error(scan_field(i), exc)
        if len(self.checked_scans) > MAX_FILES_PER_DOSSIER:
            self.add_error(None, _("Quá nhiều tệp quét cho một hồ sơ."))
        number = data.get("applicant_id_number", "")
        try:
            if data.get("applicant_kind") == ApplicantKind.ORGANISATION:
                data["applicant_id_number"] = validate_enterprise_code(number)
            elif number:
                data["applicant_id_number"] = validate_personal_id(number)
        except ValidationError as exc:
            self.add_error("applicant_id_number", exc)
        if self.find_earlier is not None and "applicant_id_number" not in self.errors:
            self.require_confirmation(self.find_earlier(data.get("applicant_id_number", "")))
        if data.get("return_method") == ReturnMethod.POST and not data.get("postal_address"):
            self.add_error("postal_address", _("Nhận kết quả qua bưu chính cần địa chỉ nhận."))
        return data

    def applicant(self) -> Applicant:
        d = self.cleaned_data
        return Applicant(
            name=d["applicant_name"],
            id_number=d["applicant_id_number"],
            kind=d["applicant_kind"],
            phone=d.get("applicant_phone", ""),
            email=d.get("applicant_email", ""),
            address=d.get("applicant_address", ""),
            proxy_name=d.get("proxy_name", ""),
        )

    def require_confirmation(self, earlier) -> None:
        """Warn that the applicant filed this procedure within a day (``earlier``), unless the
        officer confirmed that this is another dossier."""
        self.earlier = earlier
        if earlier is not None and not self.cleaned_data.get("confirm_repeat"):
            self.add_error(
                "confirm_repeat",
                _(
                    "Chủ hồ sơ này đã nộp thủ tục này lúc %(when)s (hồ sơ %(code)s). Kiểm tra để "
                    "không tiếp nhận trùng; nếu đây là hồ sơ khác, đánh dấu “Vẫn tiếp nhận hồ sơ "
                    "mới”."
                )
                % {"when": local_dt(earlier.submitted_at), "code": earlier.code},
            )

    def scans(self) -> dict[str, CheckedUpload]:
        """The checked scans by the name of the paper they are of."""
        return {self.paper_names[i]: checked for i, checked in self.checked_scans.items()}

    def document_list(self) -> list[DocumentIn]:
        names = dict(self.fields["documents"].choices)
        docs = [DocumentIn(names[i], originals=1) for i in self.cleaned_data.get("documents", [])]
        stored = {str(d.uuid): d for d in self.stored_documents}
        docs += [
            DocumentIn(stored[u].name, stored_document=stored[u], reused=True)
            for u in self.cleaned_data.get("reuse", [])
        ]
        extra = self.cleaned_data.get("other_documents", "").splitlines()
        docs += [DocumentIn(line.strip(), copies=1) for line in extra if line.strip()]
        return docs


def scan_field(i: int) -> str:
    return f"scan_{i}"


class ScanForm(forms.Form):
    """The scan of one paper of a dossier, attached on the dossier page."""

    position = forms.TypedChoiceField(label=_("Giấy tờ"), coerce=int)
    scan = forms.FileField(
        label=_("Tệp quét (PDF, JPG hoặc PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, papers=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The papers of the dossier with no file behind them yet.
        self.fields["position"].choices = [(str(d.position), d.name) for d in papers]

    def clean_scan(self):
        self.checked = check_upload(self.cleaned_data["scan"])
        return self.cleaned_data["scan"]


class InboxSearchForm(forms.Form):
    """Finding a dossier from the inbox (``dossiers.queries.find_dossiers``)."""

    DUE_CHOICES = [
        ("", _("Tất cả")),
        ("overdue", _("Quá hạn")),
        ("soon", _("Sắp đến hạn")),
    ]

    q = forms.CharField(
        label=_("Tìm hồ sơ"),
        max_length=200,
        required=False,
        help_text=_(
            "Mã hồ sơ, họ tên chủ hồ sơ (gõ có hoặc không dấu), số định danh hoặc số điện thoại."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    due = forms.ChoiceField(label=_("Hạn trả"), required=False, choices=DUE_CHOICES)
    channel = forms.TypedChoiceField(
        label=_("Hình thức nộp"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *Channel.choices],
    )

    def __init__(self, *args, procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Tất cả")), *State.choices]
        self.fields["procedure"].choices = [
            ("", _("Tất cả")),
            *[(code, f"{code} · {name}") for code, name in procedures],
        ]

    def criteria(self) -> Criteria:
        if not self.is_bound or not self.is_valid():
            return Criteria()
        d = self.cleaned_data
        return Criteria(
            text=d["q"],
            state=d["state"],
            procedure=d["procedure"],
            due=d["due"],
            channel=d["channel"],
        )


def typed_owner_id(data) -> str:
    """The applicant's number as typed into the intake form, cleaned, or "" while it is not a
    valid number: a half-typed number is never looked up."""
    if not data:
        return ""
    number = data.get("applicant_id_number", "")
    is_organisation = data.get("applicant_kind") == ApplicantKind.ORGANISATION
    validate = validate_enterprise_code if is_organisation else validate_personal_id
    try:
        return validate(number)
    except ValidationError:
        return ""
