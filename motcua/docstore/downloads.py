"""Stored files leave the server only as downloads: never rendered inline, never sniffed, so an
uploaded file cannot run as a page of this site."""

from django.http import FileResponse, HttpResponse

from motcua.docstore.models import StoredDocument
from motcua.docstore.queries import result_of
from motcua.dossiers.forms_pdf import render_result


def file_response(document: StoredDocument, filename: str) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{filename}{document.extension}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def result_response(dossier, *, tracking_url: str = "") -> HttpResponse | None:
    """The dossier's result document as a download, or None if the dossier has no result.

    The stored file when there is one (the signed PDF uploaded at approval, or the one rendered
    then). A result approved without a stored file (through the API, or the demo's history, which
    renders nothing up front to stay fast) is rendered now from the dossier as approved: the same
    facts, dated the day of approval (ADR 0029).
    """
    if not dossier.result_summary:
        return None
    stored = result_of(dossier)
    filename = f"ket-qua-{dossier.code}"
    if stored is not None and stored.file:
        return file_response(stored, filename)
    approval = dossier.events.filter(action="approve").order_by("-at").first()
    issued_at = approval.at if approval else dossier.finished_at
    pdf = render_result(dossier, issued_at=issued_at, tracking_url=tracking_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
