"""Persona-table rows of the reports' statistics page (see test_access_table)."""

from tests.accounts.table import A_STATISTICS, PROVINCE, Row, _q, commune_a, with_format
from tests.accounts.world import MONTH

# The same access as the other commune statistics pages (Kind.COMMUNE_STATISTICS, view and
# export, ``access.commune_named``); the province's table is Kind.PROVINCE_STATISTICS.
ROWS: list[Row] = [
    Row(
        "insights:petitions",
        "commune_statistics/view",
        _q("insights:petitions", lambda w: f"{commune_a(w)}&month={MONTH}"),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:petitions",
        "commune_statistics/export",
        _q("insights:petitions", with_format(lambda w: f"{commune_a(w)}&month={MONTH}")),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:petitions",
        "province_statistics/view",
        _q("insights:petitions", lambda w: f"province=01&month={MONTH}"),
        ok=PROVINCE,
    ),
    Row(
        "insights:petitions",
        "province_statistics/export",
        _q("insights:petitions", with_format(lambda w: f"province=01&month={MONTH}")),
        ok=PROVINCE,
    ),
]
# URL names anyone may open (public pages).
PUBLIC: set[str] = set()
