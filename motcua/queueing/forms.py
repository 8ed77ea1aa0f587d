"""The queue's forms: what a resident, a kiosk visitor or an officer may send, checked here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.residents.phones import normalize_phone


class PhoneField(forms.CharField):
    """An optional Vietnamese mobile number, normalised (the same rule as the sign-in)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        return normalize_phone(value)  # raises ValidationError with the rule in words


class KioskTicketForm(forms.Form):
    field = forms.TypedChoiceField(
        label=_("Ông/bà cần làm thủ tục thuộc lĩnh vực nào?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn lĩnh vực cần làm thủ tục.")},
    )
    priority = forms.ChoiceField(
        label=_("Ông/bà có thuộc nhóm được ưu tiên không?"),
        widget=forms.RadioSelect,
        help_text=_("Cán bộ sẽ xác nhận tại quầy."),
        error_messages={"required": _("Chọn “Không” hoặc nhóm ưu tiên của ông/bà.")},
    )
    phone = PhoneField(
        label=_("Số điện thoại để nhận tin nhắn khi sắp đến lượt"),
        required=False,
        max_length=15,
        help_text=_("Để đi ra ngoài mà không lỡ lượt. Số này chỉ dùng để nhắn tin lượt chờ."),
    )

    def __init__(self, *args, fields, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [(f.pk, f.name_vi) for f in fields]
        self.fields["priority"].choices = [("", _("Không"))] + [(str(g.pk), g.name) for g in groups]
        self.fields["priority"].required = False
        self.groups = {str(g.pk): g for g in groups}

    def clean_priority(self):
        return self.groups.get(self.cleaned_data.get("priority") or "")


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận trong tin nhắn đặt số"),
        max_length=12,
        help_text=_("Gồm 6 chữ số."),
        error_messages={"required": _("Nhập mã xác nhận gồm 6 chữ số.")},
    )


class TransferForm(forms.Form):
    to_field = forms.TypedChoiceField(label=_("Sang lĩnh vực"), coerce=int, required=False)
    to_counter = forms.TypedChoiceField(label=_("Sang quầy"), coerce=int, required=False)

    def __init__(self, *args, fields, counters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_field"].choices = [("", _("Giữ lĩnh vực hiện tại"))] + [
            (f.pk, f.name_vi) for f in fields
        ]
        self.fields["to_counter"].choices = [("", _("Quầy bất kỳ phục vụ lĩnh vực"))] + [
            (c.pk, str(c)) for c in counters
        ]
