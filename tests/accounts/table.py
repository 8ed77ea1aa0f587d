"""The persona table's vocabulary: a ``Row`` and the outcomes and persona groups rows use.

Rows live in ``test_access_table`` and, for reports (phản ánh), in ``rows_petitions_*`` beside it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from tests.accounts.world import STAFF, AccessWorld

OK, NOT_FOUND, FORBIDDEN, SIGN_IN, UNAUTHORIZED = "ok", "404", "403", "sign-in", "401"

JULY = "start=2025-07-01&end=2025-07-31"
A_OFFICERS = frozenset({"a.reception", "a.specialist", "a.leader", "a.commune_admin", "colleague"})
A_STATISTICS = frozenset({"a.leader", "a.commune_admin", "monitor", "superuser"})
PROVINCE = frozenset({"monitor", "superuser"})
EVERY_OFFICER = frozenset(STAFF)


@dataclass(frozen=True)
class Row:
    """One route as one persona-table row: ``ok`` are let through, ``forbidden`` get 403, the
    other staff personas 404."""

    route: str  # URL name, or "METHOD /api/v1/…" as in the OpenAPI document
    what: str  # kind/action in the access rule's words
    url: Callable[[AccessWorld], str]
    ok: frozenset
    forbidden: frozenset = frozenset()
    method: str = "get"
    data: Callable[[AccessWorld], dict] | None = None
    # Never in the answer for a persona outside ``ok``: a list that leaks would fail.
    secret: Callable[[AccessWorld], str] | None = None

    @property
    def api(self) -> bool:
        return self.route.split(" ")[-1].startswith("/api/")

    def expected(self, persona: str) -> str:
        if persona in ("inactive", "resident", "anonymous"):
            return UNAUTHORIZED if self.api else SIGN_IN
        if persona == "roleless":
            return FORBIDDEN
        if persona in self.ok:
            return OK
        return FORBIDDEN if persona in self.forbidden else NOT_FOUND


def _r(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def _q(name, query, *args):
    return lambda w: _r(name, *args)(w) + "?" + query(w)


def code(attr):
    return lambda w: getattr(w, attr).code


def commune_a(w):
    return f"commune={w.a.code}"


def with_format(query):
    return lambda w: query(w) + "&format=csv"
