"""VNeID single sign-on: OpenID Connect against a stand-in provider over real HTTP.

The stand-in (``oidc_provider.py``) signs ID tokens with its own RSA key and checks PKCE, so every
test here goes through the whole flow: motcua's start page, the provider's /authorize, motcua's
callback, and from there the provider's /token, /jwks and /userinfo.
"""

import json
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.core.cache import cache
from django.core.checks import Error, run_checks
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.residents import checks, identity, sessions
from motcua.residents.models import Resident
from tests.residents.oidc_provider import CITIZEN, CLIENT_ID, CLIENT_SECRET, StandInProvider
from tests.world import GOOD_ID

pytestmark = pytest.mark.django_db

OTHER_ID = "079190123456"
REJECTED = "Không xác minh được kết quả đăng nhập từ VNeID. Hãy đăng nhập lại."
TRY_LATER = "Không kết nối được nhà cung cấp định danh. Hãy thử lại sau ít phút."
SIGN_IN_AGAIN = "Hãy đăng nhập lại."
fuzz = hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def vneid(settings):
    cache.clear()
    with StandInProvider() as provider:
        settings.MOTCUA_IDENTITY_PROVIDERS = ["vneid"]
        settings.MOTCUA_OIDC_DISCOVERY_URL = provider.discovery_url
        settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
        settings.MOTCUA_OIDC_CLIENT_SECRET = CLIENT_SECRET
        yield provider
    cache.clear()


def start(client, **query) -> str:
    """Press "VNeID" on the sign-in page; the provider's /authorize URL motcua sends us to."""
    response = client.get(reverse("residents:sso_start", args=["vneid"]), query)
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def local(url: str) -> str:
    """The path and query of the callback URL, for Django's test client."""
    parsed = urlparse(url)
    return f"{parsed.path}?{parsed.query}"


def sign_in(client, provider):
    """The whole round trip: start, the citizen consents at the provider, the callback."""
    return client.get(local(provider.consent(start(client))))


def assert_refused(client, response, message, *, residents=0):
    """The sign-in page with 400 and ``message``; nobody signed in, no account made."""
    assert response.status_code == 400
    assert message in response.content.decode()
    assert sessions.SESSION_KEY not in client.session
    assert Resident.objects.count() == residents


# --------------------------------------------------------------------------- the happy path


def test_a_citizen_signs_in_with_vneid_and_the_id_number_comes_from_the_token(client, vneid):
    authorize = start(client, next="/ho-so-cua-toi/")
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and query["scope"] == ["openid profile"]

    response = client.get(local(vneid.consent(authorize)))

    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    assert vneid.client_auth == ["basic"]
    resident = Resident.objects.get()
    assert resident.verified_id_number == GOOD_ID and resident.verified_by == "vneid"
    assert resident.full_name == CITIZEN["name"]
    assert resident.phone == CITIZEN["phone_number"]  # from userinfo, about the same subject
    assert client.session[sessions.SESSION_KEY] == resident.pk
    assert identity.STATE_SESSION_KEY not in client.session
    assert client.get(reverse("residents:my_dossiers")).status_code == 200


def test_the_id_number_is_never_taken_from_userinfo(client, vneid):
    vneid.userinfo_claims = {**CITIZEN, "citizen_id": OTHER_ID, "name": "Người Khác"}

    assert sign_in(client, vneid).status_code == 302

    resident = Resident.objects.get()
    assert resident.verified_id_number == GOOD_ID and resident.full_name == CITIZEN["name"]


def test_userinfo_about_another_subject_adds_no_phone(client, vneid):
    vneid.userinfo_claims = {"sub": "someone-else", "phone_number": "0911111111"}

    assert sign_in(client, vneid).status_code == 302

    resident = Resident.objects.get()
    assert resident.verified_id_number == GOOD_ID and resident.phone is None


def test_without_userinfo_the_citizen_still_signs_in(client, vneid):
    vneid.userinfo_claims = {"error": "bảo trì"}  # no "sub": nothing from it is used
    assert sign_in(client, vneid).status_code == 302
    assert Resident.objects.get().verified_id_number == GOOD_ID


