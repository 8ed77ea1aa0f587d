"""The OpenAPI document is the whole contract: an outside client generates code from it and a fuzzer
checks the server against it. These tests read the document the server serves."""

import re

import pytest
from ninja.openapi.schema import OpenAPISchema

from motcua.api.router import api

ERROR_REF = "#/components/schemas/ErrorOut"
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", method, operation


class NameClashes(OpenAPISchema):
    """ninja files every model's schema under its class name and lets a later one overwrite an
    earlier one of the same name, so the served document cannot show a clash: record them."""

    def add_schema_definitions(self, definitions):
        clashes = self.__dict__.setdefault("clashes", set())
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                clashes.add(name)
        super().add_schema_definitions(definitions)


def test_no_two_schemas_share_a_name():
    built = NameClashes(api, "/api/v1/")
    assert built.__dict__.get("clashes", set()) == set()


def test_every_operation_declares_the_errors_its_auth_and_inputs_imply(document):
    missing = {}
    for label, method, operation in operations(document):
        declared = {int(status) for status in operation["responses"]}
        schemes = {name for rule in operation.get("security", []) for name in rule}
        implied = set()
        if schemes:
            implied.add(401)
        if "OfficerSession" in schemes and method in UNSAFE:
            implied.add(403)  # a signed-in session without its CSRF token
        # Any request may carry a NUL character, refused as invalid (security.middleware).
        implied.add(422)
        if "requestBody" in operation:
            implied |= {400, 413}
        if implied - declared:
            missing[label] = sorted(implied - declared)
    assert missing == {}


def test_throttled_operations_declare_429():
    # ninja keeps an operation's throttles on the operation only (not in the document).
    unlimited = [
        f"{sorted(operation.methods)} {prefix}{path}"
        for prefix, router in api._routers
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        if operation.throttle_objects and 429 not in operation.response_models
    ]
    assert unlimited == []


def test_every_error_response_is_the_one_error_schema(document):
    others = {}
    for label, _method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema != {"$ref": ERROR_REF}:
                others[f"{label} {status}"] = schema
    assert others == {}

    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    assert sorted(error["required"]) == ["code", "message"]
    assert error["additionalProperties"] is False
    assert error["properties"]["fields"]["additionalProperties"] == {
        "items": {"type": "string"},
        "type": "array",
    }


def test_the_docs_page_serves_its_own_files(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), html
    for asset in assets:
        assert asset.startswith("/static/"), asset  # nothing from a CDN
        assert client.get(asset).status_code == 200, asset
