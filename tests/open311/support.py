"""Open311 test helpers: a key, GET and POST in either format, and XML read back as data so the
two formats can be compared value for value."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.petitions import keys
from tests.petitions.support import report

BASE = "/open311/v2/"
# The spec's element names (GeoReport v2), written here from the spec, not from our code.
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
# Lists in XML: the container's tag and its items' tag.
LISTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


@pytest.fixture
def api_key(db):
    """A fresh key's raw text."""
    _key, raw = keys.create_key("Ứng dụng thử")
    return raw


def get(client, path: str, fmt: str = "json", **query):
    return client.get(f"{BASE}{path}.{fmt}", query)


def post(client, fmt: str = "json", **form):
    return client.post(f"{BASE}requests.{fmt}", form)


def body(response):
    """JSON as it is; XML as the same shape: lists for list containers, dicts, text leaves."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)
    assert response["Content-Type"].startswith("text/xml")
    return as_data(ET.fromstring(response.content))


def as_data(element: ET.Element):
    if element.tag in LISTS:
        assert all(child.tag == LISTS[element.tag] for child in element), element.tag
        return [as_data(child) for child in element]
    if len(element):
        return {child.tag: as_data(child) for child in element}
    return element.text or ""


def as_text(value):
    """A JSON value as XML carries it: null is empty, booleans are true/false."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def recent(world, **fields):
    """A report filed an hour ago (inside the default 90-day window)."""
    fields.setdefault("at", timezone.now() - timedelta(hours=1))
    return report(world, **fields)


def url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})
