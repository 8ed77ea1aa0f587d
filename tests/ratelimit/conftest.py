import secrets

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_is_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["database", "redis"])
def store(request, settings, db):
    """Each limiter test runs on the database (the default) and on Redis (skipped when no Redis
    runs at 127.0.0.1:6379). A fresh secret key gives Redis keys no earlier test has used."""
    if request.param == "redis":
        if not redis_is_up():
            pytest.skip("Redis is not running at 127.0.0.1:6379")
        settings.MOTCUA_CACHE_URL = REDIS_URL
        settings.SECRET_KEY = secrets.token_hex(32)
    yield request.param
    if request.param == "redis":
        from motcua.ratelimit.stores import redis_store

        redis_store(REDIS_URL).delete_scope("test-")
