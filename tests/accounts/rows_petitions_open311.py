"""Persona-table rows of the reports' open311 routes (see test_access_table)."""

from tests.accounts.table import (  # noqa: F401 - the vocabulary rows are written in
    A_OFFICERS,
    EVERY_OFFICER,
    FORBIDDEN,
    PROVINCE,
    Row,
    _q,
    _r,
)

# Staff routes: one Row per route and action.
ROWS: list[Row] = []
# URL names anyone may open (public pages). Open311 GeoReport v2 is public: GETs show reports as
# the public pages do (tests/open311/test_privacy.py); a POST needs an API key, not a persona.
PUBLIC: set[str] = {
    "open311:discovery",
    "open311:services",
    "open311:service_definition",
    "open311:requests",
    "open311:request",
    "open311:token",
    "open311:unknown",
}
