#!/usr/bin/env python3
"""Procedure search over the whole national catalogue (5,670 names), on SQLite and PostgreSQL.

    .venv/bin/python bench/catalog_search.py                        # both databases
    .venv/bin/python bench/catalog_search.py path/to/catalog.jsonl --backends sqlite
    .venv/bin/python bench/catalog_search.py --repeat 5              # a quicker run

The catalogue defaults to ``../shared/data/national_portal/catalog.jsonl`` from the repository
root. For each database the script runs itself in a child process (one Django per database):

- **SQLite**: a fresh database file in a temporary folder, deleted afterwards;
- **PostgreSQL**: its own database ``motcua_bench_search`` on the server ``DATABASE_URL`` names
  (default ``postgres://postgres@127.0.0.1:5432/``; the database in the URL is never touched),
  marked by a comment, dropped and made again on each run and dropped at the end. A database of
  that name without the comment is not ours: the script stops.

Each child migrates, imports the real units (``motcua import_units``) and the catalogue
(``motcua import_procedures <catalog.jsonl>``), runs ``ANALYZE``, gives one commune of Bắc Ninh a
standardised list (its province's commune-level variants and 300 national procedures), then
times, one after the other in the same run, ``--warmup`` untimed and ``--repeat`` timed rounds
over ``QUERIES`` (the everyday words of the issue, short and long, accented and not, one with no
match, one only loosely matched, one with query syntax in it) plus ``--random`` word pairs and
triples cut from the catalogue's own names (seeded):

- ``floor_sql``: ``SELECT id, code, name_vi FROM catalog_procedure LIMIT 20`` (raw cursor): the
  least any answer of 20 rows costs on this table;
- ``substring_scan_sql``: the search as it was before (every folded word ``LIKE '%word%'`` over
  ``search_text``, ranked by ``CASE``), 20 rows: what the word index replaces;
- ``search_query``: ``catalog.queries.search_page(q)``, the rows of one page (the index, the
  ranking, the fields' names);
- ``search_api``: ``GET /api/v1/procedures?q=…`` through Django's test client (middleware,
  validation, serialisation; no network);
- ``search_api_commune``: the same with ``&commune=<code>`` (the commune's own first).

Prints one JSON object on stdout: per database the timings (p50, p95, max in ms, over every call
of every query), the ratios to ``floor_sql``, answer sizes, the first result of each everyday
query, and the machine. Progress goes to stderr. Times are of a warm cache.
"""

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from benchlib import machine, say

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOGUE = ROOT.parent / "shared" / "data" / "national_portal" / "catalog.jsonl"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
BENCH_DB = "motcua_bench_search"
MARK = "bench/catalog_search.py: scratch catalogue, dropped after each run"
TARGET_P95_MS = 10.0
SEED = 15
COMMUNE_PROVINCE = "Bắc Ninh"

# The everyday words and their right first answer, then other everyday searches.
EVERYDAY = {
    "khai sinh": "1.001193",
    "dang ky ket hon": "1.000894",
    "giấy chứng nhận số nhà": "1.009141",
    "hoa giai tranh chap dat dai": "1.012812",
}
QUERIES = [
    *EVERYDAY,
    "Đăng ký khai sinh",
    "chung thuc ban sao",
    "giay phep xay dung",
    "tam tru",
    "ho tich",
    "dat dai",
    "dang ky",  # matches a quarter of the catalogue
    "cap",
    "lam giay khai sinh",  # no procedure has every word: the loose path
    "1.001193",
    "xyzzy",
    'NEAR("khai" sinh) -ket: *',
]


def percentile(ordered: list[float], pct: float) -> float:
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1]


def timed(name: str, calls: list, warmup: int, repeat: int) -> dict:
    """``repeat`` rounds over ``calls`` after ``warmup`` untimed ones; each call timed alone."""
    say(f"  timing {name}: {warmup} warm-up + {repeat} rounds of {len(calls)} …")
    for _ in range(warmup):
        for call in calls:
            call()
    samples = []
    for _ in range(repeat):
        for call in calls:
            began = time.perf_counter()
            call()
            samples.append((time.perf_counter() - began) * 1000)
    ordered = sorted(samples)
    result = {
        "p50_ms": round(percentile(ordered, 50), 2),
        "p95_ms": round(percentile(ordered, 95), 2),
        "max_ms": round(ordered[-1], 2),
        "n": len(samples),
    }
    say(f"    {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms")
    return result


