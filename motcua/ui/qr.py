"""QR codes as inline SVG (segno): the ticket's code, the follow link after a report, the
placard of a place. Inline, so a page or a print shows them without fetching an image."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, scale: int = 4, scalable: bool = False) -> SafeString:
    """The QR code of ``url``. ``scalable`` leaves out width and height (a viewBox instead), so
    CSS can size the code. segno writes the markup itself from the URL's bits, so nothing typed
    by a person reaches the page as markup."""
    svg = segno.make(url, error="m").svg_inline(
        scale=scale, border=2, dark="#0b0c0c", omitsize=scalable
    )
    return mark_safe(svg)
