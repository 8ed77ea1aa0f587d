"""Reads of the procedure catalogue for pages, the API, the kiosk and exports.

Search is a plain substring match of each folded query word against the folded ``search_text``
column, and not full-text search, because:

- SQLite's FTS5 ``remove_diacritics`` does not fold đ/Đ, so "dang ky" would not find "đăng ký";
  folding ourselves (``motcua.text.search_key``) handles đ, tone-mark placement and punctuation;
- one code path gives identical results on SQLite (demo) and PostgreSQL (production), so a test
  on one proves the other;
- Vietnamese words are single syllables: stemming and stop words of an FTS dictionary do not
  apply, while substring matching finds "khai sinh" inside "đăng ký khai sinh lưu động".

A catalogue has thousands of rows, which a scan reads in milliseconds. On PostgreSQL migration
0002 adds a pg_trgm GIN index that serves these ``LIKE '%…%'`` filters when the table grows.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Length

from motcua.catalog.models import Procedure
from motcua.text import search_key


def query_tokens(q: str) -> list[str]:
    """The folded words of a query: ``"  Đăng ký, KẾT hôn "`` → ``["dang", "ky", "ket", "hon"]``."""
    return search_key(q or "").split()


def search_procedures(q: str, commune=None, limit: int = 50) -> QuerySet[Procedure]:
    """Active procedures matching every word of ``q`` (in any order, accents optional).

    Order: the whole query as a phrase in the Vietnamese name, then as a phrase anywhere (e.g. the
    English name), then the rest; within each group shorter names first (the plain "Đăng ký khai
    sinh" before "Đăng ký khai sinh lưu động"), then by code. An empty query lists everything.
    With ``commune``, only the procedures that commune handles (see ``commune_handles``).

    People type the way they speak ("lam giay khai sinh": *make a birth paper*): when no procedure
    has every word, procedures having at least half of the words are returned instead, most words
    first.
    """
    tokens = query_tokens(q)
    procedures = _searchable(commune)
    strict = procedures
    for token in tokens:
        strict = strict.filter(search_text__contains=token)
    if len(tokens) > 1 and not strict.exists():
        return _loose_matches(procedures, tokens)[:limit]
    return _ranked(strict, tokens)[:limit]


def _searchable(commune) -> QuerySet[Procedure]:
    # Callers show the steps (kiosk, API): one extra query instead of one per procedure.
    procedures = (
        Procedure.objects.filter(is_active=True).select_related("field").prefetch_related("steps")
    )
    if commune is not None and has_standardized_list(commune):
        procedures = procedures.filter(
            commune_links__commune=commune, commune_links__is_active=True
        )
    return procedures


def _ranked(procedures: QuerySet[Procedure], tokens: list[str]) -> QuerySet[Procedure]:
    phrase = " ".join(tokens)
    if phrase:
        procedures = procedures.annotate(
            rank=Case(
                When(search_name__contains=phrase, then=Value(0)),
                When(search_text__contains=phrase, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    else:
        procedures = procedures.annotate(rank=Value(0, output_field=IntegerField()))
    return procedures.annotate(name_length=Length("search_name")).order_by(
        "rank", "name_length", "code"
    )


def _loose_matches(procedures: QuerySet[Procedure], tokens: list[str]) -> QuerySet[Procedure]:
    hits = sum(
        (
            Case(When(search_text__contains=t, then=Value(1)), default=Value(0))
            for t in dict.fromkeys(tokens)
        ),
        start=Value(0),
    )
    needed = (len(set(tokens)) + 1) // 2
    return (
        procedures.annotate(hits=hits, name_length=Length("search_name"))
        .filter(hits__gte=needed)
        .order_by("-hits", "name_length", "code")
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
