"""Stored files leave the server only as downloads: never rendered inline, never sniffed, so an
uploaded file cannot run as a page of this site."""

from django.http import FileResponse

from motcua.docstore.models import StoredDocument


def file_response(document: StoredDocument, filename: str) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{filename}{document.extension}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
