#!/usr/bin/env python3
"""Queue: how long "call next" takes when 50 counters of one centre call at the same moment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/queue_call_next.py

PostgreSQL only (on SQLite every write takes the whole database, there is nothing to compare):
the script refuses without a ``postgres://`` DATABASE_URL. It never touches the database the URL
names. It creates its own scratch database ``motcua_bench`` on that server, marked by a comment,
migrates it, and drops it at the end, also after an error. A database of that name left over by
a killed run (it has the comment) is dropped and made again; one without the comment is not
ours, and the script stops instead. A dedicated database rather than a transaction in ``test``:
the point is 50 connections committing concurrently, which a wrapping transaction would hide.

It builds a scratch world (a province, a commune with its centre, one reception officer, one
field per run, 50 counters serving it), fills each run's waiting line with ``--line`` tickets
through ``services.issue_ticket``, then runs, each thread on its own connection, all starting on
one barrier, every thread looping ``--calls`` times over: ``call_next`` (timed), then
``counter_action`` start and finish, so the counter is free again:

- ``skip_locked_50``: 50 counters, ``call_next(skip_locked=True)``, as shipped;
- ``plain_50``: 50 counters, ``skip_locked=False`` (plain FOR UPDATE: counters queue behind the
  head ticket's row lock);
- ``single``: 1 counter alone, ``skip_locked=True``;
- ``skip_locked_50_reminders``: as ``skip_locked_50``, but every ticket has a phone, so each call
  also queues the "almost your turn" SMS for the visitors it brings within reach (the path a real
  centre runs; errors such as deadlocks would be counted).

The first three runs' tickets have no phone, so ``_remind_upcoming`` sends nothing there and they
time the calling path alone.

Prints one JSON object on stdout: for each run p50, p99 and max latency of ``call_next`` in ms,
calls/s (``call_next`` calls completed per second of the run's wall time, each followed by its
start and finish), ``lock_waiting_mean``/``_max`` (sessions of the bench database waiting for a
lock, sampled every 50 ms from ``pg_stat_activity``) and errors; then ratios between the runs.
Progress goes to stderr. The counters are threads of this one Python process: on a small machine
the client's CPU (Django's ORM, the GIL) bounds throughput before PostgreSQL does, which is why the
lock samples are reported next to the latencies.
"""

import argparse
import io
import json
import os
import sys
import threading
import time
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from benchlib import say

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "motcua_bench"
MARK = "scratch database of bench/queue_call_next.py, dropped at the end of each run"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUE_AT = datetime(2025, 7, 7, 7, 30, tzinfo=VN)  # Monday 7 July 2025, a working day
CALL_AT = datetime(2025, 7, 7, 9, 0, tzinfo=VN)  # the same day: call_next takes "today" from it


# --------------------------------------------------------------------------- the database


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(
            "bench/queue_call_next.py measures PostgreSQL row locks (SKIP LOCKED) and refuses to "
            "run on SQLite or without a database URL. Run it as\n"
            "    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
            ".venv/bin/python bench/queue_call_next.py\n"
            f"(it creates and drops its own database {BENCH_DB!r} on that server)."
        )
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def create_bench_db() -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [BENCH_DB],
        )
        found = cursor.fetchone()
        if found is not None:
            if found[0] != MARK:
                raise SystemExit(
                    f"a database {BENCH_DB!r} exists and was not made by this script; "
                    "not touching it"
                )
            say(f"dropping {BENCH_DB} left over by an earlier run …")
            cursor.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
        cursor.execute(f"COMMENT ON DATABASE {BENCH_DB} IS %s", [MARK])


def drop_bench_db() -> None:
    from django.db import connection, connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [BENCH_DB],
        )
        found = cursor.fetchone()
        if found is not None and found[0] == MARK:
            cursor.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")


# --------------------------------------------------------------------------- the world


class World:
    """One centre, one reception officer, and per run a field with its counters and line."""

    def __init__(self):
        from motcua.accounts.models import Role, User
        from motcua.units.models import Commune, Province, ServiceCenter

        province = Province.objects.create(code="99", name="Tỉnh thử tải", kind="tinh")
        self.commune = Commune.objects.create(
            code="99999", name="Xã thử tải", kind="xa", province=province
        )
        # Its queue settings and priority groups come with it (queueing.receivers).
        self.center = ServiceCenter.objects.create(
            commune=self.commune, name="Trung tâm thử tải", address="1 đường Thử"
        )
        self.officer = User.objects.create_user(
            "bench.reception", password=None, role=Role.RECEPTION, commune=self.commune
        )
        self.next_counter = 1

    def line(self, code: str, counters: int, tickets: int, phones: bool):
        """A field served by ``counters`` new counters, with ``tickets`` waiting."""
        from django.db import transaction

        from motcua.catalog.models import Field
        from motcua.queueing import services
        from motcua.units.models import Counter

        field = Field.objects.create(code=code, name_vi=f"Lĩnh vực {code}", name_en=code)
        made = []
        for _ in range(counters):
            counter = Counter.objects.create(center=self.center, number=self.next_counter)
            counter.fields.set([field])
            made.append(counter)
            self.next_counter += 1
        with transaction.atomic():
            for n in range(tickets):
                services.issue_ticket(
                    self.center,
                    field,
                    phone=f"09{n:08d}" if phones else "",
                    at=ISSUE_AT + timedelta(milliseconds=n),
                )
        return list(Counter.objects.filter(pk__in=[c.pk for c in made]).select_related("center"))


