"""Masking of personal data for public pages and logs (one place for the rule)."""

import re

# 9-digit old CMND, 12-digit CCCD / personal ID numbers, and Vietnamese phone numbers.
_ID_OR_PHONE = re.compile(r"(?<!\d)(\+?84|0)?\d{8,11}(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_digits(value: str, keep_end: int = 3) -> str:
    """``001203004567`` → ``*********567``: keep only the last few digits."""
    value = value or ""
    if len(value) <= keep_end:
        return "*" * len(value)
    return "*" * (len(value) - keep_end) + value[-keep_end:]


def mask_name(full_name: str) -> str:
    """``Nguyễn Văn An`` → ``Nguyễn V. A.``: the family name and initials, enough to recognise
    one's own dossier without telling a stranger who filed it."""
    parts = (full_name or "").split()
    if len(parts) <= 1:
        return (parts[0][0] + ".") if parts else ""
    return " ".join([parts[0], *(p[0] + "." for p in parts[1:])])


def mask_email(value: str) -> str:
    return _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), value or "")


def mask_text(text: str) -> str:
    """Mask every ID-number-, phone- or e-mail-shaped run inside free text."""
    text = _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), text)
    return _ID_OR_PHONE.sub(lambda m: mask_digits(m.group(0)), text)