def test_an_id_number_in_the_token_goes_through_the_id_validation(client, vneid):
    vneid.citizen = {**CITIZEN, "citizen_id": "001²85012345x"}
    response = sign_in(client, vneid)
    assert response.status_code == 400 and "định danh" in response.content.decode()
    assert not Resident.objects.exists()


def test_a_token_without_an_id_number_says_to_use_the_phone(client, vneid):
    vneid.id_token_claims = ("sub", "name")
    assert_refused(client, sign_in(client, vneid), "Hãy đăng nhập bằng số điện thoại.")


def test_a_provider_without_discovery_is_configured_endpoint_by_endpoint(client, vneid, settings):
    settings.MOTCUA_OIDC_DISCOVERY_URL = ""
    settings.MOTCUA_OIDC_ISSUER = vneid.url
    for endpoint in ("authorize", "token", "userinfo", "jwks"):
        setattr(settings, f"MOTCUA_OIDC_{endpoint.upper()}_URL", f"{vneid.url}/{endpoint}")

    assert sign_in(client, vneid).status_code == 302

    assert Resident.objects.get().verified_id_number == GOOD_ID
    assert vneid.calls("/.well-known/openid-configuration") == 0


def test_client_credentials_can_go_in_the_body(client, vneid, settings):
    settings.MOTCUA_OIDC_TOKEN_AUTH_METHOD = "client_secret_post"
    assert sign_in(client, vneid).status_code == 302
    assert vneid.client_auth == ["body"]


def test_a_discovery_document_naming_another_issuer_is_not_used(client, vneid, settings):
    """OpenID Connect Discovery §4.3, against mix-up: the document must name the issuer we
    expect, or its keys and endpoints are not used."""
    settings.MOTCUA_OIDC_ISSUER = "https://sso.vneid.gov.vn"
    response = client.get(reverse("residents:sso_start", args=["vneid"]))
    assert_refused(client, response, TRY_LATER)
    assert vneid.calls("/authorize") == 0


# --------------------------------------------------------------------------- state and session


def test_a_replayed_callback_is_refused(client, vneid):
    callback = local(vneid.consent(start(client)))
    assert client.get(callback).status_code == 302
    client.post(reverse("residents:sign_out"))

    response = client.get(callback)

    assert response.status_code == 400 and SIGN_IN_AGAIN in response.content.decode()
    assert sessions.SESSION_KEY not in client.session


def test_a_restored_session_cannot_complete_the_same_sign_in_twice(client, vneid):
    """Even with the pending sign-in copied back into a session (a restored cookie, a second tab)
    and a provider that would take the code twice, the state works once."""
    vneid.codes_reusable = True
    callback = local(vneid.consent(start(client)))
    pending = client.session[identity.STATE_SESSION_KEY]
    assert client.get(callback).status_code == 302
    client.post(reverse("residents:sign_out"))
    session = client.session
    session[identity.STATE_SESSION_KEY] = pending
    session.save()

    response = client.get(callback)

    assert response.status_code == 400
    assert "Kết quả đăng nhập này đã được dùng. Hãy đăng nhập lại." in response.content.decode()
    assert sessions.SESSION_KEY not in client.session


def test_a_callback_in_another_browser_is_refused(client, vneid):
    callback = local(vneid.consent(start(client)))
    stranger = Client()
    assert_refused(stranger, stranger.get(callback), SIGN_IN_AGAIN)


def test_a_wrong_state_is_refused_and_spends_the_sign_in(client, vneid):
    callback = vneid.consent(start(client))
    query = parse_qs(urlparse(callback).query)
    forged = {"code": query["code"][0], "state": "x" + query["state"][0]}
    url = reverse("residents:sso_callback", args=["vneid"])
    assert_refused(client, client.get(url, forged), SIGN_IN_AGAIN)
    assert_refused(client, client.get(local(callback)), SIGN_IN_AGAIN)
    assert vneid.calls("/token") == 0


def test_a_sign_in_left_too_long_expires(client, vneid):
    callback = local(vneid.consent(start(client)))
    session = client.session
    session[identity.STATE_SESSION_KEY]["expires_at"] -= identity.PENDING_MAX_AGE + 1
    session.save()
    assert_refused(client, client.get(callback), "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.")


