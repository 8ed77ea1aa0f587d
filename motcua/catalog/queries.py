"""Reads of the procedure catalogue for pages, the API, the kiosk and exports.

Search (``search_procedures``) has to hold up with the whole national catalogue (5,670 names, ADR
0027): the right procedure first for the words people type, a commune's own procedures before other
provinces' variants, and a few milliseconds per answer on SQLite and PostgreSQL alike.

- **Matching**: every query word must start a word of the folded ``search_text`` (names, code,
  field; ``motcua.text.search_key`` folds accents, đ/Đ and punctuation), in any order: "dang ky"
  finds "Đăng ký", "khai sinh" finds "đăng ký khai sinh lưu động", "sin" finds "sinh". The
  database's word index finds the rows (``motcua.catalog.search_index``: FTS5 on SQLite, a GIN
  index on PostgreSQL), so the answer does not scan the catalogue.
- **Ranking**, on the matched rows only: (1) how well the name matches: the whole query as a
  phrase in the Vietnamese name, then every word in the name, then words found only in the
  English name, code or field; (2) whose procedure it is (``ORIGIN``): the commune's own, national,
  its province's variant, national internal, another province's variant; (3) shorter names first
  (the plain "Đăng ký khai sinh" before "Đăng ký khai sinh lưu động"); (4) the code.
- People type the way they speak ("lam giay khai sinh": *make a birth paper*): when no procedure
  has every word, those with at least half of the words are returned instead, most words first.

Why word-prefix matching and not an FTS dictionary's ranking: Vietnamese words are single syllables
that stemming and stop words do not fit, and one meaning on both databases lets a test on one
prove the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Length, Replace

from motcua.catalog import search_index
from motcua.catalog.models import CommuneProcedure, Procedure
from motcua.text import search_key

# Enough for any real query; bounds the work a pasted page of text can cause.
MAX_QUERY_CHARS = 500
MAX_WORDS = 10
PAGE_SIZE = 20
# What a result list shows (the search page, the API list, the officers' pickers).
LIST_COLUMNS = (
    "code",
    "name_vi",
    "name_en",
    "level",
    "processing_amount",
    "processing_unit",
    "online_level",
    "field__name_vi",
    "field__name_en",
)


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
    """``search_procedures`` with paging: ``limit`` results from ``offset``."""
    words = search_words(q)
    procedures = _searchable(commune, only_handled)
    strict = procedures
    if words:
        strict = procedures.filter(search_index.match(connection, words, every=True))
    rows = list(_ranked(strict, words, commune)[offset : offset + limit + 1])
    loose = False
    if not rows and len(words) > 1 and (offset == 0 or not strict.exists()):
        rows = list(_loose_matches(procedures, words, commune)[offset : offset + limit + 1])
        loose = True
    return SearchPage(rows[:limit], offset, limit, len(rows) > limit, loose)


def _searchable(commune, only_handled: bool) -> QuerySet[Procedure]:
    procedures = (
        Procedure.objects.filter(is_active=True).select_related("field").only(*LIST_COLUMNS)
    )
    if commune is not None and only_handled and has_standardized_list(commune):
        procedures = procedures.filter(
            commune_links__commune=commune, commune_links__is_active=True
        )
    return procedures


def _padded(column: str):
    """`` `` + the column with line breaks as spaces: ``LIKE '% word%'`` then finds word starts."""
    text = TextField()
    return Concat(
        Value(" ", output_field=text),
        Replace(column, Value("\n"), Value(" "), output_field=text),
        output_field=text,
    )


def _origin(commune):
    """0 the commune's own (linked and active), 1 national, … (``ORIGIN``); without a commune,
    national before provincial variants."""
    whens = []
    if commune is not None:
        own = CommuneProcedure.objects.filter(
            commune=commune, procedure=OuterRef("pk"), is_active=True
        )
        whens.append(When(Exists(own), then=Value(0)))
    return Case(*whens, default=Value(1), output_field=IntegerField()) if whens else Value(1)


def _ranked(procedures: QuerySet[Procedure], words: list[str], commune) -> QuerySet[Procedure]:
    if words:
        phrase = " " + " ".join(words)
        in_name = Q()
        for word in words:
            in_name &= Q(padded_name__contains=" " + word)
        match = Case(
            When(padded_name__contains=phrase, then=Value(0)),
            When(in_name, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    else:
        match = Value(0, output_field=IntegerField())
    return procedures.annotate(
        padded_name=_padded("search_name"),
        match=match,
        origin=_origin(commune),
        name_length=Length("search_name"),
    ).order_by("match", "origin", "name_length", "code")


def _loose_matches(procedures: QuerySet[Procedure], words: list[str], commune):
    hits = sum(
        (Case(When(padded_text__contains=" " + w, then=Value(1)), default=Value(0)) for w in words),
        start=Value(0),
    )
    needed = (len(words) + 1) // 2
    return (
        procedures.filter(search_index.match(connection, words, every=False))
        .annotate(
            padded_text=_padded("search_text"),
            hits=hits,
            origin=_origin(commune),
            name_length=Length("search_name"),
        )
        .filter(hits__gte=needed)
        .order_by("-hits", "origin", "name_length", "code")
    )


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


def procedures_needing_review() -> QuerySet[Procedure]:
    return Procedure.objects.filter(needs_review=True).select_related("field").order_by("code")
