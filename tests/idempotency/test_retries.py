"""Issue 14, finding 8: a client that retries ``POST /api/v1/dossiers`` or portal filing (a
timeout, a lost connection) must not receive the dossier twice. With an ``Idempotency-Key`` the
retry gets the first answer back."""

import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.accounts.services import create_api_token
from motcua.api.router import api
from motcua.dossiers.models import Dossier
from motcua.idempotency.models import IdempotentRequest
from motcua.residents import services as resident_services
from motcua.residents.models import Resident
from tests.idempotency.support import (
    dossier_body,
    portal_form,
    post_dossier,
    post_filing,
    web_form,
)
from tests.identity.entry_points import PDF_BYTES

pytestmark = pytest.mark.django_db

KEY = "5f1c1f3e-8d4b-4f7a-9a57-3f8f0b8c2d11"


# --------------------------------------------------------------------------- staff API


def test_a_retry_with_the_same_key_gets_the_first_answer_and_no_second_dossier(client, entries):
    first = post_dossier(client, entries.token, dossier_body(), key=KEY)
    retry = post_dossier(client, entries.token, dossier_body(), key=KEY)
    assert first.status_code == 201, first.content
    assert retry.status_code == 201
    assert retry.content == first.content  # the same body, byte for byte
    assert retry["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 1
    assert json.loads(first.content)["code"] == Dossier.objects.get().code


def test_without_a_key_each_request_is_a_new_dossier(client, entries):
    post_dossier(client, entries.token, dossier_body())
    post_dossier(client, entries.token, dossier_body())
    assert Dossier.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(client, entries):
    post_dossier(client, entries.token, dossier_body(), key=KEY)
    other = post_dossier(client, entries.token, dossier_body(name="Lê Văn Hùng"), key=KEY)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json()["fields"]
    assert Dossier.objects.count() == 1


def test_the_same_body_in_another_key_order_is_the_same_request(client, entries):
    body = dossier_body()
    post_dossier(client, entries.token, body, key=KEY)
    reordered = dict(reversed(list(body.items())))
    assert post_dossier(client, entries.token, reordered, key=KEY).status_code == 201
    assert Dossier.objects.count() == 1


def test_another_callers_key_is_independent(client, entries, world):
    colleague = world.officers_b[Role.RECEPTION]
    post_dossier(client, entries.token, dossier_body(), key=KEY)
    other = post_dossier(client, create_api_token(colleague.username), dossier_body(), key=KEY)
    assert other.status_code == 201 and not other.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 2


def test_a_refused_request_leaves_the_key_free_for_the_corrected_one(client, entries):
    refused = post_dossier(client, entries.token, dossier_body(id_number="12345"), key=KEY)
    assert refused.status_code == 422 and not IdempotentRequest.objects.exists()
    corrected = post_dossier(client, entries.token, dossier_body(), key=KEY)
    assert corrected.status_code == 201 and Dossier.objects.count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "khóa-có-dấu", "a b", "tab\tkey"])
def test_a_malformed_key_is_refused_by_name(client, entries, key):
    response = post_dossier(client, entries.token, dossier_body(), key=key)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["fields"]
    assert not Dossier.objects.exists()


def test_a_key_is_kept_for_a_day_then_free_again(client, entries, settings):
    settings.MOTCUA_IDEMPOTENCY_KEY_HOURS = 24
    post_dossier(client, entries.token, dossier_body(), key=KEY)
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=23))
    assert post_dossier(client, entries.token, dossier_body(), key=KEY).has_header(
        "Idempotent-Replayed"
    )
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    late = post_dossier(client, entries.token, dossier_body(), key=KEY)
    assert late.status_code == 201 and not late.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 2


def test_the_sweep_deletes_keys_older_than_the_keeping_time(client, entries, capsys):
    post_dossier(client, entries.token, dossier_body(), key="old")
    post_dossier(client, entries.token, dossier_body(), key="new")
    IdempotentRequest.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    call_command("sweep_idempotency_keys")
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
    assert "1" in capsys.readouterr().out


def test_the_header_is_documented_in_the_openapi():
    schema = api.get_openapi_schema()
    for path in ("/api/v1/dossiers", "/api/v1/portal/dossiers"):
        [header] = [p for p in schema["paths"][path]["post"]["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key" and header["required"] is False
        assert "first answer" in header["description"]


# --------------------------------------------------------------------------- portal API


def test_portal_filing_retried_with_the_same_key_files_once(client, entries, world):
    first = post_filing(client, entries.resident_token, portal_form(world), key=KEY)
    retry = post_filing(client, entries.resident_token, portal_form(world), key=KEY)
    assert first.status_code == 201, first.content
    assert (retry.status_code, retry.content) == (201, first.content)
    assert retry["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_portal_filing_with_the_same_key_and_another_file_is_refused(client, entries, world):
    post_filing(client, entries.resident_token, portal_form(world), key=KEY)
    other_file = portal_form(world, content=PDF_BYTES.replace(b"Catalog", b"Catalog /V 2"))
    response = post_filing(client, entries.resident_token, other_file, key=KEY)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_portal_keys_are_per_resident(client, entries, world):
    neighbour = Resident.objects.create(phone="0987654321", full_name="Lê Văn Hùng")
    post_filing(client, entries.resident_token, portal_form(world), key=KEY)
    other = post_filing(
        client, resident_services.issue_token(neighbour), portal_form(world), key=KEY
    )
    assert other.status_code == 201 and Dossier.objects.count() == 2


# --------------------------------------------------------------------------- web form


def rendered_key(page) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page.content.decode()).group(1)


def test_the_filing_form_sent_twice_files_one_dossier(entries, world):
    url = reverse("residents:submit", args=[world.procedure.code])
    key = rendered_key(entries.portal.get(url, {"xa": world.a.code}))
    first = entries.portal.post(url, web_form(world, key))
    again = entries.portal.post(url, web_form(world, key))
    dossier = Dossier.objects.get()
    assert first.status_code == again.status_code == 302
    assert (
        first["Location"]
        == again["Location"]
        == reverse("residents:submitted", args=[dossier.code])
    )
    page = entries.portal.get(again["Location"]).content.decode()
    assert "không tạo hồ sơ thứ hai" in page


def test_each_new_form_gets_a_new_key_and_files_its_own_dossier(entries, world):
    url = reverse("residents:submit", args=[world.procedure.code])
    for _ in range(2):
        key = rendered_key(entries.portal.get(url, {"xa": world.a.code}))
        assert entries.portal.post(url, web_form(world, key)).status_code == 302
    assert Dossier.objects.count() == 2


def test_a_form_refused_once_keeps_its_key_for_the_corrected_submission(entries, world):
    url = reverse("residents:submit", args=[world.procedure.code])
    key = rendered_key(entries.portal.get(url, {"xa": world.a.code}))
    refused = entries.portal.post(url, web_form(world, key, applicant_id_number="12345"))
    assert refused.status_code == 400 and rendered_key(refused) == key
    assert entries.portal.post(url, web_form(world, key)).status_code == 302
    assert Dossier.objects.count() == 1
