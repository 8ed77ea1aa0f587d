"""Persona-table rows of the reports' staff routes (see test_access_table)."""

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
ROWS: list[Row] = [
    Row(
        "petitions:staff_detail",
        "petition/view",
        _r("petitions:staff_detail", lambda w: w.petition_a.pk),
        ok=A_OFFICERS | PROVINCE | {"hotline"},
    ),
]
# URL names anyone may open (public pages).
PUBLIC: set[str] = set()
