"""The component reference page (``/ui/``): every piece of the design system on one screen."""

from datetime import UTC, datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


class StyleguideForm(forms.Form):
    """A form that shows every kind of field, bound with some mistakes so errors are visible."""

    applicant_name = forms.CharField(
        label=_("Họ và tên người nộp"), help_text=_("Viết đầy đủ, có dấu, như trên CCCD.")
    )
    phone = forms.RegexField(
        label=_("Số điện thoại"),
        regex=r"^0\d{9}$",
        help_text=_("Để nhận tin nhắn khi hồ sơ có kết quả."),
        error_messages={"invalid": _("Nhập số điện thoại 10 chữ số, bắt đầu bằng số 0")},
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    procedure = forms.ChoiceField(
        label=_("Thủ tục"),
        choices=[
            ("", _("Chọn thủ tục")),
            ("1.001193", _("Đăng ký khai sinh")),
            ("1.000894", _("Đăng ký kết hôn")),
            ("2.000908", _("Chứng thực bản sao từ bản chính")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Hình thức nộp"),
        widget=forms.RadioSelect,
        choices=[("1", _("Trực tiếp tại quầy")), ("2", _("Trực tuyến")), ("3", _("Qua bưu chính"))],
    )
    documents = forms.MultipleChoiceField(
        label=_("Giấy tờ đã nhận"),
        help_text=_("Chọn tất cả giấy tờ công dân đã nộp."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[
            ("form", _("Tờ khai theo mẫu")),
            ("birth", _("Giấy chứng sinh")),
            ("id", _("Bản sao CCCD của người đi đăng ký")),
        ],
    )
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    consent = forms.BooleanField(label=_("Công dân đồng ý nhận tin nhắn về hồ sơ"), required=False)


@login_required
def styleguide(request):
    form = StyleguideForm(
        data={
            "applicant_name": "Nguyễn Thị Hồng Nhung",
            "phone": "09123",
            "channel": "1",
            "documents": ["form", "id"],
        }
    )
    form.is_valid()
    events = [
        {
            "at": datetime(2026, 11, 23, 1, 5, tzinfo=UTC),
            "action": _("Tiếp nhận hồ sơ"),
            "actor": "Trần Văn Minh, " + str(_("Cán bộ một cửa")),
            "note": _("Đủ giấy tờ. Hẹn trả ngày 27/11/2026."),
        },
        {
            "at": datetime(2026, 11, 23, 3, 40, tzinfo=UTC),
            "action": _("Chuyển chuyên viên thẩm định"),
            "actor": "Trần Văn Minh",
        },
        {
            "at": datetime(2026, 11, 24, 8, 15, tzinfo=UTC),
            "action": _("Đang thẩm định"),
            "actor": "Lê Thị Thu Hà, " + str(_("Chuyên viên")),
            "current": True,
        },
    ]
    page_obj = Paginator(range(312), 20).get_page(request.GET.get("page", 4))
    return render(
        request,
        "ui/styleguide.html",
        {"form": form, "events": events, "page_obj": page_obj, "fee": 8000},
    )
