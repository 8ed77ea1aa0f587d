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
# URL names anyone may open (public pages): the report form (portal, a place's QR placard, the
# centre's kiosk), the confirmation and the reporter's private follow page (both reached only by
# the report's secret), a commune's published answers and their public photos.
PUBLIC: set[str] = {
    "petitions:report",
    "petitions:place",
    "petitions:kiosk",
    "petitions:kiosk_sent",
    "petitions:sent",
    "petitions:follow",
    "petitions:answers",
    "petitions:commune_answers",
    "petitions:answer",
    "petitions:photo",
}
