"""Scans for the demo's counter papers: one tiny PDF, made once in memory and checked once like
any upload (``docstore.uploads.check_upload``), then stored for each paper the demo's officers
"scanned" (``docstore.services.store_upload``, source "scanned at the counter"). The demo's
digitisation rate then comes from papers with a file, as a real commune's does (ADR 0028),
without slowing the demo: no rendering, no image, a few hundred bytes per file.
"""

import logging
from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.docstore.models import Source
from motcua.docstore.services import store_upload
from motcua.docstore.uploads import check_upload
from motcua.residents.filing import document_type_code


def tiny_pdf(text: str = "motcua demo scan") -> bytes:
    """A valid one-page PDF (catalog, pages, page, content stream, cross-reference table) with
    one line of ASCII text, built by hand: about 600 bytes."""
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@contextmanager
def counter_scanner():
    """A function ``scan(owner_id_number, name, at)`` → a stored scan of that paper, for
    ``dossiers.demo_data.generate_history``. The PDF is made and checked once. While it is in
    use the document store's one line per stored file is held back: thousands of them would
    bury the demo's progress bar."""
    checked = check_upload(SimpleUploadedFile("scan.pdf", tiny_pdf(), "application/pdf"))
    store_log = logging.getLogger("motcua.docstore.services")
    level = store_log.level
    store_log.setLevel(logging.WARNING)
    try:
        yield _scanner(checked)
    finally:
        store_log.setLevel(level)


def _scanner(checked):

    def scan(owner_id_number: str, name: str, at):
        return store_upload(
            owner_id_number=owner_id_number,
            checked=checked,
            type_code=document_type_code(name),
            name=name,
            source=Source.SCANNED,
            at=at,
        )

    return scan