# --------------------------------------------------------------------------- parent


def postgres_url(server: str) -> str:
    parts = urlsplit(server or DEFAULT_SERVER)
    if parts.scheme not in ("postgres", "postgresql"):
        parts = urlsplit(DEFAULT_SERVER)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def run_child(backend: str, args, url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, MOTCUA_LOG_LEVEL="WARNING")
    command = [
        sys.executable,
        __file__,
        str(args.catalogue),
        "--child",
        backend,
        "--repeat",
        str(args.repeat),
        "--warmup",
        str(args.warmup),
        "--random",
        str(args.random),
    ]
    say(f"{backend}:")
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the {backend} run failed (status {done.returncode})")
    return json.loads(done.stdout)


def parent(args) -> int:
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="motcua-bench-search-") as folder:
                url = f"sqlite:///{folder}/bench.sqlite3"
                results["sqlite"] = run_child("sqlite", args, url)
        elif backend == "postgres":
            results["postgresql"] = run_child(
                "postgres", args, postgres_url(os.environ.get("DATABASE_URL", ""))
            )
        else:
            raise SystemExit(f"unknown backend {backend!r}: sqlite, postgres")
    side_by_side = {
        run: {db: results[db]["runs"][run]["p95_ms"] for db in results}
        for run in next(iter(results.values()))["runs"]
    }
    out = {
        "bench": "catalog_search",
        "catalogue": str(args.catalogue),
        "p95_ms_side_by_side": side_by_side,
        "target": {
            "search_api_p95_limit_ms": TARGET_P95_MS,
            "met": {
                db: r["runs"]["search_api"]["p95_ms"] <= TARGET_P95_MS
                and r["runs"]["search_api_commune"]["p95_ms"] <= TARGET_P95_MS
                for db, r in results.items()
            },
        },
        "databases": results,
        "machine": machine(),
    }
    print(json.dumps(out, ensure_ascii=False, default=str), flush=True)
    return 0


# --------------------------------------------------------------------------- child


def open_postgres_db() -> None:
    from django.db import connection, connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [BENCH_DB],
        )
        found = cursor.fetchone()
        if found is not None and found[0] != MARK:
            raise SystemExit(f"a database {BENCH_DB!r} exists and is not ours; not touching it")
        if found is not None:
            cursor.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
        cursor.execute(f"COMMENT ON DATABASE {BENCH_DB} IS %s", [MARK])


