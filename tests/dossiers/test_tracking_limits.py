"""Public tracking: one address may look dossiers up 60 times an hour (page and API together), so
the sequential codes cannot be walked; the 61st look-up gets a 429 that says when to try again."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WALKER = "203.0.113.66"


def page(client, code, address=WALKER):
    return client.get(reverse("dossiers:track", args=[code]), REMOTE_ADDR=address)


def api(client, code, address=WALKER):
    return client.get(f"/api/v1/track/{code}", REMOTE_ADDR=address)


def test_the_61st_look_up_in_an_hour_is_refused_and_reveals_nothing(client, world):
    dossier = world.receive()
    prefix = dossier.code.rsplit("-", 1)[0]
    walked = [f"{prefix}-{seq:04d}" for seq in range(2, 61)]  # 59 codes that do not exist yet
    assert page(client, dossier.code).status_code == 200
    assert {page(client, code).status_code for code in walked} == {404}

    refused = page(client, dossier.code)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Bạn đã tra cứu quá nhiều hồ sơ" in body and "thử lại sau" in body
    assert "Được tiếp nhận" not in body and "Trần T. B. N." not in body  # no status, no name
    assert 1 <= int(refused["Retry-After"]) <= 3600
    # Another address has its own allowance.
    assert page(client, dossier.code, address="198.51.100.1").status_code == 200


def test_the_page_and_the_api_share_one_allowance(client, world, settings):
    settings.MOTCUA_TRACKING_LOOKUPS_PER_HOUR = 4
    dossier = world.receive()
    assert page(client, dossier.code).status_code == 200
    assert api(client, dossier.code).status_code == 200
    assert page(client, "NOPE-000000-0001").status_code == 404
    assert api(client, "NOPE-000000-0001").status_code == 404
    refused = api(client, dossier.code)
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert set(refused.json()) == {"code", "message"}
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert page(client, dossier.code).status_code == 429


def test_the_limit_is_documented_in_the_openapi(client):
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/track/{code}"]["get"]
    assert "429" in responses["responses"]
