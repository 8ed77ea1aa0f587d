"""Requests as a client retrying them sends them: the same request, with or without a key."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.identity.entry_points import PDF_BYTES
from tests.world import GOOD_ID


def dossier_body(**applicant) -> dict:
    return {
        "procedure_code": "1.004873",
        "applicant": {"name": "Phạm Thị Hoa", "id_number": GOOD_ID, **applicant},
        "documents": [{"name": "Tờ khai", "originals": 1}],
    }


def post_dossier(client, token, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        "/api/v1/dossiers", json.dumps(body), content_type="application/json", **headers
    )


def portal_form(world, content=PDF_BYTES, **overrides) -> dict:
    data = {
        "procedure_code": world.procedure.code,
        "commune_code": world.a.code,
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_id_number": GOOD_ID,
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 Hàng Bạc, Hoàn Kiếm",
        "declaration": "true",
        "file_0": SimpleUploadedFile("to-khai.pdf", content, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def post_filing(client, token, data, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/v1/portal/dossiers", data, **headers)


def web_form(world, key, **overrides) -> dict:
    data = {
        "xa": world.a.code,
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_id_number": GOOD_ID,
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 Hàng Bạc, Hoàn Kiếm",
        "return_method": "online",
        "declaration": "on",
        "submission_key": key,
        "file_0": SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    data.update(overrides)
    return data
