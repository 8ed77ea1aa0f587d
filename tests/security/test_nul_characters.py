"""A NUL character (U+0000) in any input is refused with a clear message, never a server error:
a page answers 400, the API 422 naming the parameter.

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


def test_a_nul_in_the_staff_apis_json_is_refused_and_files_nothing(client, world):
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
    assert response.status_code == 422
    assert "U+0000" in response.json()["fields"]["__all__"][0]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/thu-tuc/?q=a%00b", "/api/v1/procedures?q=a%00b", "/tra-cuu/?code=%00", "/tra-cuu/a%00b/"],
)
def test_a_nul_in_the_address_is_refused(client, world, path):
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 422
        assert "U+0000" in response.json()["fields"]["q"][0]
    else:
        assert response.status_code == 400
        assert "ký tự rỗng" in response.content.decode()


def test_a_nul_in_a_posted_form_field_is_a_400(client, world):
    client.force_login(world.officers_a[Role.COMMUNE_ADMIN])
    response = client.post(reverse("catalog:commune_procedures"), {"codes": f"1{NUL}"})
    assert response.status_code == 400


def test_a_nul_in_a_multipart_field_of_the_api_names_the_field_and_files_nothing(client, world):
    from motcua.residents.models import Resident
    from motcua.residents.services import issue_token

    token = issue_token(Resident.objects.create(phone="0912345678"))
    response = client.post(
        "/api/v1/portal/dossiers",
        {"procedure_code": world.procedure.code, "applicant_name": f"Trần{NUL}Thị"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert "U+0000" in response.json()["fields"]["applicant_name"][0]
    assert not Dossier.objects.exists()
