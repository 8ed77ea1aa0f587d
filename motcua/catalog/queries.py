"""Reads of the procedure catalogue for pages, the API, the kiosk and exports.

Search (``search_procedures``) has to hold up with the whole national catalogue (5,670 names, ADR
0027): the right procedure first for the words people type, a commune's own procedures before other
provinces' variants, and a few milliseconds per answer on SQLite and PostgreSQL alike.

- **Matching**: every query word must be a whole word of the folded ``search_text`` (names,
  code, field; ``motcua.text.search_key`` folds accents, đ/Đ and punctuation), in any order; the
  last word may be unfinished ("dang ky ket h"). "dang ky" finds "Đăng ký", "khai sinh" finds
  "đăng ký khai sinh lưu động"; "ho" does not find "học". The database's word index finds the
  rows (``motcua.catalog.search_index``: FTS5 on SQLite, GIN on PostgreSQL, over a narrow table
  kept by triggers).
- **Ranking**, on the matched rows only: (1) how well the name matches: the whole query as a
  phrase in the Vietnamese name, then every word in the name, then words found only in the
  English name, code or field; (2) whose procedure it is (``ORIGIN_*``): the commune's own,
  national, its province's variant, national internal, another province's variant; (3) shorter
  names first (the plain "Đăng ký khai sinh" before "Đăng ký khai sinh lưu động"); (4) the code.
- People type the way they speak ("lam giay khai sinh": *make a birth paper*): when no procedure
  has every word, those with at least half of the words are returned instead, ranked by BM25 over
  the words that are not everywhere (``_SearchSQL._score``).

Why whole words and not an FTS dictionary's ranking: Vietnamese words are single syllables that
stemming and stop words do not fit, and one meaning on both databases lets a test on one prove
the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet

from motcua.catalog import search_index
from motcua.catalog.models import Field, PortalType, Procedure, ProcedureLevel
from motcua.text import search_key

# Enough for any real query; bounds the work a pasted page of text can cause.
MAX_QUERY_CHARS = 500
MAX_WORDS = 10
PAGE_SIZE = 20
# In the loose match, a word found in more than this share of the catalogue does not rank.
COMMON_SHARE = 0.25
# Whose procedure it is, best first (ADR 0027): for a commune, the procedures it has
# standardised, then the national ones, its province's variants, the national internal ones, and
# last other provinces' variants (SPECIFIC records of the national portal). Entries of the
# project's own JSON have no portal type: they are national.
ORIGIN_OWN, ORIGIN_NATIONAL, ORIGIN_OWN_PROVINCE, ORIGIN_INTERNAL, ORIGIN_OTHER_PROVINCE = range(5)


def query_tokens(q: str) -> list[str]:
    """The folded words of a query: ``"  Đăng ký, KẾT hôn "`` → ``["dang", "ky", "ket", "hon"]``."""
    return search_key(q or "").split()


def search_words(q: str) -> list[str]:
    """The words search looks for: folded, each once, at most ``MAX_WORDS``; only letters,
    digits and the dot inside a code, so none of them is query syntax to a database."""
    words = search_key((q or "")[:MAX_QUERY_CHARS]).replace("_", " ").split()
    return list(dict.fromkeys(words))[:MAX_WORDS]


@dataclass(frozen=True)
class SearchPage:
    """One page of results; ``has_more`` when another page follows."""

    results: list[Procedure]
    offset: int
    limit: int
    has_more: bool
    loose: bool  # no procedure had every word: these have at least half of them


def search_procedures(
    q: str, commune=None, limit: int = PAGE_SIZE, *, offset: int = 0, only_handled: bool = True
) -> list[Procedure]:
    """Active procedures matching ``q`` (see the module docstring), best first.

    With ``commune``, its own procedures rank first; and with ``only_handled`` (the officers'
    pickers) only the procedures it handles are found (``commune_handles``). An empty query lists
    every procedure in the same order.
    """
    return search_page(q, commune, limit, offset=offset, only_handled=only_handled).results


def search_page(
    q: str, commune=None, limit: int = PAGE_SIZE, *, offset: int = 0, only_handled: bool = False
) -> SearchPage:
    """``search_procedures`` with paging: ``limit`` results from ``offset``.

    One SQL statement per page (three when the loose match is needed: the strict one finding
    nothing, the words' frequencies, the loose one), written out rather than built with the ORM:
    compiling the ORM's version of this query took longer than running it.
    """
    words = search_words(q)
    handled = commune is not None and only_handled and has_standardized_list(commune)
    query = _SearchSQL(connection, words, commune, handled)
    rows = query.page(offset, limit + 1, loose=False)
    loose = False
    if not rows and len(words) > 1 and (offset == 0 or not query.page(0, 1, loose=False)):
        rows = query.page(offset, limit + 1, loose=True)
        loose = True
    return SearchPage(
        [_procedure(row) for row in rows[:limit]], offset, limit, len(rows) > limit, loose
    )


# The columns a result list shows (the search page, the API list, the officers' pickers), in the
# models' order (``Model.from_db`` wants that); the others are deferred, so reading one by mistake
# costs a query, not an error.
_LISTED = {
    "id",
    "code",
    "name_vi",
    "name_en",
    "field_id",
    "level",
    "processing_amount",
    "processing_unit",
    "online_level",
    "portal_type",
    "province_id",
}
_PROCEDURE_COLUMNS = tuple(
    f.attname for f in Procedure._meta.concrete_fields if f.attname in _LISTED
)
_FIELD_COLUMNS = tuple(
    f.attname
    for f in Field._meta.concrete_fields
    if f.attname in {"id", "code", "name_vi", "name_en"}
)
# A commune's own procedures: an uncorrelated subquery, which both databases answer once per
# statement (a hashed set) rather than once per ranked row.
_OWN = "SELECT procedure_id FROM catalog_communeprocedure WHERE commune_id = %s AND is_active"
_AMOUNT = Procedure._meta.get_field("processing_amount")


class _SearchSQL:
    """The search statement for one query.

    The inner query ranks over the narrow ``catalog_procedure_search s``
    (``search_index.SEARCH_TABLE``) and keeps one page of ids with their sort keys; the outer one
    reads those rows' list columns from ``catalog_procedure p`` and its field ``f``. Word starts
    are found with ``' ' || s.search_name || ' ' LIKE '% word %'`` on the rows the word index let
    through; the words hold letters, digits and dots only (``search_words``), so they need no
    escaping in a ``LIKE`` pattern.
    """

    def __init__(self, connection, words: list[str], commune, handled: bool):
        self.connection = connection
        self.words = words
        self.commune = commune
        self.handled = handled

    def page(self, offset: int, limit: int, *, loose: bool) -> list[tuple]:
        where, where_params = ["s.is_active"], []
        if self.words:
            condition, condition_params = search_index.match(
                self.connection, self.words, every=not loose, table="s"
            )
            where.append(condition)
            where_params += condition_params
        if self.handled:
            where.append(f"s.procedure_id IN ({_OWN})")
            where_params.append(self.commune.pk)
        if loose:
            hits, hits_params = self._hits()
            where.append(f"({' + '.join(hits)}) >= %s")
            where_params += [*hits_params, (len(self.words) + 1) // 2]
            first, first_params = self._score(hits, hits_params)
            direction = "DESC"
        elif self.words:
            first, first_params = self._match()
            direction = ""
        else:
            first, first_params, direction = "0", [], ""
        origin, origin_params = self._origin()
        order = f"k1 {direction}, k2, k3, k4"
        ranked = (
            f"SELECT s.procedure_id AS id, {first} AS k1, {origin} AS k2, "
            "length(s.search_name) AS k3, s.code AS k4 "
            f"FROM {search_index.SEARCH_TABLE} s WHERE {' AND '.join(where)} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        columns = ", ".join(
            [f"p.{c}" for c in _PROCEDURE_COLUMNS] + [f"f.{c}" for c in _FIELD_COLUMNS]
        )
        sql = (
            f"SELECT {columns} FROM ({ranked}) r "
            "JOIN catalog_procedure p ON p.id = r.id JOIN catalog_field f ON f.id = p.field_id "
            f"ORDER BY r.{order.replace(', ', ', r.')}"
        )
        params = [*first_params, *origin_params, *where_params, limit, offset]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _patterns(self) -> list[str]:
        """``LIKE`` patterns on `` name `` for each word: whole words, the last one's start."""
        last = len(self.words) - 1
        return [f"% {w}{'' if i == last else ' '}%" for i, w in enumerate(self.words)]

    def _match(self) -> tuple[str, list]:
        """0: the whole query as a phrase in the name; 1: every word in the name; 2: elsewhere."""
        name = "(' ' || s.search_name || ' ') LIKE %s"
        every = " AND ".join([name] * len(self.words))
        phrase = f"% {' '.join(self.words)}%"
        return f"CASE WHEN {name} THEN 0 WHEN {every} THEN 1 ELSE 2 END", [
            phrase,
            *self._patterns(),
        ]

    def _hits(self) -> tuple[list[str], list]:
        """For each word, 1 if the search text has it, else 0 (one index answer each)."""
        hits, params = [], []
        last = len(self.words) - 1
        for i, word in enumerate(self.words):
            ids, ids_params = search_index.match(
                self.connection, [word], every=True, table="s", prefix_last=i == last
            )
            hits.append(f"CASE WHEN {ids} THEN 1 ELSE 0 END")
            params += ids_params
        return hits, params

    def _score(self, hits: list[str], hits_params: list) -> tuple[str, list]:
        """The loose match's order, after BM25 with every word counted once: the words a name
        has, each weighted by how rare it is in the catalogue (its inverse document frequency),
        divided by a factor that grows with the name's length.

        A word in more than ``COMMON_SHARE`` of the catalogue weighs nothing here (it still counts
        towards having half of the words): "giấy" is in a third of all names, and people put it
        in front of what they want ("làm giấy khai sinh"). So "Thủ tục đăng ký khai sinh" comes
        before "Cấp bản sao … Giấy khai sinh": the same rare words, a shorter name.
        """
        total, average_words, frequencies = self._statistics()
        weights = [
            0.0 if df > COMMON_SHARE * total else math.log(1 + (total - df + 0.5) / (df + 0.5))
            for df in frequencies
        ]
        weighted = " + ".join(f"%s * {hit}" for hit in hits)
        weighted_params = []
        per_hit = len(hits_params) // len(hits)
        for i, weight in enumerate(weights):
            weighted_params += [weight, *hits_params[i * per_hit : (i + 1) * per_hit]]
        words_in_name = "(length(s.search_name) - length(replace(s.search_name, ' ', '')) + 1)"
        # k1 = 1.2, b = 0.75, as BM25 usually has them.
        norm = f"(1 + 1.2 * (0.25 + 0.75 * {words_in_name} / %s))"
        return f"(({weighted}) / {norm})", [*weighted_params, max(average_words, 1.0)]

    def _statistics(self) -> tuple[int, float, list[int]]:
        """Active procedures, their names' mean number of words, and how many have each word."""
        parts, params = [], []
        last = len(self.words) - 1
        for i, word in enumerate(self.words):
            ids, ids_params = search_index.match(
                self.connection, [word], every=True, table="d", prefix_last=i == last
            )
            parts.append(f"(SELECT count(*) FROM {search_index.SEARCH_TABLE} d WHERE {ids})")
            params += ids_params
        sql = (
            "SELECT count(*), avg(length(search_name) - length(replace(search_name, ' ', '')) "
            f"+ 1), {', '.join(parts)} FROM {search_index.SEARCH_TABLE} WHERE is_active"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            total, average, *frequencies = cursor.fetchone()
        return total, float(average or 1), frequencies

    def _origin(self) -> tuple[str, list]:
        """``ORIGIN_*``: whose procedure it is, seen from the commune (or from nowhere)."""
        whens, params = [], []
        if self.commune is not None:
            whens.append(f"WHEN s.procedure_id IN ({_OWN}) THEN %s")
            params += [self.commune.pk, ORIGIN_OWN]
            whens.append("WHEN s.portal_type = %s AND s.province_id = %s THEN %s")
            params += [PortalType.SPECIFIC, self.commune.province_id, ORIGIN_OWN_PROVINCE]
        whens += ["WHEN s.portal_type = %s THEN %s", "WHEN s.portal_type = %s THEN %s"]
        params += [PortalType.SPECIFIC, ORIGIN_OTHER_PROVINCE]
        params += [PortalType.STANDARD_INTERNAL, ORIGIN_INTERNAL]
        return f"CASE {' '.join(whens)} ELSE %s END", [*params, ORIGIN_NATIONAL]


def _procedure(row: tuple) -> Procedure:
    """A ``Procedure`` (with its ``field``) from one row of ``_SearchSQL``."""
    values = list(row[: len(_PROCEDURE_COLUMNS)])
    amount = _PROCEDURE_COLUMNS.index("processing_amount")
    if values[amount] is not None:  # SQLite answers a number, PostgreSQL a Decimal
        values[amount] = _AMOUNT.to_python(str(values[amount])).quantize(
            Decimal(1).scaleb(-_AMOUNT.decimal_places)
        )
    procedure = Procedure.from_db(connection.alias, list(_PROCEDURE_COLUMNS), values)
    field = Field.from_db(connection.alias, list(_FIELD_COLUMNS), row[len(_PROCEDURE_COLUMNS) :])
    procedure.field = field
    return procedure


def has_standardized_list(commune) -> bool:
    return commune.procedure_links.filter(is_active=True).exists()


def commune_handles(commune, procedure: Procedure) -> bool:
    """A commune that has standardised its list handles only those procedures; one that has not
    (yet) handles every active procedure, so a fresh install is usable at once."""
    if not procedure.is_active:
        return False
    if not has_standardized_list(commune):
        return True
    return commune.procedure_links.filter(is_active=True, procedure=procedure).exists()


def procedures_for_commune(commune) -> QuerySet[Procedure]:
    """The active procedures a commune has standardised, by code."""
    return (
        Procedure.objects.filter(
            is_active=True, commune_links__commune=commune, commune_links__is_active=True
        )
        .select_related("field")
        .order_by("code")
    )


def procedures_a_commune_may_list(handled_codes) -> QuerySet[Procedure]:
    """What a commune chooses its list from: the active commune-level procedures (674 of the
    national catalogue's 5,666), plus any other it already handles (``handled_codes``)."""
    return (
        Procedure.objects.filter(is_active=True)
        .filter(Q(level=ProcedureLevel.COMMUNE) | Q(code__in=handled_codes))
        .select_related("field")
        .order_by("field__name_vi", "code")
    )


def procedures_needing_review() -> QuerySet[Procedure]:
    return Procedure.objects.filter(needs_review=True).select_related("field").order_by("code")