def test_a_citizen_who_declines_is_told_what_to_do(client, vneid):
    state = parse_qs(urlparse(start(client)).query)["state"][0]
    url = reverse("residents:sso_callback", args=["vneid"])
    response = client.get(url, {"state": state, "error": "access_denied"})
    assert_refused(client, response, "Hãy đăng nhập lại và chọn đồng ý.")


# --------------------------------------------------------------------------- the ID token


@pytest.mark.parametrize(
    "knob, value",
    [
        pytest.param("audience", "ung-dung-khac", id="wrong-audience"),
        pytest.param("audience", ["ung-dung-khac", CLIENT_ID], id="several-audiences-no-azp"),
        pytest.param("claims", {"aud": "khac", "azp": CLIENT_ID}, id="another-audience-azp-us"),
        pytest.param("expired", True, id="expired"),
        pytest.param("issuer", "https://vneid.gia-mao.example", id="wrong-issuer"),
        pytest.param("nonce", "nonce-cua-phien-khac", id="nonce-mismatch"),
        pytest.param("sign_with", "foreign", id="bad-signature"),  # another key, published kid
        pytest.param("sign_with", "unpublished", id="unpublished-kid"),
        pytest.param("alg", "none", id="alg-none"),
        pytest.param("alg", "HS256", id="hs256-keyed-with-the-public-key"),
    ],
)
def test_an_id_token_that_does_not_hold_is_refused(client, vneid, knob, value):
    setattr(vneid, knob, value)
    assert_refused(client, sign_in(client, vneid), REJECTED)


def test_a_token_for_several_audiences_is_accepted_when_azp_names_us(client, vneid):
    vneid.claims = {"aud": ["ung-dung-khac", CLIENT_ID], "azp": CLIENT_ID}
    assert sign_in(client, vneid).status_code == 302


def test_a_token_answer_without_an_id_token_is_refused(client, vneid):
    vneid.token_answer = (200, "application/json", b'{"access_token": "a", "token_type": "Bearer"}')
    assert_refused(client, sign_in(client, vneid), REJECTED)


def test_an_unknown_key_makes_one_fresh_look_at_the_providers_keys(client, vneid):
    assert sign_in(client, vneid).status_code == 302
    assert vneid.calls("/jwks") == 1
    client.post(reverse("residents:sign_out"))

    vneid.rotate_key()  # the provider rolls its signing key
    assert sign_in(client, vneid).status_code == 302
    assert vneid.calls("/jwks") == 2
    client.post(reverse("residents:sign_out"))

    assert sign_in(client, vneid).status_code == 302
    assert vneid.calls("/jwks") == 2  # the new keys are kept

    client.post(reverse("residents:sign_out"))
    vneid.sign_with = "unpublished"
    assert_refused(client, sign_in(client, vneid), REJECTED, residents=1)
    assert vneid.calls("/jwks") == 3  # one more look, not a loop


# --------------------------------------------------------------------------- PKCE


def test_the_stand_in_refuses_a_missing_or_wrong_code_verifier(client, vneid):
    """The stand-in checks PKCE like a careful provider, so the happy path proves motcua sends
    the verifier that matches its challenge."""
    callback = vneid.consent(start(client))
    code = parse_qs(urlparse(callback).query)["code"][0]
    pending = client.session[identity.STATE_SESSION_KEY]
    form = {"grant_type": "authorization_code", "code": code}
    form["redirect_uri"] = pending["redirect_uri"]
    basic = (CLIENT_ID, CLIENT_SECRET)

    missing = vneid.token_request(form, basic=basic)
    assert missing == (400, {"error": "invalid_grant", "error_description": "PKCE"})
    wrong = {**form, "code_verifier": pending["code_verifier"][::-1]}
    assert vneid.token_request(wrong, basic=basic)[0] == 400
    right = {**form, "code_verifier": pending["code_verifier"]}
    assert vneid.token_request(right, basic=basic)[0] == 200


def test_a_callback_with_another_verifier_in_the_session_is_refused(client, vneid):
    callback = local(vneid.consent(start(client)))
    session = client.session
    session[identity.STATE_SESSION_KEY]["code_verifier"] = "v" * 64
    session.save()
    assert_refused(client, client.get(callback), REJECTED)


