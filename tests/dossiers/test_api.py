"""The JSON API as an integrator uses it: bearer token, create, act, read, track."""

import json

import pytest

from motcua.accounts.services import create_api_token
from motcua.dossiers.models import Dossier, DossierEvent
from tests.world import GOOD_ID


@pytest.fixture
def token(world):
    return create_api_token(world.reception.username)


def call(client, method, path, token=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if body is not None else None
    response = getattr(client, method)(
        f"/api/v1{path}", data=data, content_type="application/json", **headers
    )
    return response, response.json() if response.content else None


def new_dossier_body(**overrides):
    body = {
        "procedure_code": "1.004873",
        "applicant": {"name": "Phạm Thị Hoa", "id_number": GOOD_ID, "phone": "0987654321"},
        "documents": [{"name": "Tờ khai", "originals": 1}],
    }
    body.update(overrides)
    return body


def test_create_act_and_read_through_the_api(client, world, token):
    response, data = call(client, "post", "/dossiers", token, new_dossier_body())
    assert response.status_code == 201, data
    assert data["status"] == 2 and data["state"] == "received"
    assert data["due_at"].endswith("+07:00")
    code = data["code"]

    response, data = call(client, "post", f"/dossiers/{code}/actions/forward", token, {})
    assert response.status_code == 200, data
    assert data["state"] == "at_specialist"
    assert [e["action"] for e in data["events"]] == ["receive", "forward"]

    specialist_token = create_api_token(world.specialist.username)
    response, data = call(
        client,
        "post",
        f"/dossiers/{code}/actions/request_supplement",
        specialist_token,
        {"items": ["Bản sao CCCD"], "reason": "Thiếu giấy tờ"},
    )
    assert response.status_code == 200 and data["status"] == 5


def test_api_refuses_bad_input_and_changes_nothing(client, world, token):
    response, data = call(
        client, "post", "/dossiers", token, new_dossier_body(procedure_code="9.999999")
    )
    assert response.status_code == 404 and "9.999999" in data["message"]

    body = new_dossier_body(applicant={"name": "Phạm Thị Hoa", "id_number": "12345"})
    response, data = call(client, "post", "/dossiers", token, body)
    assert response.status_code == 422
    assert "12 chữ số" in " ".join(data["fields"]["applicant_id_number"])

    response, data = call(client, "post", "/dossiers", token, {"applicant": "nonsense"})
    assert response.status_code == 422 and data["code"] == "invalid"
    assert Dossier.objects.count() == 0

    code = call(client, "post", "/dossiers", token, new_dossier_body())[1]["code"]
    events = DossierEvent.objects.count()
    response, data = call(client, "post", f"/dossiers/{code}/actions/approve", token, {})
    assert response.status_code == 403 and data["code"] == "role"
    leader_token = create_api_token(world.leader.username)
    response, data = call(client, "post", f"/dossiers/{code}/actions/approve", leader_token, {})
    assert response.status_code == 409 and data["code"] == "state"
    response, data = call(client, "post", f"/dossiers/{code}/actions/fly", token, {})
    assert response.status_code == 404
    assert DossierEvent.objects.count() == events


def test_api_needs_a_valid_token(client, world):
    response, data = call(client, "post", "/dossiers", "mc_wrong", new_dossier_body())
    assert response.status_code == 401 and "Bearer" in data["message"]
    response, _ = call(client, "get", "/dossiers/whatever")
    assert response.status_code == 401


def test_other_commune_gets_404_and_monitor_reads_only_its_province(client, world, token):
    code = call(client, "post", "/dossiers", token, new_dossier_body())[1]["code"]
    other = create_api_token(world.officers_b["reception"].username)
    assert call(client, "get", f"/dossiers/{code}", other)[0].status_code == 404
    assert (
        call(client, "post", f"/dossiers/{code}/actions/forward", other, {})[0].status_code == 404
    )
    monitor = create_api_token(world.monitor.username)
    response, data = call(client, "get", f"/dossiers/{code}", monitor)
    assert response.status_code == 200 and data["next_actions"] == []
    assert (
        call(client, "get", f"/dossiers/{code}", create_api_token("monitor.hue"))[0].status_code
        == 404
    )


def test_public_tracking_masks_personal_data(client, world, token):
    code = call(client, "post", "/dossiers", token, new_dossier_body())[1]["code"]
    response, data = call(client, "get", f"/track/{code}")
    assert response.status_code == 200
    assert data["applicant"] == "Phạm T. H."
    assert data["id_number"] == "*********345"
    text = response.content.decode()
    assert GOOD_ID not in text and "0987654321" not in text and "Phạm Thị Hoa" not in text
    assert data["status"] == 2 and data["events"][0]["action"] == "Tiếp nhận hồ sơ"
    assert call(client, "get", "/track/NOPE-000000-0001")[0].status_code == 404


def test_calendar_due_endpoint(client, db):
    response, data = call(
        client,
        "get",
        "/calendar/due?received_at=2025-07-07T09:00:00%2B07:00&amount=3&unit=working_day",
    )
    assert response.status_code == 200
    assert data == {"due_at": "2025-07-10T09:00:00+07:00"}
    response, data = call(
        client,
        "get",
        "/calendar/due?received_at=2025-07-07T16:00:00%2B07:00&amount=0&unit=same_day",
    )
    assert data == {"due_at": "2025-07-08T17:00:00+07:00"}
    response, data = call(
        client, "get", "/calendar/due?received_at=2025-07-07T09:00&amount=3&unit=fortnight"
    )
    assert response.status_code == 422


def test_units_and_procedure_search(client, world):
    response, data = call(client, "get", "/units?province=01")
    assert response.status_code == 200
    assert {u["code"] for u in data} == {"00070", "00082"}
    assert data[0]["type"] == "phường"
    response, data = call(client, "get", "/procedures?q=TINH TRANG HON NHAN")
    assert [p["code"] for p in data] == ["1.004873"]
    # The list is lean (ADR 0027): steps, documents and fees are on the procedure's own record.
    assert set(data[0]) == {
        "code", "name_vi", "name_en", "field", "level", "processing_amount", "processing_unit",
        "legal_time", "online_level",
    }  # fmt: skip


def test_openapi_document_lists_the_contract(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/units",
        "/api/v1/procedures",
        "/api/v1/calendar/due",
        "/api/v1/dossiers",
        "/api/v1/dossiers/{code}",
        "/api/v1/dossiers/{code}/actions/{action}",
        "/api/v1/track/{code}",
    ]:
        assert path in paths, path


def test_api_refuses_a_phone_no_sms_can_reach_and_stores_the_normal_form(client, world, token):
    """Issue 15: the API goes through the same intake check as the counter."""
    body = new_dossier_body(
        applicant={"name": "Phạm Thị Hoa", "id_number": GOOD_ID, "phone": "abc xyz"}
    )
    response, data = call(client, "post", "/dossiers", token, body)
    assert response.status_code == 422
    assert "chữ số" in " ".join(data["fields"]["applicant_phone"])
    assert Dossier.objects.count() == 0

    body = new_dossier_body(
        applicant={"name": "Phạm Thị Hoa", "id_number": GOOD_ID, "phone": "+84 987 654 321"}
    )
    response, data = call(client, "post", "/dossiers", token, body)
    assert response.status_code == 201, data
    assert Dossier.objects.get().applicant_phone == "0987654321"
