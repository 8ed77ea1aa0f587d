"""HTML forms for officers' workflow actions. They parse input; services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, User
from motcua.dossiers.models import Collector, PaymentMethod
from motcua.dossiers.workflow import Action
from motcua.workdays import VIETNAM_TZ


class ActionForm(forms.Form):
    """The inputs one workflow action needs; the fields shown come from ``Transition.needs``."""

    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.CharField(
        label=_("Giấy tờ cần bổ sung, hoàn thiện"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nội dung. Nêu đầy đủ trong một lần (Nghị định 118, Điều 16)."),
    )
    assignee = forms.ChoiceField(label=_("Chuyên viên"))
    agency = forms.CharField(label=_("Cơ quan phối hợp"), max_length=200)
    task = forms.CharField(label=_("Nội dung phối hợp"), max_length=300)
    days = forms.DecimalField(
        label=_("Thời hạn phối hợp (ngày làm việc)"), min_value=0.5, max_value=60, initial=2
    )
    result_summary = forms.CharField(
        label=_("Kết quả giải quyết"),
        max_length=500,
        required=False,
        help_text=_("Ví dụ: Giấy khai sinh bản chính số 123/2025."),
    )
    new_due_at = forms.DateTimeField(
        label=_("Ngày hẹn trả mới"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    waybill_number = forms.CharField(label=_("Mã vận đơn bưu chính"), max_length=40)
    result_file = forms.FileField(
        label=_("Tệp kết quả đã ký số (PDF)"),
        required=False,
        help_text=_(
            "Để trống nếu chưa có bản ký số: hệ thống lập bản điện tử (PDF) từ tên kết quả ở trên."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    collected_by = forms.ChoiceField(
        label=_("Người nhận kết quả"),
        choices=Collector.choices,
        initial=Collector.SELF,
        widget=forms.RadioSelect,
    )
    collector_name = forms.CharField(
        label=_("Họ tên người nhận thay"),
        max_length=200,
        required=False,
        help_text=_("Chỉ điền khi người được ủy quyền nhận thay; đối chiếu văn bản ủy quyền."),
    )
    collector_id_number = forms.CharField(
        label=_("Số định danh cá nhân của người nhận thay"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, transition, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = set(transition.needs) | {"note"}
        if transition.action == Action.APPROVE:
            wanted.add("result_file")
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "note" in transition.needs:
            self.fields["note"].required = True
        if "assignee" in self.fields:
            specialists = User.objects.filter(
                role=Role.SPECIALIST, commune_id=dossier.competent_commune_id, is_active=True
            ).order_by("last_name", "first_name")
            self.fields["assignee"].choices = [(u.username, str(u)) for u in specialists]

    def service_inputs(self) -> dict:
        data = dict(self.cleaned_data)
        if "items" in data:
            data["items"] = [line.strip() for line in data["items"].splitlines() if line.strip()]
        if data.get("new_due_at") is not None:
            data["new_due_at"] = timezone.localtime(data["new_due_at"], VIETNAM_TZ)
        return data


class PaymentForm(forms.Form):
    """A fee paid or waived at the counter (``services.record_payment`` decides)."""

    method = forms.ChoiceField(
        label=_("Hình thức"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.CASH,
        widget=forms.RadioSelect,
    )
    amount_vnd = forms.CharField(
        label=_("Số tiền (đồng)"),
        max_length=20,
        required=False,
        help_text=_("Ví dụ: 20.000. Để trống khi miễn."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Lý do miễn, giảm"),
        max_length=300,
        required=False,
        help_text=_("Bắt buộc khi miễn: ghi đối tượng được miễn và căn cứ."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
