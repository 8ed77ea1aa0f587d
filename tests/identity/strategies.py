"""Hypothesis strategies: any text at all, and valid numbers written as people write them."""

from datetime import date

from hypothesis import strategies as st

from motcua.identity import BIRTH_PROVINCE_CODES

# Separators people type or paste: spaces of several kinds, dots, dashes, invisible marks.
SEPARATORS = [
    " ",
    "\t",
    "\u00a0",  # no-break space
    "\u2009",  # thin space
    "\u3000",  # ideographic space
    ".",
    "\uff0e",  # full-width full stop
    "\u00b7",  # middle dot
    "-",
    "\u2010",  # hyphen
    "\u2013",  # en dash
    "\u2212",  # minus sign
    "\uff0d",  # full-width hyphen-minus
    "\u200b",  # zero-width space
    "\u00ad",  # soft hyphen
    "\ufeff",  # byte order mark
    "\u200e",  # left-to-right mark
]
_SUPERSCRIPTS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"


def digit_forms(digit: str) -> list[str]:
    """The ways one digit reaches us that Unicode NFKC maps to the ASCII digit: itself, the
    full-width digit (Vietnamese and CJK input methods), the mathematical bold digit, the
    superscript digit."""
    d = int(digit)
    return [digit, chr(0xFF10 + d), chr(0x1D7CE + d), _SUPERSCRIPTS[d]]


@st.composite
def personal_ids(draw) -> str:
    """A valid 12-digit personal ID: a birth-province code, a century-and-sex digit, a year of
    birth not in the future, a serial."""
    province = draw(st.sampled_from(sorted(BIRTH_PROVINCE_CODES)))
    century = draw(st.sampled_from("0123"))
    latest = 99 if century in "01" else date.today().year - 2000
    year = draw(st.integers(0, latest))
    serial = draw(st.integers(0, 999_999))
    return f"{province}{century}{year:02d}{serial:06d}"


@st.composite
def written_oddly(draw, number: str, max_length: int = 20) -> str:
    """``number`` as someone might type or paste it: each digit in one of its forms, separators
    anywhere, and no longer than the forms' ``max_length``."""
    chars = [draw(st.sampled_from(digit_forms(d))) for d in number]
    for _ in range(draw(st.integers(0, max_length - len(number)))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(SEPARATORS)))
    return "".join(chars)


@st.composite
def ids_written_oddly(draw) -> tuple[str, str]:
    """(a valid personal ID, the same number written oddly)."""
    number = draw(personal_ids())
    return number, draw(written_oddly(number))


@st.composite
def phones_written_oddly(draw) -> tuple[str, str]:
    """(a mobile number in normal form, the same number written oddly)."""
    prefix = draw(st.sampled_from(["03", "05", "07", "08", "09"]))
    number = f"{prefix}{draw(st.integers(0, 10**8 - 1)):08d}"
    return number, draw(written_oddly(number))


# Any Unicode text at all, short (the size of a number) or long. JSON can carry lone surrogates
# (``"\ud800"``); a browser's form post cannot (it is UTF-8), so forms get text without them.
ANY_JSON_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=30),
    st.text(st.characters(exclude_categories=()), min_size=21, max_size=3000),
)
ANY_FORM_TEXT = st.one_of(st.text(max_size=30), st.text(min_size=21, max_size=3000))
