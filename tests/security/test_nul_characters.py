"""A NUL character (U+0000) in any input is refused with a clear 400, never a server error.

PostgreSQL cannot hold NUL in text: a NUL reaching a query or an INSERT raises DataError (a 500).
Django's form fields refuse it, but the API's JSON, query strings and a few hand-read POST fields
reached the database with it. ``security.middleware.RefuseNulCharacters`` turns every such request
away before any view runs, on both databases alike.
"""

import json

import pytest
from django.urls import reverse

from motcua.accounts.models import Role
from motcua.dossiers.models import Dossier
from tests.world import GOOD_ID

NUL = "\x00"


def _api_token(world):
    from motcua.accounts.models import ApiToken, hash_token

    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=world.reception, key_hash=hash_token(raw), prefix=raw[:8])
    return raw


def test_a_nul_in_the_staff_apis_json_is_a_400_and_files_nothing(client, world):
    body = {
        "procedure_code": world.procedure.code,
        "applicant": {"name": f"Trần{NUL}Thị", "id_number": GOOD_ID, "kind": "person"},
        "documents": [{"name": "Tờ khai"}],
    }
    response = client.post(
        "/api/v1/dossiers",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {_api_token(world)}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/thu-tuc/?q=a%00b", "/api/v1/procedures?q=a%00b", "/tra-cuu/?code=%00", "/tra-cuu/a%00b/"],
)
def test_a_nul_in_the_address_is_a_400(client, world, path):
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "nul_character"
    else:
        assert "ký tự rỗng" in response.content.decode()


def test_a_nul_in_a_posted_form_field_is_a_400(client, world):
    client.force_login(world.officers_a[Role.COMMUNE_ADMIN])
    response = client.post(reverse("catalog:commune_procedures"), {"codes": f"1{NUL}"})
    assert response.status_code == 400
