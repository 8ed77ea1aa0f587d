"""The one limiter (motcua.ratelimit), on the database and on Redis: counts, windows, all or
nothing, no clear values in keys, and the cache table made by ``migrate``."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from motcua import ratelimit
from motcua.ratelimit import Limit, Refused
from motcua.settings import cache_from_url

pytestmark = pytest.mark.django_db

THREE_A_MINUTE = Limit("test-three", 3, timedelta(minutes=1), "Chờ %(wait)s.")
ONE_AN_HOUR = Limit("test-one", 1, timedelta(hours=1))


def test_a_limit_lets_its_calls_through_then_refuses_without_counting(store):
    start = timezone.now()
    for second in range(3):
        ratelimit.hit((THREE_A_MINUTE, "203.0.113.7"), at=start + timedelta(seconds=second))
    with pytest.raises(Refused) as refused:
        ratelimit.hit((THREE_A_MINUTE, "203.0.113.7"), at=start + timedelta(seconds=20))
    # The window opened with the first call: 40 seconds are left.
    assert refused.value.retry_after == 40
    assert refused.value.message == "Chờ 40 giây."
    assert ratelimit.used(THREE_A_MINUTE, "203.0.113.7", at=start) == 3
    # Another caller has its own count.
    ratelimit.hit((THREE_A_MINUTE, "198.51.100.20"), at=start + timedelta(seconds=20))


def test_a_new_window_opens_when_the_last_has_ended(store):
    start = timezone.now()
    for _call in range(3):
        ratelimit.hit((THREE_A_MINUTE, "x"), at=start)
    with pytest.raises(Refused):
        ratelimit.hit((THREE_A_MINUTE, "x"), at=start + timedelta(seconds=59))
    ratelimit.hit((THREE_A_MINUTE, "x"), at=start + timedelta(seconds=60))
    assert ratelimit.used(THREE_A_MINUTE, "x", at=start + timedelta(seconds=60)) == 1


def test_several_limits_count_all_or_nothing(store):
    start = timezone.now()
    ratelimit.hit((ONE_AN_HOUR, "site"), at=start)
    with pytest.raises(Refused) as refused:
        ratelimit.hit((THREE_A_MINUTE, "phone"), (ONE_AN_HOUR, "site"), at=start)
    assert refused.value.limit == ONE_AN_HOUR and refused.value.retry_after == 3600
    assert refused.value.message == "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau 60 phút."
    # The first limit had room and counted, then gave the call back.
    assert ratelimit.used(THREE_A_MINUTE, "phone", at=start) == 0


def test_a_record_is_forgotten_a_window_after_the_last_event(store):
    start = timezone.now()
    window = timedelta(minutes=15)
    for minute in range(4):
        count = ratelimit.record(
            "test-failures", "officer", window=window, at=start + timedelta(minutes=minute * 10)
        )
    assert count.value == 4  # 30 minutes in all, never 15 quiet ones
    assert count.expires_at == start.replace(
        microsecond=start.microsecond // 1000 * 1000
    ) + timedelta(minutes=45)
    assert ratelimit.peek("test-failures", "officer", at=start + timedelta(minutes=44)).value == 4
    assert ratelimit.peek("test-failures", "officer", at=start + timedelta(minutes=45)) is None
    ratelimit.record("test-failures", "officer", window=window, at=start + timedelta(minutes=45))
    assert ratelimit.peek("test-failures", "officer", at=start + timedelta(minutes=45)).value == 1


def test_reset_forgets_one_caller_or_the_whole_scope(store):
    for who in ("a", "b"):
        ratelimit.hit((ONE_AN_HOUR, who))
    ratelimit.reset(ONE_AN_HOUR.scope, "a")
    ratelimit.hit((ONE_AN_HOUR, "a"))
    with pytest.raises(Refused):
        ratelimit.hit((ONE_AN_HOUR, "b"))
    ratelimit.reset(ONE_AN_HOUR.scope)
    ratelimit.hit((ONE_AN_HOUR, "b"))


def test_keys_hold_no_phone_number_or_address_in_clear(store, settings):
    ratelimit.hit((THREE_A_MINUTE, "0912345678"), (ONE_AN_HOUR, "203.0.113.7"))
    if store == "database":
        with connection.cursor() as cursor:
            cursor.execute("SELECT key FROM ratelimit_counter")
            keys = [row[0] for row in cursor.fetchall()]
    else:
        from motcua.ratelimit.stores import redis_store

        client = redis_store(settings.MOTCUA_CACHE_URL).client
        keys = [
            client_key.decode()
            for scope in ("test-three", "test-one")
            for client_key in client.scan_iter(match=f"motcua:ratelimit:{scope}:*")
        ]
    assert {
        ratelimit.key("test-three", "0912345678"),
        ratelimit.key("test-one", "203.0.113.7"),
    } <= {k.removeprefix("motcua:ratelimit:") for k in keys}
    for stored in keys:
        assert "0912345678" not in stored and "203.0.113.7" not in stored
    assert ratelimit.key("test-one", "203.0.113.7").startswith("test-one:")


@pytest.mark.parametrize(
    "seconds, text",
    [
        (1, "1 giây"),
        (59, "59 giây"),
        (60, "1 phút"),
        (61, "2 phút"),
        (841, "15 phút"),
        (3600, "60 phút"),
        (7200, "2 giờ"),
    ],
)
def test_the_wait_is_said_in_words_rounded_up(seconds, text):
    assert ratelimit.wait_text(seconds) == text


def test_migrate_made_the_database_cache_table():
    assert "motcua_cache" in connection.introspection.table_names()
    cache.set("motcua-test", "giá trị", 60)
    assert cache.get("motcua-test") == "giá trị"


def test_the_cache_comes_from_motcua_cache_url():
    assert cache_from_url("")["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    redis = cache_from_url("redis://127.0.0.1:6379/0")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
    with pytest.raises(ValueError, match="MOTCUA_CACHE_URL"):
        cache_from_url("memcached://127.0.0.1:11211")
