"""Where the counters live: the database (default) or Redis (``MOTCUA_CACHE_URL=redis://…``).

Both stores keep, per key, a count and the end of its window, and change them in ONE atomic step,
so that any number of web processes and threads share each limit exactly:

- the database with one ``INSERT … ON CONFLICT DO UPDATE … WHERE`` (an upsert that adds one only
  while the count is under the limit, or starts a new window when the old one is over), which
  PostgreSQL and SQLite both run atomically. Django's DatabaseCache is not used: its ``incr`` reads
  then writes, and loses counts when processes race.
- Redis with a short Lua script (the count and ``PEXPIRE`` on one hash), which Redis runs
  without interleaving any other command.

Times come from the caller (``now_ms``) rather than from the database's or Redis's clock, so both
stores behave the same and tests can name the moment.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.db import connection, transaction

# ``models.Counter``'s table (named there too); the model is not imported here because this module
# is imported while Django is still loading the apps.
TABLE = "ratelimit_counter"

# A count that never refuses, for counters that only record (failed sign-ins).
NO_LIMIT = 2**62
# One call in this many also deletes the database's expired counters, so the table holds about
# one row per caller active within the longest window.
SWEEP_ONE_IN = 64


@dataclass(frozen=True)
class Count:
    """A key's count in its current window, and when that window ends (ms since the epoch)."""

    value: int
    expires_ms: int

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires_ms / 1000, tz=UTC)


class DatabaseStore:
    table = TABLE

    def increment(self, key: str, *, now_ms: int, window_ms: int, limit: int, sliding: bool):
        """Add one to ``key`` unless its window already holds ``limit``; a window that has ended
        starts anew at one. ``sliding`` moves the window's end to ``now + window`` at every count
        (a streak that ends only after a quiet window); otherwise it stays where the first count
        put it. Returns ``(counted, Count)``."""
        t = self.table
        upsert = (
            f"INSERT INTO {t} (key, value, expires_ms) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET "
            f"value = CASE WHEN {t}.expires_ms <= %s THEN 1 ELSE {t}.value + 1 END, "
            f"expires_ms = CASE WHEN {t}.expires_ms <= %s OR %s = 1 "
            f"THEN excluded.expires_ms ELSE {t}.expires_ms END "
            f"WHERE {t}.expires_ms <= %s OR {t}.value < %s"
        )
        params = [key, now_ms + window_ms, now_ms, now_ms, int(sliding), now_ms, limit]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(upsert, params)
            counted = cursor.rowcount == 1
            # Inside the same transaction the row is ours (PostgreSQL locked it; SQLite holds
            # the write lock), so this reads the value just written.
            cursor.execute(f"SELECT value, expires_ms FROM {t} WHERE key = %s", [key])
            value, expires_ms = cursor.fetchone()
        if random.randrange(SWEEP_ONE_IN) == 0:
            self.sweep(now_ms)
        return counted, Count(value, expires_ms)

    def give_back(self, key: str, count: Count) -> None:
        """Undo one ``increment`` that counted, if its window is still the same one."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET value = value - 1 "
                "WHERE key = %s AND expires_ms = %s AND value > 0",
                [key, count.expires_ms],
            )

    def peek(self, key: str, *, now_ms: int) -> Count | None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value, expires_ms FROM {self.table} WHERE key = %s AND expires_ms > %s",
                [key, now_ms],
            )
            row = cursor.fetchone()
        return Count(*row) if row else None

    def delete(self, keys: list[str]) -> None:
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute(f"DELETE FROM {self.table} WHERE key = %s", [key])

    def delete_scope(self, scope_prefix: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE key LIKE %s", [scope_prefix + "%"])

    def sweep(self, now_ms: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE expires_ms <= %s", [now_ms])


# KEYS[1] the counter, a hash {n: count, exp: end of the window in ms}.
# ARGV: now_ms, window_ms, limit, sliding (1/0). Returns {counted (1/0), n, exp}.
_INCREMENT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp') or '0')
if exp <= now then
  n = 0
  exp = now + window
elseif n >= limit then
  return {0, n, exp}
end
if ARGV[4] == '1' then exp = now + window end
n = n + 1
redis.call('HSET', KEYS[1], 'n', n, 'exp', exp)
redis.call('PEXPIRE', KEYS[1], exp - now)
return {1, n, exp}
"""

# KEYS[1] the counter; ARGV[1] the window end the count was made in.
_GIVE_BACK = """
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if redis.call('HGET', KEYS[1], 'exp') == ARGV[1] and n > 0 then
  redis.call('HSET', KEYS[1], 'n', n - 1)
end
return 0
"""


class RedisStore:
    prefix = "motcua:ratelimit:"

    def __init__(self, url: str):
        import redis  # only needed when MOTCUA_CACHE_URL names a Redis server

        self.client = redis.Redis.from_url(url)
        self._increment = self.client.register_script(_INCREMENT)
        self._give_back = self.client.register_script(_GIVE_BACK)

    def increment(self, key: str, *, now_ms: int, window_ms: int, limit: int, sliding: bool):
        counted, value, expires_ms = self._increment(
            keys=[self.prefix + key], args=[now_ms, window_ms, limit, int(sliding)]
        )
        return bool(counted), Count(int(value), int(expires_ms))

    def give_back(self, key: str, count: Count) -> None:
        self._give_back(keys=[self.prefix + key], args=[count.expires_ms])

    def peek(self, key: str, *, now_ms: int) -> Count | None:
        value, expires_ms = self.client.hmget(self.prefix + key, "n", "exp")
        if value is None or expires_ms is None or int(expires_ms) <= now_ms:
            return None
        return Count(int(value), int(expires_ms))

    def delete(self, keys: list[str]) -> None:
        if keys:
            self.client.delete(*(self.prefix + key for key in keys))

    def delete_scope(self, scope_prefix: str) -> None:
        for name in self.client.scan_iter(match=self.prefix + scope_prefix + "*", count=500):
            self.client.delete(name)

    def sweep(self, now_ms: int) -> None:
        """Redis expires counters itself (``PEXPIRE``)."""


@cache
def redis_store(url: str) -> RedisStore:
    """One client (and connection pool) per process and URL."""
    return RedisStore(url)
