"""POST /api/v1/index/score: the worked examples through the API, refusals in the project's error
shape, the per-address rate limit and the OpenAPI document."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from motcua.insights.index.inputs import FIELDS
from motcua.insights.models import CommuneMonth, IndexSnapshot, PublishedIndex

pytestmark = pytest.mark.django_db

URL = "/api/v1/index/score"
# The limit motcua.api.index documents (importing that module here first would import it before
# the router that mounts it).
CALLS_PER_MINUTE = 60
EXAMPLES = json.loads((Path(__file__).parent / "service_index_examples.json").read_text("utf-8"))
HANOI = json.loads(
    (
        Path(__file__).resolve().parents[2] / "motcua" / "data" / "hanoi_service_index_2026-10.json"
    ).read_text("utf-8")
)["communes"]


def post(client, body, address="203.0.113.7"):
    return client.post(
        URL, data=json.dumps(body), content_type="application/json", REMOTE_ADDR=address
    )


def exact(value) -> Decimal:
    return Decimal(str(value))


def with_commune(example: str, **changes) -> dict:
    body = copy.deepcopy(EXAMPLES[example]["inputs"])
    body["commune"].update(changes)
    return body


@pytest.mark.parametrize("name", ["A", "E"])
def test_worked_examples_reproduce_to_the_last_digit_through_the_api(client, name):
    response = post(client, {**EXAMPLES[name]["inputs"], "on": "2025-09-30"})
    assert response.status_code == 200
    data = response.json()
    expected = EXAMPLES[name]["expected"]

    assert list(data["criteria"]) == list(expected["criteria"])
    assert list(data["groups"]) == list(expected["groups"])
    for key, value in expected["criteria"].items():
        assert exact(data["criteria"][key]) == exact(value), key
    for key, value in expected["groups"].items():
        assert exact(data["groups"][key]) == exact(value), key
    assert exact(data["total"]) == exact(expected["total"])


def test_each_criterion_comes_with_its_counts_ratio_and_maximum(client):
    data = post(client, EXAMPLES["E"]["inputs"]).json()

    assert data["scheme"] == "2022-08-01"
    assert data["portal_compatible"] is False
    assert data["details"]["2.1_ON_TIME"] == {
        "code": "2.1",
        "group": "tien_do_giai_quyet",
        "name": "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
        "name_en": "Dossiers handled early or on time",
        "max": 20.0,
        "shape": "linear",
        "threshold": None,
        "numerator": 4358,
        "denominator": 4474,
        "ratio_percent": "97.41",
        "points": 19.48,
    }
    assert data["details"]["3.3_ONLINE_DOSSIERS"]["threshold"] == "0.5"
    assert data["details"]["3.1_ONLINE_PROCEDURES"]["ratio_percent"] is None
    assert data["group_details"]["so_hoa_ho_so"] == {
        "name": "Số hóa hồ sơ",
        "name_en": "Digitisation of dossiers",
        "max": 22.0,
        "points": 9.3,
    }
    assert data["rating"] == {"key": "trung_binh", "name": "Trung bình"}


def test_portal_compatible_rounds_groups_3_and_4_like_the_portal(client):
    lang = next(u for u in HANOI if u["code"] == "H26.116")  # phường Láng
    exact_data = post(client, lang["inputs"]).json()
    portal_data = post(client, {**lang["inputs"], "portal_compatible": True}).json()

    assert exact(exact_data["groups"]["thanh_toan_truc_tuyen"]) == Decimal("5.41")
    assert exact(portal_data["groups"]["thanh_toan_truc_tuyen"]) == Decimal("5.40")
    assert exact(portal_data["total"]) == exact(lang["published"]["total"])
    assert portal_data["portal_compatible"] is True


def _assert_refused(response, field: str, words: str):
    assert response.status_code == 422
    data = response.json()
    assert set(data) == {"code", "message", "fields"}
    assert data["code"] == "invalid"
    assert words in data["fields"][field][0]
    assert field in data["message"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (with_commune("A", colour=3), "commune.colour", "Không có số liệu tên “colour”"),
        (with_commune("A", dossiers_received=-5), "commune.dossiers_received", "số âm"),
        (
            with_commune("A", dossiers_on_time=1241),
            "commune.dossiers_on_time",
            "(1241) không được lớn hơn “Hồ sơ tiếp nhận trong kỳ” (1240)",
        ),
        (with_commune("A", dossiers_received=12.5), "commune.dossiers_received", "số nguyên"),
        ({**EXAMPLES["A"]["inputs"], "month": "2025-09"}, "month", "Không có mục “month”"),
    ],
)
def test_wrong_inputs_get_422_naming_the_field_and_nothing_is_stored(client, body, field, words):
    _assert_refused(post(client, body), field, words)
    assert PublishedIndex.objects.count() == 0
    assert IndexSnapshot.objects.count() == 0
    assert CommuneMonth.objects.count() == 0


def test_a_missing_input_gets_422_naming_it(client):
    body = copy.deepcopy(EXAMPLES["A"]["inputs"])
    del body["province_level"]["tthc_public_required"]
    _assert_refused(post(client, body), "province_level.tthc_public_required", "Thiếu số liệu")


def test_a_day_before_the_index_existed_gets_422(client):
    _assert_refused(
        post(client, {**EXAMPLES["A"]["inputs"], "on": "2022-07-31"}), "on", "2022-07-31"
    )


def test_a_body_that_is_not_an_object_gets_422(client):
    response = post(client, [1, 2, 3])
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_more_than_60_calls_a_minute_from_one_address_get_429(client):
    body = EXAMPLES["A"]["inputs"]
    statuses = [post(client, body).status_code for _ in range(CALLS_PER_MINUTE)]
    assert statuses == [200] * CALLS_PER_MINUTE

    refused = post(client, body)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert set(refused.json()) == {"code", "message"}
    # Seconds until the window that opened with the first call ends, and the message says so.
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60 and "thử lại sau" in refused.json()["message"]
    # Malformed calls count too, and another address has its own allowance.
    assert post(client, {"nonsense": 1}).status_code == 429
    assert post(client, body, address="198.51.100.20").status_code == 200


def test_openapi_documents_every_input_and_the_refusals(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"][URL]["post"]
    assert {"200", "422", "429"} <= set(operation["responses"])

    schemas = document["components"]["schemas"]
    documented = {
        **schemas["ProvinceLevelIn"]["properties"],
        **schemas["CommuneIn"]["properties"],
    }
    assert set(documented) == {field.name for field in FIELDS}
    assert all(prop.get("description") for prop in documented.values())
    assert set(schemas["CommuneIn"]["required"]) == set(schemas["CommuneIn"]["properties"])