# --------------------------------------------------------------------------- the runs


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def lock_waits(stop: threading.Event) -> list[int]:
    """Every 50 ms until ``stop``: how many sessions of this database wait for a lock."""
    from django.db import connection, connections

    samples = []
    try:
        with connection.cursor() as cursor:
            while not stop.wait(0.05):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                samples.append(cursor.fetchone()[0])
    finally:
        connections.close_all()
    return samples


def run(name: str, world: World, counters, calls: int, skip_locked: bool) -> dict:
    from django.db import DatabaseError, connection, connections

    from motcua.queueing import services
    from motcua.queueing.errors import QueueError
    from motcua.queueing.workflow import Action

    total = len(counters) * calls
    start = threading.Barrier(len(counters) + 1)
    lock = threading.Lock()
    done = [0]
    errors: Tally = Tally()

    def counter_loop(counter) -> list[float]:
        latencies = []
        try:
            connection.ensure_connection()  # connecting is not part of the measurement
            start.wait()
            for _ in range(calls):
                began = time.perf_counter()
                try:
                    services.call_next(counter, world.officer, at=CALL_AT, skip_locked=skip_locked)
                except (QueueError, DatabaseError) as error:
                    with lock:
                        errors[getattr(error, "code", None) or type(error).__name__] += 1
                    continue
                latencies.append((time.perf_counter() - began) * 1000)
                services.counter_action(counter, Action.START, world.officer, at=CALL_AT)
                services.counter_action(counter, Action.FINISH, world.officer, at=CALL_AT)
                with lock:
                    done[0] += 1
                    if done[0] % max(total // 5, 1) == 0:
                        say(f"  {name}: {done[0]}/{total} calls")
            return latencies
        finally:
            connections.close_all()

    say(f"{name}: {len(counters)} counter(s) × {calls} calls, skip_locked={skip_locked} …")
    stop = threading.Event()
    with ThreadPoolExecutor(len(counters) + 1) as pool:
        futures = [pool.submit(counter_loop, c) for c in counters]
        start.wait()
        began = time.perf_counter()
        sampled = pool.submit(lock_waits, stop)
        latencies = sorted(ms for f in futures for ms in f.result())
        seconds = time.perf_counter() - began
        stop.set()
        waits = sampled.result()
    if not latencies:
        raise SystemExit(f"{name}: no call succeeded ({dict(errors)})")
    return {
        "counters": len(counters),
        "skip_locked": skip_locked,
        "calls": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1),
        "calls_per_s": round(len(latencies) / seconds, 1),
        "seconds": round(seconds, 2),
        "lock_waiting_mean": round(sum(waits) / max(len(waits), 1), 1),
        "lock_waiting_max": max(waits, default=0),
        "errors": dict(errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counters", type=int, default=50, help="counters in the busy runs")
    parser.add_argument("--calls", type=int, default=12, help="calls per counter in each run")
    parser.add_argument("--single-calls", type=int, default=150, help="calls of the lone counter")
    parser.add_argument("--line", type=int, default=700, help="tickets waiting in each run")
    args = parser.parse_args()
    if args.counters > 80:
        raise SystemExit("--counters above 80 would exhaust PostgreSQL's 100 connections")
    if max(args.counters * args.calls, args.single_calls) > args.line:
        raise SystemExit("--line must hold every call of a run")

    os.environ["DATABASE_URL"] = bench_url(os.environ.get("DATABASE_URL", ""))
    os.environ.update(DJANGO_SETTINGS_MODULE="motcua.settings", MOTCUA_LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    create_bench_db()
    try:
        say(f"migrating {BENCH_DB} …")
        quiet = {"verbosity": 0, "stdout": io.StringIO(), "stderr": io.StringIO()}
        call_command("migrate", interactive=False, **quiet)
        world = World()
        plan = [  # name, counters, calls per counter, skip_locked, tickets with phones
            ("skip_locked_50", args.counters, args.calls, True, False),
            ("plain_50", args.counters, args.calls, False, False),
            ("single", 1, args.single_calls, True, False),
            ("skip_locked_50_reminders", args.counters, args.calls, True, True),
        ]
        lines = {}
        filling = time.perf_counter()
        for name, counters, _calls, _skip, phones in [("warm-up", 1, 0, True, False), *plan]:
            say(f"filling the line of {name}: {args.line} tickets …")
            lines[name] = world.line(name, counters, args.line, phones)
        issued = (len(plan) + 1) * args.line
        say(f"  {issued} tickets issued in {time.perf_counter() - filling:.0f} s")
        run("warm-up", world, lines["warm-up"], 20, True)  # first queries, caches
        runs = {}
        for name, _counters, calls, skip_locked, _phones in plan:
            runs[name] = run(name, world, lines[name], calls, skip_locked)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    finally:
        drop_bench_db()

    def ratio(a: str, b: str, key: str) -> float:
        return round(runs[a][key] / runs[b][key], 2)

    result = {
        "bench": "queue_call_next",
        "postgresql": version,
        "cpus": os.cpu_count(),
        "line": args.line,
        "runs": runs,
        "ratios": {
            "p99_plain_over_skip_locked": ratio("plain_50", "skip_locked_50", "p99_ms"),
            "p50_50_counters_over_1": ratio("skip_locked_50", "single", "p50_ms"),
            "calls_per_s_50_counters_over_1": ratio("skip_locked_50", "single", "calls_per_s"),
            "p50_with_reminders_over_without": ratio(
                "skip_locked_50_reminders", "skip_locked_50", "p50_ms"
            ),
        },
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
