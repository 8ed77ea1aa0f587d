"""The printable QR placard of a place: the QR code as inline SVG (segno, no external image), so
the A4 page prints without fetching anything."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str) -> SafeString:
    """The QR code of ``url``, about 8 cm wide on an A4 print and still inside a phone's screen.
    segno writes the markup itself from the URL's bits, so nothing typed by a person reaches it
    as markup (the URL is ours: the site's address and the place's random key)."""
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#0b0c0c")
    return mark_safe(svg)
