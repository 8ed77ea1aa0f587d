"""schemathesis against the OpenAPI document the server serves: every operation, anonymous and with
a staff bearer token from ``motcua create_api_token``, on a database set up as a commune's would be
(the real units, day swaps and procedure catalogue, service centres, officers, a few days of
dossiers). Fails on any 5xx and on any answer the document does not describe: a status it does not
declare, a body or content type that does not match.

Run on its own (CI's step "API contract"): ``python -m pytest -m schemathesis tests/api``. Bounded
and deterministic: a fixed seed, derandomised generation, a few examples per operation; the number
of requests made is printed at the end.
"""

import io
from collections import Counter

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from motcua.dossiers.demo_data import ensure_demo_users, generate_history
from tests.api.conftest import SCHEMATHESIS_SUMMARY

# django_db: each operation's examples run in a transaction rolled back after it, over the data
# the module fixture committed once.
pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

STAFF = "hoankiem.motcua"  # the demo's reception officer of Phường Hoàn Kiếm
EXAMPLES_PER_OPERATION = 6  # per operation and caller, positive and negative ones


class CountingApp:
    """The WSGI application, counting every request schemathesis sends and each status."""

    def __init__(self, app):
        self.app = app
        self.staff_token = None
        self.statuses: Counter[tuple[str, int]] = Counter()

    def __call__(self, environ, start_response):
        caller = (
            "staff"
            if self.staff_token and environ.get("HTTP_AUTHORIZATION", "").endswith(self.staff_token)
            else "anonymous"
        )

        def start(status, headers, exc_info=None):
            self.statuses[(caller, int(status.split()[0]))] += 1
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


APP = CountingApp(get_wsgi_application())
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 14,
        "suppress-health-check": ["all"],
        "generation": {
            "deterministic": True,
            "database": "none",
            "max-examples": EXAMPLES_PER_OPERATION,
            # "anonymous" sends no credentials at all; the staff run sends the real token.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": False}},
        # What the contract promises: no 5xx, and every answer as the document describes it.
        # (Not "schema-valid input is accepted": a forged link or a phone number that is not
        # Vietnamese is well-formed and still refused, with a documented 400/422.)
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module")
def commune_database(django_db_setup, django_db_blocker, request):
    """Loaded once, through the import commands and services the demo uses; removed at the end."""
    with django_db_blocker.unblock():
        for command in (
            "import_units",
            "import_day_overrides",
            "import_procedures",
            "create_service_centers",
        ):
            call_command(command, verbosity=0)
        ensure_demo_users()
        generate_history(days=3, per_day=2)
        out = io.StringIO()
        call_command(
            "create_api_token", STAFF, name="schemathesis", stdout=out, stderr=io.StringIO()
        )
        APP.staff_token = out.getvalue().strip()
        # As Django's test client does: a request must not close the connection that holds each
        # test's transaction (the real WSGI handler would, on PostgreSQL).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            yield APP.staff_token
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        report(request.config)
        call_command("flush", interactive=False, verbosity=0)


def report(config):
    """Left for the terminal summary (tests/api/conftest.py): requests made, per caller and
    status."""
    callers, statuses = Counter(), Counter()
    for (caller, status), n in APP.statuses.items():
        callers[caller] += n
        statuses[status] += n
    config.stash[SCHEMATHESIS_SUMMARY] = (
        f"schemathesis: {callers.total()} requests ({callers['anonymous']} anonymous, "
        f"{callers['staff']} with a staff token); statuses "
        + ", ".join(f"{status}×{n}" for status, n in sorted(statuses.items()))
    )


@pytest.mark.parametrize("caller", ["anonymous", "staff"])
@schema.parametrize()
def test_the_api_keeps_its_openapi_contract(case, caller, commune_database):
    headers = {"Authorization": f"Bearer {commune_database}"} if caller == "staff" else {}
    case.call_and_validate(headers=headers)