def drop_postgres_db() -> None:
    from django.db import connection, connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def load(catalogue: Path):
    """Units and the catalogue through the project's commands; a commune with its own list."""
    from django.core.management import call_command
    from django.db import connection

    from motcua.catalog.models import CommuneProcedure, Procedure
    from motcua.units.models import Commune

    quiet = {"verbosity": 0, "stdout": io.StringIO(), "stderr": io.StringIO()}
    say("  migrating, importing units and the catalogue …")
    call_command("migrate", interactive=False, **quiet)
    call_command("import_units", **quiet)
    began = time.perf_counter()
    call_command("import_procedures", str(catalogue), **quiet)
    imported = round(time.perf_counter() - began, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    commune = (
        Commune.objects.current()
        .filter(province__name__contains=COMMUNE_PROVINCE)
        .order_by("code")
        .first()
    )
    rng = random.Random(SEED)
    procedures = list(Procedure.objects.order_by("code").values_list("id", flat=True))
    own = set(rng.sample(procedures, 300))
    province_variants = Procedure.objects.filter(
        portal_type="specific", province_id=commune.province_id
    ).values_list("id", flat=True)
    own |= set(province_variants)
    CommuneProcedure.objects.bulk_create(
        CommuneProcedure(commune=commune, procedure_id=pk) for pk in sorted(own)
    )
    return commune, len(own), imported


def random_queries(count: int) -> list[str]:
    from motcua.catalog.models import Procedure

    rng = random.Random(SEED)
    names = list(Procedure.objects.order_by("code").values_list("name_vi", flat=True))
    queries = []
    while len(queries) < count:
        words = rng.choice(names).split()
        size = rng.choice((2, 3))
        if len(words) < size:
            continue
        start = rng.randrange(len(words) - size + 1)
        queries.append(" ".join(words[start : start + size]))
    return queries


def floor_sql() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, code, name_vi FROM catalog_procedure LIMIT 20")
        cursor.fetchall()


def substring_scan(q: str) -> list:
    """The search before the word index: a scan of ``LIKE '%word%'`` per word, then ranked."""
    from django.db.models import Case, IntegerField, Value, When
    from django.db.models.functions import Length

    from motcua.catalog.models import Procedure
    from motcua.text import search_key

    tokens = search_key(q).split()
    found = Procedure.objects.filter(is_active=True)
    for token in tokens:
        found = found.filter(search_text__contains=token)
    phrase = " ".join(tokens)
    rank = Case(
        When(search_name__contains=phrase, then=Value(0)),
        When(search_text__contains=phrase, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    ordered = found.annotate(rank=rank, n=Length("search_name")).order_by("rank", "n", "code")
    return list(ordered.values_list("id", "code", "name_vi")[:20])


def child(args) -> int:
    os.environ.update(DJANGO_SETTINGS_MODULE="motcua.settings")
    sys.path.insert(0, str(ROOT))
    import django

    postgres = args.child == "postgres"
    django.setup()
    if postgres:
        open_postgres_db()
    try:
        return measure(args)
    finally:
        if postgres:
            drop_postgres_db()


def measure(args) -> int:
    from django.db import connection
    from django.test import Client

    from motcua.catalog.models import Procedure
    from motcua.catalog.queries import search_page

    commune, own, imported = load(args.catalogue)
    queries = QUERIES + random_queries(args.random)
    client = Client()

    def api(q: str, **extra) -> bytes:
        response = client.get("/api/v1/procedures", {"q": q, **extra})
        if response.status_code != 200:
            raise SystemExit(f"GET /api/v1/procedures?q={quote(q)} answered {response.status_code}")
        return response.content

    sizes = [len(api(q)) for q in queries]
    first = {q: (search_page(q).results or [None])[0] for q in EVERYDAY}
    runs = {
        "floor_sql": timed("floor_sql", [floor_sql] * len(queries), args.warmup, args.repeat),
        "substring_scan_sql": timed(
            "substring_scan_sql",
            [lambda q=q: substring_scan(q) for q in queries],
            args.warmup,
            args.repeat,
        ),
        "search_query": timed(
            "search_query",
            [lambda q=q: search_page(q).results for q in queries],
            args.warmup,
            args.repeat,
        ),
        "search_api": timed(
            "search_api", [lambda q=q: api(q) for q in queries], args.warmup, args.repeat
        ),
        "search_api_commune": timed(
            "search_api_commune",
            [lambda q=q: api(q, commune=commune.code) for q in queries],
            args.warmup,
            args.repeat,
        ),
    }
    floor = runs["floor_sql"]["p95_ms"]
    result = {
        "vendor": connection.vendor,
        "server_version": (
            connection.cursor().connection.info.server_version
            if connection.vendor == "postgresql"
            else __import__("sqlite3").sqlite_version
        ),
        "procedures": Procedure.objects.count(),
        "import_seconds": imported,
        "commune": f"{commune.code} {commune.name} ({own} procedures of its own)",
        "queries": len(queries),
        "runs": runs,
        "ratios_p95_to_floor_sql": {
            name: round(run["p95_ms"] / floor, 1) for name, run in runs.items()
        },
        "answer_bytes": {"mean": round(statistics.mean(sizes)), "max": max(sizes)},
        "first_results": {
            q: {
                "expected": expected,
                "got": first[q].code if first[q] else None,
                "name": first[q].name_vi if first[q] else None,
            }
            for q, expected in EVERYDAY.items()
        },
    }
    connection.close()
    print(json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "catalogue", nargs="?", type=Path, default=DEFAULT_CATALOGUE, help="catalog.jsonl"
    )
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=20, help="timed rounds over the queries")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds before those")
    parser.add_argument("--random", type=int, default=40, help="queries cut from real names")
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.catalogue = args.catalogue.resolve()
    if not args.catalogue.exists():
        raise SystemExit(f"no catalogue at {args.catalogue}")
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
