"""The issue's measurement, with real processes: gunicorn with 4 workers serves the project and 150
scoring calls (``POST /api/v1/index/score``, 60 a minute per address) arrive at once from one
address. Exactly 60 pass, whichever worker takes each call: the workers share one count.

Before the shared limiter each worker counted in its own memory (LocMemCache) and all 150 passed.
The server runs on a fresh SQLite file, on PostgreSQL (when the suite runs on it), and with the
counters in Redis (when one runs at 127.0.0.1:6379); it is migrated by ``motcua migrate`` alone,
as the demo and production are.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.ratelimit.conftest import REDIS_URL, redis_is_up

CALLS = 150
LIMIT = 60  # motcua.api.index.CALLS_PER_WINDOW
WORKERS = 4
EXAMPLES = Path(__file__).parents[1] / "insights" / "service_index_examples.json"
BODY = json.dumps(json.loads(EXAMPLES.read_text())["A"]["inputs"]).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MOTCUA_CACHE_URL"}}
    env.update(
        MOTCUA_STATE_DIR=str(tmp_path),
        MOTCUA_SECRET_KEY=secrets.token_hex(32),  # fresh HMAC keys: no earlier run's counters
        # A real server (gunicorn) refuses the portal and SMS stand-ins unless they are named;
        # this test measures the limits, not the notifications.
        MOTCUA_ALLOW_STAND_INS="dvcqg,sms",
        DJANGO_SETTINGS_MODULE="motcua.settings",
        **extra,
    )
    return env


@contextmanager
def _gunicorn(env: dict, tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "motcua", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=tmp_path,
        check=True,
    )
    port = _free_port()
    access_log = tmp_path / "access.log"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "motcua.wsgi:application"),
            *("--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"),
            *("--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s"),
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _try in range(120):  # bounded: up to about a minute for the workers to boot
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.5)
        yield base, access_log
    finally:
        server.terminate()
        server.wait(timeout=30)


def _score(base: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/index/score",
        data=BODY,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        assert refused.headers["Retry-After"], "a 429 says when to try again"
        return refused.code


def _measure(env: dict, tmp_path: Path) -> tuple[Tally, set[str]]:
    with _gunicorn(env, tmp_path) as (base, access_log), ThreadPoolExecutor(16) as pool:
        statuses = Tally(pool.map(lambda _i: _score(base), range(CALLS)))
        time.sleep(0.5)  # let the workers flush their access-log lines (not an assertion)
        # Each line is "<pid> status": which worker process answered.
        workers = {
            line.split()[0]
            for line in access_log.read_text().splitlines()
            if line.endswith((" 200", " 429"))
        }
    return statuses, workers


def _assert_shared(statuses: Tally, workers: set[str]) -> None:
    print(f"\n{CALLS} calls through {len(workers)} gunicorn workers: {dict(statuses)}")
    assert len(workers) >= 2, "the calls were spread over several processes"
    assert statuses == {200: LIMIT, 429: CALLS - LIMIT}


def test_four_workers_on_sqlite_let_exactly_60_of_150_calls_through(tmp_path):
    _assert_shared(*_measure(_environment(tmp_path), tmp_path))


def test_four_workers_counting_in_redis_let_exactly_60_of_150_calls_through(tmp_path):
    if not redis_is_up():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    _assert_shared(*_measure(_environment(tmp_path, MOTCUA_CACHE_URL=REDIS_URL), tmp_path))


@pytest.fixture
def fresh_postgres_database():
    """A database of its own beside the test database (which other processes cannot see inside
    the test's transaction): ``<name>_procs``, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)")
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/')}_procs"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_four_workers_on_postgresql_let_exactly_60_of_150_calls_through(
    tmp_path, fresh_postgres_database
):
    env = _environment(tmp_path, DATABASE_URL=fresh_postgres_database)
    _assert_shared(*_measure(env, tmp_path))