# --------------------------------------------------------------------------- the provider fails


def test_a_provider_that_is_down_at_the_start_says_try_later(client, vneid):
    vneid.down = True
    response = client.get(reverse("residents:sso_start", args=["vneid"]))
    assert_refused(client, response, TRY_LATER)
    assert identity.STATE_SESSION_KEY not in client.session


@pytest.mark.parametrize("failure", ["down", "html", "closed"])
def test_a_provider_that_fails_at_the_callback_says_try_later(client, vneid, failure):
    callback = local(vneid.consent(start(client)))
    if failure == "closed":
        vneid.stop()
    else:
        setattr(vneid, failure, True)
    assert_refused(client, client.get(callback), TRY_LATER)


def test_credentials_the_provider_refuses_say_try_later(client, vneid, settings):
    """A wrong client secret is the operator's to fix; signing in again would not help."""
    settings.MOTCUA_OIDC_CLIENT_SECRET = "bi-mat-da-doi"
    assert_refused(client, sign_in(client, vneid), TRY_LATER)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
token_fields = st.fixed_dictionaries(
    {},
    optional={
        "access_token": json_values,
        "token_type": json_values,
        "expires_in": json_values,
        "expires_at": json_values,
        "id_token": json_values,
        "error": json_values,
    },
)


@fuzz
@given(
    status=st.sampled_from([200, 201, 400, 401, 404, 500, 503]),
    content_type=st.sampled_from(["application/json", "text/html", "text/plain"]),
    body=st.one_of(
        token_fields.map(lambda d: _json_bytes(d)),
        st.binary(max_size=200),
        st.sampled_from([b'{"expires_in": Infinity, "id_token": "a.b.c"}', b"[]", b"null"]),
    ),
)
def test_no_token_answer_gives_a_server_error(client, vneid, status, content_type, body):
    client.cookies.clear()
    vneid.token_answer = (status, content_type, body)
    response = sign_in(client, vneid)
    assert response.status_code == 400
    assert sessions.SESSION_KEY not in client.session


@fuzz
@given(
    id_token=st.one_of(
        st.text(max_size=300),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.").map(
            lambda t: t * 50
        ),  # long and token-shaped
        st.tuples(json_values, json_values, st.binary(max_size=64)).map(
            lambda parts: StandInProvider._unsigned(*parts)
        ),
        st.just("a" * 300_000),
    )
)
def test_no_id_token_gives_a_server_error(client, vneid, id_token):
    client.cookies.clear()
    vneid.id_token = id_token
    assert_refused(client, sign_in(client, vneid), REJECTED)


id_token_claim_names = st.sampled_from(
    ["iss", "sub", "aud", "exp", "iat", "nbf", "nonce", "azp", "at_hash", "auth_time", "amr"]
    + ["citizen_id", "name", "phone_number"]
)
numbers = st.integers() | st.floats(allow_nan=True, allow_infinity=True)


@fuzz
@given(claims=st.dictionaries(id_token_claim_names, json_values | numbers, max_size=4))
def test_no_signed_claims_give_a_server_error(client, vneid, claims):
    """Whatever the provider puts in a token it signs, motcua signs in or refuses, no 5xx."""
    client.cookies.clear()
    vneid.claims = claims
    response = sign_in(client, vneid)
    assert response.status_code in {302, 400}
    if response.status_code == 302:
        assert Resident.objects.filter(verified_id_number=GOOD_ID).exists()


b64url = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
jwk_fields = st.fixed_dictionaries(
    {"kty": st.sampled_from(["RSA", "EC", "oct", "OKP", "PQ"]) | json_values},
    optional={
        name: b64url | json_values
        for name in ("n", "e", "kid", "alg", "use", "crv", "x", "y", "k", "key_ops")
    },
)


@fuzz
@given(
    jwks=json_values.filter(lambda v: v is not None)  # None is the knob's "publish the keys"
    | st.lists(jwk_fields, max_size=3).map(lambda keys: {"keys": keys})
)
def test_no_published_key_set_gives_a_server_error(client, vneid, jwks):
    client.cookies.clear()
    cache.clear()
    vneid.jwks = jwks
    response = sign_in(client, vneid)
    assert response.status_code == 400
    assert sessions.SESSION_KEY not in client.session


