"""Validation of Vietnamese identity numbers: the 12-digit personal ID (CCCD / số định danh cá nhân)
and the enterprise / tax code (mã số doanh nghiệp).

A personal ID number has the structure (Circular 07/2016/TT-BCA, Art. 7):
    PPP   code of the province where the birth was registered (the 63 pre-2025 province codes)
    G     century and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s,
          8/9 = 2300s
    YY    last two digits of the year of birth
    NNNNNN a random serial
Checking the structure catches most typing errors at the counter without a database look-up.
"""

import re
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
_ENTERPRISE_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def birth_year_from_id(number: str) -> int | None:
    century_digit = int(number[3])
    if century_digit not in _CENTURY_START:
        return None
    return _CENTURY_START[century_digit] + int(number[4:6])


def validate_personal_id(number: str, *, today: date | None = None) -> str:
    """Return the cleaned 12-digit number or raise ValidationError saying what is wrong."""
    cleaned = re.sub(r"[\s.-]", "", number or "")
    if not cleaned.isdigit():
        raise ValidationError(
            _("Số định danh cá nhân chỉ gồm chữ số. Vui lòng nhập đúng 12 chữ số trên thẻ CCCD."),
            code="not_digits",
        )
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
    cleaned = re.sub(r"\s", "", number or "")
    if not _ENTERPRISE_CODE.match(cleaned):
        raise ValidationError(
            _("Mã số doanh nghiệp gồm 10 chữ số, có thể thêm '-' và 3 chữ số của chi nhánh."),
            code="enterprise_code",
        )
    return cleaned
