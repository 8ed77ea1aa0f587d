"""The receipt's second QR code: scanned at intake it says when rating opens; after the result it
opens the form, and the rating is counted as coming from the receipt."""

import pypdfium2
import zxingcpp
from django.test import Client
from django.urls import reverse

from motcua.feedback.models import Rating
from tests.feedback.support import ALL_GOOD, return_at_counter
from tests.world import PASSWORD, vn


def scan_rating_qr(world, dossier, base_url) -> str:
    """Print the receipt as the reception officer does and read its two QR codes."""
    officer = Client()
    assert officer.login(username=world.reception.username, password=PASSWORD)
    pdf = officer.get(reverse("dossiers:form_pdf", args=[dossier.code, "receipt"])).content
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    codes = [r.text for r in zxingcpp.read_barcodes(image)]
    tracking = f"http://testserver/tra-cuu/{dossier.code}/"
    assert tracking in codes
    (rating,) = [c for c in codes if c != tracking]
    assert rating.startswith(base_url)
    return rating.removeprefix(base_url)  # the path, for the test client


def test_the_receipt_qr_opens_the_rating_page(client, settings, world):
    settings.PUBLIC_BASE_URL = "https://motcua.example.vn"
    d = world.receive(at=vn(2025, 7, 7, 9))
    path = scan_rating_qr(world, d, "https://motcua.example.vn")
    assert path.startswith("/danh-gia/") and path.endswith("/?kenh=qr")

    early = client.get(path)
    assert early.status_code == 200 and "Chưa đến lúc đánh giá" in early.content.decode()

    return_at_counter(world, d)
    form = client.get(path)
    assert form.status_code == 200 and "Gửi đánh giá" in form.content.decode()
    client.post(path, {f"tc_{k}": v for k, v in ALL_GOOD.items()})
    assert Rating.objects.get(dossier=d).channel == "receipt_qr"