query_values = st.text(max_size=40) | st.text(max_size=5000) | st.sampled_from(["", "\x00", "ÿ"])


@fuzz
@given(
    query=st.dictionaries(
        st.sampled_from(["code", "state", "error", "error_description", "iss", "x"]) | st.text(),
        query_values,
        max_size=5,
    ),
    with_real_state=st.booleans(),
    started=st.booleans(),
)
def test_no_query_string_on_the_callback_gives_a_server_error(
    client, vneid, query, with_real_state, started
):
    client.cookies.clear()
    if started:
        state = parse_qs(urlparse(start(client)).query)["state"][0]
        if with_real_state:
            query = {**query, "state": state}
    url = reverse("residents:sso_callback", args=["vneid"]) + "?" + urlencode(query)
    response = client.get(url)
    assert response.status_code == 400
    assert sessions.SESSION_KEY not in client.session


def _json_bytes(document) -> bytes:
    return json.dumps(document).encode()


# --------------------------------------------------------------------------- configuration


def test_vneid_enabled_without_its_settings_is_a_system_check_error(settings):
    settings.MOTCUA_IDENTITY_PROVIDERS = ["vneid"]
    for name in ("ISSUER", "DISCOVERY_URL", "CLIENT_ID", "CLIENT_SECRET"):
        setattr(settings, f"MOTCUA_OIDC_{name}", "")

    errors = checks.vneid_configured()

    assert {e.id for e in errors} == {"motcua.residents.E001"}
    text = " ".join(e.msg for e in errors)
    assert "MOTCUA_OIDC_ISSUER" in text and "MOTCUA_OIDC_CLIENT_ID" in text
    assert "MOTCUA_OIDC_CLIENT_SECRET" in text
    assert all(isinstance(e, Error) for e in errors)


def test_vneid_over_plain_http_is_an_error_in_production(settings):
    settings.DEBUG = False
    settings.MOTCUA_IDENTITY_PROVIDERS = ["vneid"]
    settings.MOTCUA_OIDC_ISSUER = "http://sso.vneid.example"
    settings.MOTCUA_OIDC_TOKEN_URL = "http://sso.vneid.example/token"
    settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_OIDC_CLIENT_SECRET = CLIENT_SECRET

    errors = checks.vneid_configured()

    assert [(e.id, e.msg.split()[0]) for e in errors] == [
        ("motcua.residents.E002", "MOTCUA_OIDC_ISSUER"),
        ("motcua.residents.E002", "MOTCUA_OIDC_TOKEN_URL"),
    ]
    settings.DEBUG = True
    assert checks.vneid_configured() == []


@pytest.mark.parametrize(
    "name, value",
    [
        ("ALGORITHMS", "RS256,HS256"),
        ("ALGORITHMS", "none"),
        ("SCOPES", "profile"),
        ("TOKEN_AUTH_METHOD", "none"),
    ],
)
def test_unsafe_vneid_settings_are_errors(settings, name, value):
    settings.MOTCUA_IDENTITY_PROVIDERS = ["vneid"]
    settings.MOTCUA_OIDC_ISSUER = "https://sso.vneid.example"
    settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_OIDC_CLIENT_SECRET = CLIENT_SECRET
    assert checks.vneid_configured() == []
    setattr(settings, f"MOTCUA_OIDC_{name}", value)
    assert [e.id for e in checks.vneid_configured()] == ["motcua.residents.E001"]


def test_the_checks_run_with_djangos(settings):
    settings.MOTCUA_IDENTITY_PROVIDERS = ["vneid"]
    settings.MOTCUA_OIDC_CLIENT_ID = ""
    assert "motcua.residents.E001" in {e.id for e in run_checks(tags=["security"])}


def test_the_sign_in_refuses_to_use_an_unsafe_configuration(client, vneid, settings):
    settings.MOTCUA_OIDC_ALGORITHMS = "RS256,HS256"
    vneid.alg = "HS256"
    response = client.get(reverse("residents:sso_start", args=["vneid"]))
    assert_refused(client, response, TRY_LATER)
    assert vneid.calls("/authorize") == 0
