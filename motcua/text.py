"""Vietnamese text normalisation for storing names and for accent-insensitive search.

Residents type "dang ky ket hon", "Đăng ký kết hôn" or "DANG KY KET HON" and mean the same thing,
and sources disagree on where the tone mark goes ("Hòa" / "Hoà", "Thủy" / "Thuỷ"). Both problems
vanish once text is *folded*: decomposed (NFKD), stripped of combining marks, with đ/Đ mapped to d
(đ is a letter of its own, not d plus a mark, so decomposition leaves it alone) and lowercased.
The two tone placements decompose to the same letters and marks, so they fold to the same string.

Search compares folded strings with a plain substring match, which behaves identically on SQLite and
PostgreSQL (see ``motcua.catalog.queries``).
"""

import re
import unicodedata

__all__ = ["clean_text", "fold", "nfc", "search_key"]

_WHITESPACE = re.compile(r"\s+")
# Apostrophes inside ethnic-minority names ("Ea H'Leo", "Cư M'gar") are written, dropped or curled
# at random; removing them lets "cu mgar" and "Cư M’gar" meet.
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
# Any other punctuation separates words, except a dot between digits (procedure codes "1.001193").
_PUNCTUATION = re.compile(r"(?:(?<!\d)\.|\.(?!\d)|[^\w.])+")


def nfc(text: str) -> str:
    """The composed (NFC) form with collapsed whitespace: how names are stored."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


# Control characters other than tab and line feed (NUL, escape sequences, bidi overrides are not
# controls but format characters: category Cf, kept, as Vietnamese text may use ZWJ/ZWNJ).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Free text as people typed it, made safe to store: NFC, Windows and old Mac line ends as
    ``\n``, control characters removed. Unlike ``nfc`` it keeps line breaks and spacing."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def fold(text: str) -> str:
    """Accent-insensitive form: ``"Đăng ký  KẾT HÔN"`` → ``"dang ky ket hon"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _WHITESPACE.sub(" ", bare.lower()).strip()


def search_key(text: str) -> str:
    """Folded text with punctuation turned into spaces, for the stored search columns and queries.

    ``"Đăng ký nhận cha, mẹ, con"`` → ``"dang ky nhan cha me con"`` so that the phrase
    ``cha me con`` matches; ``"Xã Ea H'Leo"`` → ``"xa ea hleo"``; ``"1.001193"`` stays as it is.
    """
    folded = _APOSTROPHES.sub("", fold(text))
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()
