"""Vietnamese mobile numbers: one normal form (``0xxxxxxxxx``) for storage and look-up."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")


def normalize_phone(raw: str) -> str:
    """``+84 912 345 678``, ``84912345678`` and ``0912.345.678`` all become ``0912345678``."""
    digits = re.sub(r"[\s().+-]", "", raw or "")
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not digits.isdigit():
        raise ValidationError(
            _("Số điện thoại chỉ gồm chữ số, ví dụ 0912 345 678."), code="phone_digits"
        )
    if not _MOBILE.match(digits):
        raise ValidationError(
            _(
                "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
                "(ví dụ 0912 345 678)."
            ),
            code="phone_format",
        )
    return digits


def international(phone: str) -> str:
    """``0912345678`` → ``84912345678`` (the form SMS and Zalo gateways expect)."""
    return "84" + phone[1:] if phone.startswith("0") else phone
