"""No input gives a 5xx: any Unicode, any size, in any parameter of any endpoint (property test),
and odd paths; a refused POST stores nothing."""

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.petitions.models import Petition
from tests.open311.support import BASE

pytestmark = pytest.mark.django_db
GET_PARAMETERS = [
    "jurisdiction_id",
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
]
POST_FIELDS = [
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "media_url",
    "first_name",
    "last_name",
    "email",
    "phone",
    "attribute[loai-rac]",
    "attribute[loai-rac][]",
]
# Any text but NUL (refused at the door, tests/security) and lone surrogates (not encodable).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300
)
PATHS = [
    "discovery.json",
    "services.xml",
    "services/moi-truong.json",
    "requests.xml",
    "requests/1.json",
    "tokens/1.xml",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(PATHS), query=st.dictionaries(st.sampled_from(GET_PARAMETERS), TEXT))
def test_any_get_is_answered_below_500(client, world, path, query):
    response = client.get(BASE + path, query)
    assert response.status_code in (200, 400, 404), (path, query, response.content[:300])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(st.sampled_from(POST_FIELDS), TEXT), fmt=st.sampled_from(["json", "xml"])
)
def test_any_post_without_a_valid_key_is_refused_and_stores_nothing(client, world, form, fmt):
    response = client.post(f"{BASE}requests.{fmt}", form)
    assert response.status_code in (400, 403, 404, 429), (form, response.content[:300])
    assert not Petition.objects.exists()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form=st.dictionaries(st.sampled_from(POST_FIELDS[1:]), TEXT))
@override_settings(
    MOTCUA_OPEN311_POSTS_PER_KEY_PER_HOUR=10_000, MOTCUA_OPEN311_POSTS_PER_ADDRESS_PER_HOUR=10_000
)
def test_any_post_with_a_valid_key_is_answered_below_500(client, world, api_key, form):
    form = {"api_key": api_key, "jurisdiction_id": world.a.code, **form}
    response = client.post(f"{BASE}requests.json", form)
    assert response.status_code in (200, 400, 404), (form, response.content[:300])


@pytest.mark.parametrize(
    "path",
    [
        "requests/%ff%fe.json",
        "services/%e2%80%ae.xml",
        "requests/1.json/extra",
        "tokens/" + "9" * 5000 + ".json",
        "services/" + "a" * 5000 + ".json",
        "requests/<script>.xml",
        "discovery.",
        "discovery",
        "",
    ],
)
def test_odd_paths_are_answered_below_500(client, world, path):
    response = client.get(BASE + path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
