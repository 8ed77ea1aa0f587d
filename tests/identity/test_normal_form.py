"""The one normal form of ID numbers and phone numbers (``motcua.identity``,
``motcua.residents.phones``): what it accepts, what it gives, how it says no."""

import pytest
from django.core.exceptions import ValidationError

from motcua.identity import (
    ORGANISATION,
    normalize_id_number,
    validate_enterprise_code,
    validate_personal_id,
)
from motcua.residents.phones import normalize_phone
from tests.world import GOOD_ID


@pytest.mark.parametrize(
    "typed",
    [
        "001085012345",
        "001.085.012.345",
        "001-085-012-345",
        "001 085 012 345",
        " 001085012345 ",
        "００１０８５０１２３４５",  # full-width digits
        "００１．０８５．０１２．３４５",  # full-width dots too
        "001\u00a0085\u2009012\u3000345",  # no-break, thin and ideographic spaces
        "001\u200b085\u00ad012\ufeff345",  # zero-width space, soft hyphen, byte order mark
        "001\u2013085\u2212012\u2010345",  # en dash, minus sign, hyphen
        "00108501234⁵",  # a superscript digit is that digit under NFKC
    ],
)
def test_a_personal_id_written_any_usual_way_has_one_normal_form(typed):
    assert validate_personal_id(typed) == GOOD_ID


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("0101234567", "0101234567"),
        ("0101 234 567", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        ("0101234567 – 001", "0101234567-001"),  # en dash and spaces
        ("０１０１２３４５６７－００１", "0101234567-001"),  # full-width
        ("0101234567001", "0101234567-001"),  # a branch typed without its hyphen
    ],
)
def test_an_enterprise_code_keeps_its_branch_suffix(typed, expected):
    assert validate_enterprise_code(typed) == expected


@pytest.mark.parametrize("typed", ["01-01234567", "0101234567-01", "0101234567--001"])
def test_an_enterprise_code_takes_a_hyphen_only_before_the_branch(typed):
    with pytest.raises(ValidationError) as exc:
        validate_enterprise_code(typed)
    assert exc.value.code == "enterprise_code"


@pytest.mark.parametrize(
    "typed, code, named",
    [
        ("00108501234a", "not_digits", "“a”"),
        ("٠٠١٠٨٥٠١٢٣٤٥", "not_digits", "“٠” (U+0660)"),  # Arabic-Indic digits
        ("001085012345\x00", "not_digits", "U+0000"),  # invisible: named by code point only
        ("½", "not_digits", "U+2044"),  # NFKC gives 1⁄2: the fraction slash is named
        ("\ud800", "not_digits", "U+D800"),  # a lone surrogate, as JSON can carry
        ("", "empty", "Chưa nhập"),
        (" . - ", "empty", "Chưa nhập"),
        ("0" * 65, "too_long", "65 ký tự"),
    ],
)
def test_what_is_not_a_number_is_named(typed, code, named):
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(typed)
    assert exc.value.code == code
    assert named in exc.value.messages[0]


def test_the_messages_say_which_kind_of_number():
    with pytest.raises(ValidationError) as person:
        validate_personal_id("x")
    with pytest.raises(ValidationError) as organisation:
        normalize_id_number("x", kind=ORGANISATION)
    assert person.value.messages[0].startswith("Số định danh cá nhân")
    assert organisation.value.messages[0].startswith("Mã số doanh nghiệp")


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "(0912) 345 678",
        "+84 912 345 678",
        "84912345678",
        "０９１２３４５６７８",
        "０９１２\u3000３４５\u3000６７８",
        "0912\u00a0345\u200b678",
    ],
)
def test_a_mobile_number_written_any_usual_way_has_one_normal_form(typed):
    assert normalize_phone(typed) == "0912345678"


@pytest.mark.parametrize(
    "typed, named",
    [("٠٩١٢٣٤٥٦٧٨", "U+0660"), ("0912345678\x00", "U+0000"), ("0912 345 678 ext", "“e”")],
)
def test_a_phone_with_a_character_that_is_no_digit_is_refused_by_name(typed, named):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(typed)
    assert exc.value.code == "phone_digits"
    assert named in exc.value.messages[0]


def test_a_very_long_phone_is_refused_before_any_work():
    with pytest.raises(ValidationError) as exc:
        normalize_phone("0" * 100_000)
    assert exc.value.code == "phone_too_long"
