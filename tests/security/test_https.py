"""Behind a proxy that ends TLS: with the README's production environment, the staff sign-in and the
residents' phone sign-in work for a browser on https://, a form posted from any other origin is
refused, cookies travel over HTTPS only, and plain http:// is sent to https://.

The proxy talks plain HTTP to Django and says ``X-Forwarded-Proto: https``; the browser sends its
``Origin`` and ``Referer`` on https://. The settings are what motcua/settings.py makes of the
README's environment (tests.security.production), applied to this test's Django.
"""

import re

import pytest
from django.conf import global_settings
from django.test import Client

from motcua.notify.models import Message
from motcua.residents.models import OneTimeCode
from tests.security.production import (
    PRODUCTION_HOST,
    PRODUCTION_ORIGIN,
    documented_production_env,
    settings_from_env,
)
from tests.world import PASSWORD

HTTPS_SETTINGS = (
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
)
FOREIGN_ORIGINS = ["https://evil.example", f"http://{PRODUCTION_HOST}", "null"]
PHONE = "0912345678"


@pytest.fixture
def behind_tls_proxy(settings, tmp_path, monkeypatch):
    computed = settings_from_env(documented_production_env(), tmp_path, monkeypatch)
    for name in HTTPS_SETTINGS:
        setattr(settings, name, computed.get(name, getattr(global_settings, name)))
    return settings


@pytest.fixture
def browser(behind_tls_proxy):
    """A browser on https://motcua.xa-a.gov.vn, as Django sees it through the proxy."""
    return Client(
        enforce_csrf_checks=True, HTTP_HOST=PRODUCTION_HOST, HTTP_X_FORWARDED_PROTO="https"
    )


def form_token(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]


def post_from(browser, origin: str, path: str, data: dict):
    """The form on ``path`` (fetched first, for its token) posted by a page of ``origin``."""
    data = {**data, "csrfmiddlewaretoken": form_token(browser.get(path))}
    return browser.post(path, data, HTTP_ORIGIN=origin, HTTP_REFERER=f"{origin}{path}")


def test_an_officer_signs_in_through_the_tls_proxy(browser, world):
    credentials = {"username": "a.reception", "password": PASSWORD}
    response = post_from(browser, PRODUCTION_ORIGIN, "/dang-nhap/", credentials)
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    assert response.cookies["sessionid"]["secure"] and response.cookies["csrftoken"]["secure"]
    assert browser.get("/can-bo/").status_code == 200


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_the_staff_sign_in_posted_from_another_origin_is_refused(browser, world, origin):
    credentials = {"username": "a.reception", "password": PASSWORD}
    response = post_from(browser, origin, "/dang-nhap/", credentials)
    assert response.status_code == 403
    assert "sessionid" not in response.cookies
    assert browser.get("/can-bo/").status_code == 302  # still signed out


def test_a_resident_signs_in_by_phone_through_the_tls_proxy(browser, db):
    asked = post_from(browser, PRODUCTION_ORIGIN, "/dang-nhap-cong-dan/", {"phone": PHONE})
    assert asked.status_code == 302 and asked["Location"].startswith("/dang-nhap-cong-dan/ma/")
    body = Message.objects.get(recipient=PHONE).body
    code = re.search(r"\b(\d{6})\b", body)[1]
    signed_in = post_from(browser, PRODUCTION_ORIGIN, asked["Location"], {"code": code})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/ho-so-cua-toi/"
    assert browser.get("/ho-so-cua-toi/").status_code == 200


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_the_phone_sign_in_posted_from_another_origin_is_refused(browser, db, origin):
    response = post_from(browser, origin, "/dang-nhap-cong-dan/", {"phone": PHONE})
    assert response.status_code == 403
    assert not OneTimeCode.objects.exists() and not Message.objects.exists()


def test_plain_http_is_sent_to_https_and_https_answers_carry_hsts(behind_tls_proxy, db):
    plain = Client(HTTP_HOST=PRODUCTION_HOST, HTTP_X_FORWARDED_PROTO="http")
    response = plain.get("/thu-tuc/?q=khai+sinh")
    assert response.status_code == 301
    assert response["Location"] == f"{PRODUCTION_ORIGIN}/thu-tuc/?q=khai+sinh"
    assert plain.get("/healthz").status_code == 200  # the load balancer's probe
    secure = Client(HTTP_HOST=PRODUCTION_HOST, HTTP_X_FORWARDED_PROTO="https")
    answer = secure.get("/thu-tuc/")
    assert answer.status_code == 200
    assert answer["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_a_visitor_cannot_claim_https_without_the_proxy_setting(settings, tmp_path, monkeypatch):
    """X-Forwarded-Proto is trusted only when the operator says the proxy sets it."""
    env = {**documented_production_env(), "MOTCUA_TRUST_X_FORWARDED_PROTO": ""}
    computed = settings_from_env(env, tmp_path, monkeypatch)
    assert computed.get("SECURE_PROXY_SSL_HEADER") is None
    assert computed["SESSION_COOKIE_SECURE"] and computed["SECURE_SSL_REDIRECT"]


def test_the_older_secure_cookies_switch_still_works(tmp_path, monkeypatch):
    computed = settings_from_env({"MOTCUA_SECURE_COOKIES": "1"}, tmp_path, monkeypatch)
    assert computed["SESSION_COOKIE_SECURE"] and computed["CSRF_COOKIE_SECURE"]
    assert not computed["SECURE_SSL_REDIRECT"]
    plain = settings_from_env({}, tmp_path, monkeypatch)
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["CSRF_COOKIE_SECURE"]
    https_without_cookies = settings_from_env(
        {"MOTCUA_HTTPS": "1", "MOTCUA_SECURE_COOKIES": "0"}, tmp_path, monkeypatch
    )
    assert not https_without_cookies["SESSION_COOKIE_SECURE"]


def test_a_wrong_hsts_value_names_the_variable(tmp_path, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="MOTCUA_HSTS_SECONDS"):
        settings_from_env({"MOTCUA_HSTS_SECONDS": "một năm"}, tmp_path, monkeypatch)
