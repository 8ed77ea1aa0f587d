"""Every error of the API in one shape, ``{"code", "message"}`` (+ ``fields`` on a 422), whoever
answers it: an endpoint, ninja's validation and routing, Django's own exceptions, or a crash."""

import json
import re

import pytest
from django.test import Client

from motcua.accounts.services import create_api_token
from motcua.api.schemas import ErrorOut
from motcua.dossiers.models import Dossier
from motcua.residents import services as resident_services
from motcua.residents.models import Resident
from tests.world import GOOD_ID, PASSWORD

pytestmark = pytest.mark.django_db


def error_of(response, status, code):
    """The body, checked against the one error schema."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response.content
    body = response.json()
    ErrorOut.model_validate(body)  # extra keys are forbidden, code and message required
    assert body["code"] == code, body
    assert body["message"].strip(), body
    assert "Traceback" not in body["message"] and 'File "' not in body["message"]
    return body


def post_json(client, path, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **headers)


def new_dossier(**overrides):
    return {
        "procedure_code": "1.004873",
        "applicant": {"name": "Phạm Thị Hoa", "id_number": GOOD_ID},
        **overrides,
    }


@pytest.fixture
def resident_token(db):
    resident = Resident.objects.create(phone="0912345678", full_name="Trần Thị Bích Ngọc")
    return resident_services.issue_token(resident)


# --------------------------------------------------------------------------- routing


@pytest.mark.parametrize("method", ["get", "post", "put"])
def test_an_unknown_address_is_a_json_404(client, method):
    body = error_of(getattr(client, method)("/api/v1/no-such-thing"), 404, "not_found")
    assert "/api/v1/docs" in body["message"]


def test_an_unknown_address_is_a_json_404_with_debug_on_too(client, settings):
    settings.DEBUG = True  # Django would answer its technical 404 page
    error_of(client.get("/api/v1/dossiers/X/nothing-here"), 404, "not_found")


def test_a_method_the_address_does_not_take_is_a_json_405(client):
    response = client.delete("/api/v1/units")
    body = error_of(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    assert "DELETE" in body["message"] and "GET" in body["message"]


def test_a_path_parameter_of_the_wrong_type_names_it(client):
    body = error_of(client.get("/api/v1/queue/centers/abc/board"), 422, "invalid")
    assert body["fields"] == {"center_id": ["Phải là số nguyên."]}
    assert "center_id" in body["message"]


# --------------------------------------------------------------------------- bodies


@pytest.mark.parametrize("raw", ["{not json", "[1,", b"\xff\xfe{}"])
def test_an_unparsable_body_is_400_malformed(client, raw):
    body = error_of(post_json(client, "/api/v1/index/score", raw), 400, "malformed")
    assert "JSON" in body["message"]


def test_a_body_over_the_size_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = post_json(client, "/api/v1/index/score", {"commune": {"x": "y" * 2000}})
    error_of(response, 413, "too_large")


def test_a_multipart_body_that_cannot_be_read_is_400(client, resident_token):
    response = client.post(
        "/api/v1/portal/dossiers",
        b"--nothing\r\n",
        content_type="multipart/form-data; boundary=",
        HTTP_AUTHORIZATION=f"Bearer {resident_token}",
    )
    error_of(response, 400, "malformed")


def test_a_form_with_too_many_fields_is_413(client, settings, resident_token):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"extra_{i}": "x" for i in range(10)}
    response = client.post(
        "/api/v1/portal/dossiers", fields, HTTP_AUTHORIZATION=f"Bearer {resident_token}"
    )
    error_of(response, 413, "too_large")


def test_field_problems_are_named_by_their_path_in_vietnamese(client, world):
    token = create_api_token(world.reception.username)
    response = post_json(
        client,
        "/api/v1/dossiers",
        new_dossier(applicant={"name": "", "id_number": GOOD_ID}, sets_count="many"),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    body = error_of(response, 422, "invalid")
    assert body["fields"] == {
        "applicant.name": ["Cần ít nhất 1 ký tự."],
        "sets_count": ["Phải là số nguyên."],
    }
    assert Dossier.objects.count() == 0

    body = error_of(client.get("/api/v1/procedures?limit=0"), 422, "invalid")
    assert body["fields"] == {"limit": ["Phải từ 1 trở lên."]}
    body = error_of(post_json(client, "/api/v1/portal/sign-in/code", {"phone": 5}), 422, "invalid")
    assert body["fields"] == {"phone": ["Phải là một chuỗi ký tự."]}


# --------------------------------------------------------------------------- who is calling


def test_no_token_is_401_not_a_csrf_403(world):
    browserless = Client(enforce_csrf_checks=True)  # as an outside client meets the API
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer mc_wrong"}, {"HTTP_AUTHORIZATION": "x"}):
        response = post_json(browserless, "/api/v1/dossiers", new_dossier(), **headers)
        body = error_of(response, 401, "unauthorized")
        assert "Authorization: Bearer" in body["message"]
        assert response["WWW-Authenticate"] == "Bearer"
    response = post_json(browserless, "/api/v1/queue/counters/1/call-next", {})
    error_of(response, 401, "unauthorized")
    assert Dossier.objects.count() == 0


def test_a_signed_in_session_still_needs_its_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=world.reception.username, password=PASSWORD)
    forged = post_json(browser, "/api/v1/dossiers", new_dossier())
    error_of(forged, 403, "csrf_failed")
    assert Dossier.objects.count() == 0

    page = browser.get("/", follow=True).content.decode()  # as the site's own pages call it
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    genuine = post_json(browser, "/api/v1/dossiers", new_dossier(), HTTP_X_CSRFTOKEN=token)
    assert genuine.status_code == 201, genuine.content


def test_messages_follow_the_language_the_client_chose(client, settings):
    vietnamese = error_of(client.get("/api/v1/portal/dossiers"), 401, "unauthorized")
    assert vietnamese["message"].startswith("Cần đăng nhập")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = error_of(client.get("/api/v1/portal/dossiers"), 401, "unauthorized")
    assert english["message"].startswith("Sign-in needed")


# --------------------------------------------------------------------------- Django's own


@pytest.mark.urls("tests.api.probe_urls")
def test_djangos_own_exceptions_answer_in_the_shape(client):
    body = error_of(client.get("/api/probe/denied"), 403, "forbidden")
    assert body["message"] == "Chỉ lãnh đạo xã được xem trang này."
    body = error_of(client.get("/api/probe/django-404"), 404, "not_found")
    assert body["message"] == "Không tìm thấy."  # not Django's developer English
    body = error_of(client.get("/api/probe/suspicious"), 400, "bad_request")
    assert "passwd" not in body["message"]


@pytest.mark.urls("tests.api.probe_urls")
@pytest.mark.parametrize("debug", [False, True])
def test_a_crash_is_a_json_500_without_its_traceback(settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    response = client.get("/api/probe/crash")
    body = error_of(response, 500, "server_error")
    assert "ZeroDivisionError" not in response.content.decode()
    assert "division" not in body["message"]
