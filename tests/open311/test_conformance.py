"""GeoReport v2 as the spec writes it: the documents' shapes and enums in both formats, the date
window of GET requests, and errors as the spec's list with the matching HTTP status."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.accounts.models import Role
from motcua.petitions import queries, services
from motcua.petitions.models import Category
from tests.open311.support import (
    ATTRIBUTE_FIELDS,
    DATATYPES,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
    as_text,
    body,
    get,
    recent,
)
from tests.petitions.support import report
from tests.world import vn

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]


def parity(client, path: str, **query):
    """The JSON and XML answers carry the same fields and values."""
    as_json = body(get(client, path, "json", **query))
    as_xml = body(get(client, path, "xml", **query))
    assert as_text(as_json) == as_xml
    return as_json


# --------------------------------------------------------------------------- discovery


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_specification_and_both_formats(client, world, fmt):
    response = get(client, "discovery", fmt)
    assert response.status_code == 200
    found = body(response)
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(found)
    (endpoint,) = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["type"] in ("production", "test")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    assert parse_datetime(endpoint["changeset"]).utcoffset() is not None


def test_discovery_is_the_same_in_both_formats(client, world):
    parity(client, "discovery")


# --------------------------------------------------------------------------- services


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_have_the_spec_fields(client, world, fmt):
    response = get(client, "services", fmt)
    assert response.status_code == 200
    found = body(response)
    assert len(found) == queries.categories_for(None).count() >= 10
    for service in found:
        assert set(service) == SERVICE_FIELDS
        assert service["type"] == "realtime"
    metadata = {s["service_code"]: s["metadata"] for s in found}
    assert metadata["moi-truong"] in (True, "true")
    assert metadata["khac"] in (False, "false")


def test_services_are_the_same_in_both_formats(client, world):
    found = parity(client, "services", jurisdiction_id=world.a.code)
    assert {s["service_code"] for s in found} >= {"chieu-sang", "moi-truong"}


def test_a_province_row_replaces_the_national_one_for_its_communes_only(client, world):
    Category.objects.create(
        province=world.hanoi,
        code="chieu-sang",
        name="Đèn đường Hà Nội",
        subject="place",
        department_kind="economy_infra",
    )
    hanoi = {s["service_code"]: s for s in body(get(client, "services", jurisdiction_id="00070"))}
    hue = {s["service_code"]: s for s in body(get(client, "services", jurisdiction_id="19753"))}
    national = {s["service_code"]: s for s in body(get(client, "services"))}
    assert hanoi["chieu-sang"]["service_name"] == "Đèn đường Hà Nội"
    assert hue["chieu-sang"]["service_name"] == national["chieu-sang"]["service_name"]
    assert national["chieu-sang"]["service_name"] == "Chiếu sáng công cộng"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_its_attributes(client, world, fmt):
    response = get(client, "services/moi-truong", fmt, jurisdiction_id=world.a.code)
    assert response.status_code == 200
    found = body(response)
    assert set(found) == {"service_code", "attributes"}
    assert found["service_code"] == "moi-truong"
    (attribute,) = found["attributes"]
    assert set(attribute) == ATTRIBUTE_FIELDS
    assert attribute["datatype"] in DATATYPES
    assert attribute["code"] == "loai-rac"
    assert attribute["variable"] in (True, "true")
    assert attribute["required"] in (False, "false")
    assert [v["key"] for v in attribute["values"]] == ["rac-thai", "nuoc-thai", "khoi-bui"]
    assert all(set(v) == {"key", "name"} for v in attribute["values"])


def test_service_definitions_are_the_same_in_both_formats(client, world):
    parity(client, "services/moi-truong")
    parity(client, "services/chieu-sang", jurisdiction_id=world.h.code)
    assert parity(client, "services/khac")["attributes"] == []


# --------------------------------------------------------------------------- requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_have_the_spec_fields(client, world, fmt):
    petition = recent(world, latitude="21.028511", longitude="105.852020", address="12 Hàng Bạc")
    response = get(client, "requests", fmt)
    assert response.status_code == 200
    (found,) = body(response)
    assert set(found) == REQUEST_FIELDS
    assert found["service_request_id"] == str(petition.pk)
    assert found["status"] == "open"
    assert found["service_code"] == "chieu-sang"
    assert found["service_name"] == "Chiếu sáng công cộng"
    assert found["agency_responsible"].startswith("Phường Hoàn Kiếm")
    assert "Phòng Kinh tế, Hạ tầng và Đô thị" in found["agency_responsible"]
    assert found["description"] == petition.description
    assert found["address"] == "12 Hàng Bạc"
    assert float(found["lat"]) == 21.028511 and float(found["long"]) == 105.85202
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        moment = parse_datetime(found[name])
        assert moment.utcoffset() == timedelta(hours=7), name
        assert found[name].endswith("+07:00")
    assert parse_datetime(found["requested_datetime"]) == petition.received_at.replace(
        microsecond=0
    )
    assert parse_datetime(found["expected_datetime"]) == petition.due_at.replace(microsecond=0)


def test_requests_are_the_same_in_both_formats(client, world):
    first = recent(world, latitude="21.0285", longitude="105.8520")
    second = recent(world, code="moi-truong", commune=world.b)
    services.reject(second, world.officers_b[Role.RECEPTION], "Trùng nội dung đã trả lời.")
    found = parity(client, "requests")
    assert {r["service_request_id"] for r in found} == {str(first.pk), str(second.pk)}
    parity(client, f"requests/{first.pk}")
    parity(client, f"tokens/{first.pk}")


def test_a_request_by_id_is_a_list_of_one(client, world):
    petition = recent(world)
    for fmt in FORMATS:
        response = get(client, f"requests/{petition.pk}", fmt)
        assert response.status_code == 200
        (found,) = body(response)
        assert found["service_request_id"] == str(petition.pk)


def test_a_token_gives_back_the_request_id(client, world):
    petition = recent(world)
    (found,) = body(get(client, f"tokens/{petition.pk}"))
    assert found == {"service_request_id": str(petition.pk), "token": str(petition.pk)}
    assert get(client, "tokens/999999").status_code == 404


def test_the_default_window_is_the_last_90_days(client, world):
    now = timezone.now()
    inside = recent(world, at=now - timedelta(days=89))
    recent(world, at=now - timedelta(days=91))
    found = body(get(client, "requests"))
    assert [r["service_request_id"] for r in found] == [str(inside.pk)]


def test_a_window_selects_by_requested_datetime(client, world):
    july = report(world, at=vn(2025, 7, 7, 9))
    report(world, at=vn(2025, 10, 20, 9))
    found = body(
        get(client, "requests", start_date="2025-07-01T00:00:00+07:00", end_date="2025-07-31")
    )
    assert [r["service_request_id"] for r in found] == [str(july.pk)]
    # Z and an unescaped "+" (a space) both read as W3C times.
    for start in ("2025-06-30T17:00:00Z", "2025-07-01T00:00:00 07:00"):
        found = body(get(client, "requests", start_date=start, end_date="2025-08-01"))
        assert [r["service_request_id"] for r in found] == [str(july.pk)]
    # Only start_date: the 90 days from it.
    found = body(get(client, "requests", start_date="2025-07-01"))
    assert [r["service_request_id"] for r in found] == [str(july.pk)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_window_over_90_days_is_refused(client, world, fmt):
    response = get(client, "requests", fmt, start_date="2025-01-01", end_date="2025-04-02")
    assert response.status_code == 400
    (error,) = body(response)
    assert error["code"] in (400, "400")
    assert "end_date" in error["description"] and "90" in error["description"]
    ok = get(client, "requests", fmt, start_date="2025-01-01", end_date="2025-04-01")
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "hôm qua"},
        {"start_date": "2025-13-45"},
        {"end_date": "2025-02-30T10:00:00"},
        {"start_date": "0001-01-01"},
        {"end_date": "9999-12-31T23:59:59+14:00"},
        {"start_date": "2025-07-10", "end_date": "2025-07-01"},
        {"start_date": "<script>alert(1)</script>"},
        {"status": "pending"},
        {"service_request_id": "12,abc"},
        {"service_request_id": "99999999999999999999999"},
        {"service_request_id": ",".join(str(n) for n in range(101))},
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(client, world, query):
    for fmt in FORMATS:
        response = get(client, "requests", fmt, **query)
        assert response.status_code == 400, (query, response.content)
        (error,) = body(response)
        assert any(name in error["description"] for name in query), error


def test_filters_by_id_list_code_and_status(client, world):
    light = recent(world)
    rubbish = recent(world, code="moi-truong")
    services.reject(rubbish, world.reception, "Không thuộc thẩm quyền của phường.")
    other = recent(world, commune=world.b)

    def ids(**query):
        return {r["service_request_id"] for r in body(get(client, "requests", **query))}

    assert ids(service_request_id=f"{light.pk}, {other.pk}") == {str(light.pk), str(other.pk)}
    assert ids(service_code="moi-truong") == {str(rubbish.pk)}
    everything = {str(light.pk), str(rubbish.pk), str(other.pk)}
    assert ids(service_code="moi-truong,chieu-sang") == everything
    assert ids(status="closed") == {str(rubbish.pk)}
    assert ids(status="open") == {str(light.pk), str(other.pk)}
    assert ids(status="open,closed") == ids()
    assert ids(jurisdiction_id=world.b.code) == {str(other.pk)}
    # The id list overrides every other filter (the spec), but not the jurisdiction.
    old = report(world)
    assert ids(service_request_id=str(old.pk), status="closed") == {str(old.pk)}
    assert ids(service_request_id=str(old.pk), jurisdiction_id=world.b.code) == set()


def test_statuses_and_notes(client, world):
    """open while in hand; closed with the published answer, the reason of a refusal, or the
    report a duplicate went into."""
    answered = recent(world)
    services.accept(answered, world.specialist)
    services.draft_answer(answered, world.specialist, "Đã thay bóng đèn ngày 8/7.")
    services.publish(answered, world.leader)
    refused = recent(world)
    services.reject(refused, world.reception, "Đèn thuộc khu đô thị do chủ đầu tư quản lý.")
    duplicate = recent(world)
    target = recent(world)
    services.merge(duplicate, world.reception, target, "Cùng một cột đèn.")
    waiting = recent(world)
    found = {r["service_request_id"]: r for r in body(get(client, "requests"))}
    assert found[str(answered.pk)]["status"] == "closed"
    assert found[str(answered.pk)]["status_notes"] == "Đã thay bóng đèn ngày 8/7."
    assert found[str(answered.pk)]["expected_datetime"] is None
    assert found[str(refused.pk)]["status"] == "closed"
    assert "khu đô thị do chủ đầu tư" in found[str(refused.pk)]["status_notes"]
    assert found[str(duplicate.pk)]["status"] == "closed"
    assert str(target.pk) in found[str(duplicate.pk)]["status_notes"]
    assert found[str(waiting.pk)]["status"] == "open"
    assert found[str(waiting.pk)]["status_notes"] == "Đã tiếp nhận"
    published = found[str(answered.pk)]
    assert parse_datetime(published["updated_datetime"]) > parse_datetime(
        published["requested_datetime"]
    )


def test_hidden_reports_are_not_listed_and_not_found_by_id(client, world):
    petition = recent(world)
    services.moderate(petition, world.leader, public_text="", hidden=True, reason="Xúc phạm.")
    assert body(get(client, "requests")) == []
    for fmt in FORMATS:
        response = get(client, f"requests/{petition.pk}", fmt)
        assert response.status_code == 404
        assert body(response)[0]["code"] in (404, "404")
        assert get(client, f"tokens/{petition.pk}", fmt).status_code == 404


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "path",
    ["services", "services/chieu-sang", "requests", "requests/1", "tokens/1"],
)
def test_an_unknown_jurisdiction_is_a_404_in_the_spec_list(client, world, fmt, path):
    for value in ("99999", "abc", "<b>x</b>", "0007"):
        response = get(client, path, fmt, jurisdiction_id=value)
        assert response.status_code == 404
        (error,) = body(response)
        assert set(error) == {"code", "description"}
        assert error["code"] in (404, "404")
        assert "jurisdiction_id" in error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_ids_and_codes_are_404_lists(client, world, fmt):
    for path in ("requests/123456", "requests/abc", "requests/-1", "services/khong-co"):
        response = get(client, path, fmt)
        assert response.status_code == 404, path
        (error,) = body(response)
        assert set(error) == {"code", "description"}


def test_an_unknown_format_or_address_is_a_4xx_list(client, world):
    for path in ("services.csv", "requests.html", "discovery.JSONX", "requests", "nothing/here"):
        response = client.get("/open311/v2/" + path)
        assert 400 <= response.status_code < 500, path
        assert response["Content-Type"].startswith("application/json")
        (error,) = body(response)
        assert error["code"] == response.status_code


def test_a_method_the_address_does_not_take_is_405_with_allow(client, world):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert body(response)[0]["code"] == 405


def test_gets_may_be_read_from_any_origin(client, world):
    for path in ("discovery", "services", "requests"):
        assert get(client, path)["Access-Control-Allow-Origin"] == "*"
