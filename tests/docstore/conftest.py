"""Fixtures for the document store: tiny real files, built here so the tests need no imaging
library, and stored documents for the world's applicant (GOOD_ID)."""

import io
import struct
import zlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from motcua.docstore import services
from motcua.docstore.models import Source
from motcua.docstore.uploads import check_upload
from tests.dvcqg.conftest import adapter, portal  # noqa: F401
from tests.world import GOOD_ID, vn, world  # noqa: F401

OTHER_ID = "079190000123"  # Hồ Chí Minh City birth registration, born 1990

# A 1×1 grey JPEG (SOI, JFIF, quantisation table, frame, Huffman tables, scan, EOI), made once with
# Pillow and kept as bytes.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a1816"
    "16183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c6567"
    "63ffc0000b080001000101011100ffc40014000100000000000000000000000000000000ffc4001410010000"
    "0000000000000000000000000000ffda0008010100003f003fffd9"
)


def pdf_bytes() -> bytes:
    """A one-page PDF with Vietnamese text, as a scanner's software would write it."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Giay xac nhan tinh trang hon nhan")
    page.save()
    return buffer.getvalue()


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))  # filter byte + pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


VERIFIED = object()


def store(
    owner=GOOD_ID,
    *,
    type_code="GT.CN",
    name="Giấy tờ chứng minh nhân thân",
    proof=VERIFIED,
    **kwargs,
):
    """A stored scan of a small PDF for ``owner``: in the owner's store (the owner verified by an
    identity provider) unless ``proof=None``, which keeps it for its dossier only."""
    kwargs.setdefault("source", Source.SCANNED)
    kwargs.setdefault("at", vn(2025, 7, 1, 9))
    if proof is VERIFIED:
        proof = services.OwnerProof.by_identity_provider("vneid", at=kwargs["at"])
    kwargs["proof"] = proof
    checked = check_upload(upload("scan.pdf", pdf_bytes(), "application/pdf"))
    return services.store_upload(
        owner_id_number=owner, checked=checked, type_code=type_code, name=name, **kwargs
    )


@pytest.fixture
def today():
    return date(2025, 7, 7)
