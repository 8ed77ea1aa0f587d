"""The ratings API as a kiosk or the portal uses it: read the criteria, rate once, clear errors."""

import pytest
from django.core import signing

from motcua.feedback.links import SALT, rating_token
from motcua.feedback.models import Rating
from tests.feedback.support import ALL_GOOD
from tests.world import vn


class RatingsApi:
    """The ratings endpoints where the project mounts them, through the whole stack (the API's
    error handlers write the refusals)."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        return self.client.get(f"/api/v1/ratings{path}")

    def post(self, path, json):
        return self.client.post(f"/api/v1/ratings{path}", json, content_type="application/json")


@pytest.fixture
def api(client):
    return RatingsApi(client)


def error_of(response, status, code):
    assert response.status_code == status, response.json()
    body = response.json()
    assert {"code", "message"} <= set(body) <= {"code", "message", "fields"}
    assert body["code"] == code
    return body


def test_criteria_and_levels(api, db):
    body = api.get("/criteria").json()
    assert [c["key"] for c in body["criteria"]] == ["a", "b", "c", "d", "đ", "e", "g", "h", "i"]
    h = body["criteria"][7]
    assert h["online_only"] and not h["optional"] and h["indicator"] == 9
    assert h["legal_reference"] == "Nghị định 118/2025/NĐ-CP, Điều 33, điểm h"
    assert body["levels"] == [
        {"key": "very_satisfied", "label": "Rất hài lòng", "points": 2},
        {"key": "satisfied", "label": "Hài lòng", "points": 1},
        {"key": "not_satisfied", "label": "Không hài lòng", "points": 0},
    ]


def test_read_the_link_then_rate_once(api, returned, token):
    form = api.get(f"/{token}")
    assert form.status_code == 200
    assert form.json()["dossier_code"] == returned.code
    assert [c["key"] for c in form.json()["criteria"]] == ["a", "b", "c", "d", "đ", "e", "g", "i"]

    response = api.post(
        f"/{token}", json={"answers": {**ALL_GOOD, "g": "satisfied"}, "channel": "kiosk"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["dossier_code"] == returned.code and body["channel"] == "kiosk"
    assert body["answers"] == {**ALL_GOOD, "g": "satisfied"}
    assert body["submitted_at"].endswith("+07:00")
    assert Rating.objects.get().channel == "kiosk"

    again = error_of(api.post(f"/{token}", json={"answers": ALL_GOOD}), 409, "already_rated")
    assert "đã được đánh giá lúc" in again["message"]
    error_of(api.get(f"/{token}"), 409, "already_rated")
    assert Rating.objects.count() == 1


def test_forged_and_stale_tokens(api, world, returned, token):
    other = world.receive()
    for forged in [
        token[:-3] + "abc",
        signing.dumps({"d": returned.pk, "c": other.code, "n": "x"}, salt=SALT),
    ]:
        body = error_of(api.post(f"/{forged}", json={"answers": ALL_GOOD}), 400, "invalid_token")
        assert "Liên kết đánh giá không hợp lệ" in body["message"]
        error_of(api.get(f"/{forged}"), 400, "invalid_token")
    gone = signing.dumps({"d": 987654, "c": "X-250707-0001", "n": "x"}, salt=SALT)
    error_of(api.post(f"/{gone}", json={"answers": ALL_GOOD}), 404, "unknown_dossier")
    assert Rating.objects.count() == 0


def test_not_yet_returned(api, world):
    token = rating_token(world.receive(at=vn(2025, 7, 7, 9)))
    error_of(api.post(f"/{token}", json={"answers": ALL_GOOD}), 409, "not_returned")
    assert Rating.objects.count() == 0


def test_wrong_answers_name_each_criterion(api, token):
    answers = {**ALL_GOOD, "a": "tạm được", "h": "satisfied"}
    del answers["đ"]
    body = error_of(api.post(f"/{token}", json={"answers": answers}), 422, "unknown_criterion")
    assert set(body["fields"]) == {"a", "đ", "h"}
    assert "Thái độ của cán bộ, công chức" in body["fields"]["đ"][0]
    body = error_of(api.post(f"/{token}", json={"answers": {}}), 422, "missing_answer")
    assert set(body["fields"]) == {"a", "b", "c", "d", "đ", "e"}
    assert Rating.objects.count() == 0


def test_a_malformed_body_is_refused(api, token):
    assert api.post(f"/{token}", json={"answers": ["a", "b"]}).status_code == 422
    assert api.post(f"/{token}", json={"answers": ALL_GOOD, "channel": "fax"}).status_code == 422
    assert Rating.objects.count() == 0
