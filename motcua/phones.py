"""Vietnamese mobile numbers: one normal form (``0xxxxxxxxx``) for storage and look-up.

A foundation module (it imports no app): the counter, the portal, the queue and the notification
outbox all check numbers with this one normaliser."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.identity import describe_character

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"0[35789][0-9]{8}")
# Longer than any number written with generous spacing: refused before any work is done on it.
MAX_TYPED_LENGTH = 40
_SEPARATORS = frozenset("().+-\u00b7\u2212")


def _is_separator(char: str) -> bool:
    return (
        char in _SEPARATORS
        or char.isspace()
        or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cf", "Pd")
    )


def normalize_phone(raw: str) -> str:
    """``+84 912 345 678``, ``84912345678``, ``0912.345.678`` and ``０９１２３４５６７８`` all
    become ``0912345678``.

    As for ID numbers (``motcua.identity.normalize_id_number``): Unicode NFKC first, so
    full-width digits become ASCII ones; spaces of any kind, invisible characters, dots, dashes,
    brackets and ``+`` are dropped; anything left that is not an ASCII digit is named in the
    ValidationError.
    """
    raw = raw if isinstance(raw, str) else ""
    if len(raw) > MAX_TYPED_LENGTH:
        raise ValidationError(
            _("Số điện thoại quá dài (%(n)s ký tự), ví dụ đúng: 0912 345 678.") % {"n": len(raw)},
            code="phone_too_long",
        )
    kept = []
    for char in unicodedata.normalize("NFKC", raw):
        if _is_separator(char):
            continue
        if not ("0" <= char <= "9"):
            raise ValidationError(
                _(
                    "Số điện thoại chỉ gồm chữ số, ví dụ 0912 345 678; ký tự %(char)s không phải "
                    "chữ số."
                )
                % {"char": describe_character(char)},
                code="phone_digits",
            )
        kept.append(char)
    digits = "".join(kept)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.fullmatch(digits):
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
