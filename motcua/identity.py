"""Validation of Vietnamese identity numbers: the 12-digit personal ID (CCCD / số định danh cá nhân)
and the enterprise / tax code (mã số doanh nghiệp).

A personal ID number has the structure (Circular 07/2016/TT-BCA, Art. 7):
    PPP   code of the province where the birth was registered (the 63 pre-2025 province codes)
    G     century and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s,
          8/9 = 2300s
    YY    last two digits of the year of birth
    NNNNNN a random serial
Checking the structure catches most typing errors at the counter without a database look-up.

Every number is first brought to one normal form (``normalize_id_number``): the same person
typed as ``001.085.012.345``, ``００１０８５０１２３４５`` or ``001 085 012 345`` is one person,
stored and looked up as ``001085012345``. Every entry point (counter, API, portal, sign-in,
document store) goes through the validators below, which go through the normaliser.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Province codes used in the first three digits (the 63 provinces before the 2025 merger).
BIRTH_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_CENTURY_START = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200}
_ENTERPRISE_CODE = re.compile(r"[0-9]{10}(-[0-9]{3})?")
_BRANCH_WITHOUT_HYPHEN = re.compile(r"[0-9]{13}")


def birth_year_from_id(number: str) -> int | None:
    century_digit = int(number[3])
    if century_digit not in _CENTURY_START:
        return None
    return _CENTURY_START[century_digit] + int(number[4:6])


def validate_personal_id(number: str, *, today: date | None = None) -> str:
    """Return the 12-digit number in its normal form (``normalize_id_number``) or raise
    ValidationError saying what is wrong."""
    cleaned = normalize_id_number(number)
    if len(cleaned) == 9:
        raise ValidationError(
            _(
                "Số chứng minh nhân dân 9 số không còn giá trị từ 01/01/2025. "
                "Vui lòng dùng số định danh cá nhân 12 chữ số."
            ),
            code="old_cmnd",
        )
    if len(cleaned) != 12:
        raise ValidationError(
            _("Số định danh cá nhân phải có đúng 12 chữ số (đã nhập %(n)s chữ số).")
            % {"n": len(cleaned)},
            code="length",
        )
    if cleaned[:3] not in BIRTH_PROVINCE_CODES:
        raise ValidationError(
            _("Ba chữ số đầu (%(code)s) không phải mã tỉnh nơi đăng ký khai sinh. Kiểm tra lại.")
            % {"code": cleaned[:3]},
            code="province",
        )
    year = birth_year_from_id(cleaned)
    today = today or date.today()
    if year is None or year > today.year:
        raise ValidationError(
            _("Chữ số thứ 4–6 không ứng với một năm sinh hợp lệ. Kiểm tra lại số trên thẻ."),
            code="birth_year",
        )
    return cleaned


def validate_enterprise_code(number: str) -> str:
    """Return the enterprise code in its normal form, ``NNNNNNNNNN`` or ``NNNNNNNNNN-NNN`` for a
    branch (13 digits typed without the hyphen get it), or raise ValidationError."""
    cleaned = normalize_id_number(number, kind=ORGANISATION)
    if _BRANCH_WITHOUT_HYPHEN.fullmatch(cleaned):
        cleaned = f"{cleaned[:10]}-{cleaned[10:]}"
    if not _ENTERPRISE_CODE.fullmatch(cleaned):
        raise ValidationError(
            _("Mã số doanh nghiệp gồm 10 chữ số, có thể thêm '-' và 3 chữ số của chi nhánh."),
            code="enterprise_code",
        )
    return cleaned


# --------------------------------------------------------------------------- normal form

PERSON = "person"
ORGANISATION = "organisation"
# Longer than any number written with generous spacing: refused before any work is done on it.
MAX_TYPED_LENGTH = 64
_ASCII_DIGITS = frozenset("0123456789")
_DOTS = frozenset(".\u00b7")  # full stop (full-width ones become it under NFKC), middle dot
_MINUS_SIGN = "\u2212"


def _is_separator(char: str) -> bool:
    """Spaces of any kind and invisible format characters (zero-width space, soft hyphen, byte
    order mark, direction marks) that copying from a PDF, a chat or a spreadsheet brings along."""
    return char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cf")


def _is_dash(char: str) -> bool:
    return char == _MINUS_SIGN or unicodedata.category(char) == "Pd"


def describe_character(char: str) -> str:
    """A character as a message can show it: “x” for a visible ASCII one, “x” (U+XXXX) for
    other visible ones (a look-alike digit of another script), U+XXXX alone when invisible."""
    code = f"U+{ord(char):04X}"
    if not char.isprintable():
        return code
    if char.isascii():
        return f"“{char}”"
    return f"“{char}” ({code})"


def normalize_id_number(raw: str, *, kind: str = PERSON) -> str:
    """The one normal form of an ID number, whatever way it was typed, pasted or sent.

    Unicode NFKC first, so full-width digits (``００１…``) and other compatibility forms
    (superscripts, circled digits) become the digits they stand for; then separators are dropped:
    spaces of any kind, invisible format characters and dots, and for a personal ID (``kind`` =
    ``PERSON``) dashes too (``001-085-012-345``). An enterprise code (``ORGANISATION``) keeps its
    dash, any kind of dash becoming ``-``, because ``-NNN`` names a branch. What remains must be
    ASCII digits (and that dash); anything else, a digit of another script included, raises a
    ValidationError naming the character. Only the shape is checked here: the length and
    structure are the validators' (``validate_personal_id``, ``validate_enterprise_code``).
    """
    raw = raw if isinstance(raw, str) else ""
    label = _("Mã số doanh nghiệp") if kind == ORGANISATION else _("Số định danh cá nhân")
    if len(raw) > MAX_TYPED_LENGTH:
        raise ValidationError(
            _("%(label)s quá dài (%(n)s ký tự). Vui lòng nhập đúng số trên giấy tờ.")
            % {"label": label, "n": len(raw)},
            code="too_long",
        )
    kept = []
    for char in unicodedata.normalize("NFKC", raw):
        if _is_separator(char) or char in _DOTS:
            continue
        if _is_dash(char):
            if kind == ORGANISATION:
                kept.append("-")
            continue
        if char not in _ASCII_DIGITS:
            raise ValidationError(
                _("%(label)s chỉ gồm chữ số 0–9; ký tự %(char)s không phải chữ số.")
                % {"label": label, "char": describe_character(char)},
                code="not_digits",
            )
        kept.append(char)
    if not kept:
        empty = (
            _("Chưa nhập mã số doanh nghiệp.")
            if kind == ORGANISATION
            else _("Chưa nhập số định danh cá nhân.")
        )
        raise ValidationError(empty, code="empty")
    return "".join(kept)
