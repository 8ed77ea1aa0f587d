"""Persona-table rows of the reports' public routes (see test_access_table)."""

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
# URL names anyone may open (public pages).
PUBLIC: set[str] = {"petitions:follow"}
