"""Forms of the officers' pages for reports. They only parse what was typed: every rule (lengths,
phone numbers, coordinates, who may do what) is the services' (``services``, ``places``), whose
``PetitionError`` the views show next to the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.petitions.forms import PhotosField
from motcua.petitions.models import DepartmentKind

TEXTAREA = {"rows": 5}


class InboxFilterForm(forms.Form):
    OPEN, AWAITING, CLOSED, ALL = "open", "awaiting", "closed", "all"
    STATUS_CHOICES = [
        (OPEN, _("Đang xử lý")),
        (AWAITING, _("Chờ lãnh đạo duyệt")),
        (CLOSED, _("Đã xong")),
        (ALL, _("Tất cả")),
    ]

    status = forms.ChoiceField(label=_("Trạng thái"), choices=STATUS_CHOICES, required=False)
    department = forms.TypedChoiceField(
        label=_("Phòng, ban"), coerce=int, required=False, empty_value=None
    )
    category = forms.TypedChoiceField(
        label=_("Lĩnh vực"), coerce=int, required=False, empty_value=None
    )
    overdue = forms.BooleanField(label=_("Chỉ phản ánh quá hạn"), required=False)

    def __init__(self, data=None, *, departments=(), categories=()):
        super().__init__(data)
        everything = [("", _("Tất cả"))]
        self.fields["department"].choices = everything + [(d.pk, str(d)) for d in departments]
        self.fields["category"].choices = everything + [(c.pk, str(c)) for c in categories]

    def criteria(self) -> dict:
        if not self.is_valid():
            return {"status": self.OPEN}
        data = dict(self.cleaned_data)
        data["status"] = data.get("status") or self.OPEN
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EmptyForm(forms.Form):
    pass


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Câu hỏi gửi người phản ánh"),
        help_text=_("Người phản ánh nhận câu hỏi qua tin nhắn và trả lời qua đường dẫn riêng."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung trả lời"),
        help_text=_("Viết để người dân đọc hiểu: đã làm gì, khi nào, ai phụ trách."),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class DraftAnswerForm(AnswerForm):
    photos = PhotosField(
        label=_("Ảnh kết quả xử lý"),
        help_text=_("Không bắt buộc. Tối đa 5 ảnh JPEG hoặc PNG; được công khai cùng câu trả lời."),
    )


class ReassignForm(forms.Form):
    department = forms.TypedChoiceField(
        label=_("Chuyển cho phòng, ban"), coerce=int, required=False, empty_value=None
    )
    commune = forms.ChoiceField(
        label=_("Hoặc chuyển cho xã, phường khác"),
        help_text=_("Thời hạn xử lý được tính lại từ lúc xã, phường kia nhận."),
        required=False,
    )
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, departments=(), communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Giữ nguyên"))] + [
            (d.pk, str(d)) for d in departments
        ]
        self.fields["commune"].choices = [("", _("Giữ nguyên"))] + [
            (c.code, c.name) for c in communes
        ]


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Gộp vào phản ánh"),
        help_text=_("Mã phản ánh đang xử lý của cùng xã, phường, ví dụ PA-125."),
        required=False,
        max_length=40,
    )
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ModerateForm(forms.Form):
    public_text = forms.CharField(
        label=_("Nội dung công khai"),
        help_text=_(
            "Để trống: trang công khai hiện nội dung người phản ánh viết, đã che số điện thoại, "
            "số định danh và thư điện tử."
        ),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    hidden = forms.BooleanField(label=_("Ẩn phản ánh khỏi trang công khai"), required=False)
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class HotlineForm(forms.Form):
    reporter_phone = forms.CharField(label=_("Số điện thoại người gọi"), required=False)
    reporter_name = forms.CharField(label=_("Họ tên người gọi"), required=False)
    commune = forms.ChoiceField(
        label=_("Xã, phường nơi có sự việc"),
        widget=forms.Select(attrs={"data-commune-picker": ""}),
    )
    category = forms.ChoiceField(label=_("Lĩnh vực"))
    description = forms.CharField(
        label=_("Nội dung người gọi phản ánh"),
        help_text=_("Ghi lại sự việc gì, ở đâu, từ khi nào, như người gọi kể."),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    address = forms.CharField(label=_("Địa chỉ, vị trí"), required=False)

    def __init__(self, *args, communes=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Chọn xã, phường"))] + [
            (c.code, f"{c.name} ({c.province.name})") for c in communes
        ]
        self.fields["category"].choices = [("", _("Chọn lĩnh vực"))] + [
            (c.code, c.name) for c in categories
        ]


class CallSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm cuộc gọi theo mã phản ánh hoặc số điện thoại"),
        required=False,
        max_length=40,
    )


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Tên phòng, ban"), required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=DepartmentKind.choices)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Tên địa điểm"), required=False)
    address = forms.CharField(label=_("Địa chỉ"), required=False)
    latitude = forms.CharField(
        label=_("Vĩ độ"), help_text=_("Ví dụ 21.028511"), required=False, max_length=40
    )
    longitude = forms.CharField(
        label=_("Kinh độ"), help_text=_("Ví dụ 105.854165"), required=False, max_length=40
    )
    is_active = forms.BooleanField(label=_("Đang sử dụng"), required=False, initial=True)
