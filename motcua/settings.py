"""Django settings for motcua, read from the environment.

Every setting that differs between a laptop demo and a province's production servers comes from an
environment variable, so the same code runs stateless behind a load balancer. Defaults give the
embedded SQLite demo.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from motcua import runmode

BASE_DIR = Path(__file__).resolve().parent
# The working directory holds the SQLite file and uploaded files unless told otherwise.
STATE_DIR = Path(os.environ.get("MOTCUA_STATE_DIR", Path.cwd() / "var"))
# The SQLite file and collected static files live here; WhiteNoise warns if the folder is missing.
(STATE_DIR / "static").mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list, blanks around and between the commas dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parsed.path[1:]) or ":memory:",
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path[1:]),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": int(os.environ.get("MOTCUA_CONN_MAX_AGE", "60")),
        }
    raise ValueError(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported; "
        "use postgres://user:pass@host:5432/name or sqlite:///path/to/file.sqlite3"
    )


# Demo mode: on only inside ``motcua demo`` (motcua.runmode); no environment variable sets it.
MOTCUA_DEMO_MODE = runmode.is_demo_mode()
# The development key is refused outside the demo when debug is off (motcua.security.checks).
SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY") or runmode.DEVELOPMENT_SECRET_KEY
DEBUG = env_bool("MOTCUA_DEBUG", False)
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Other origins whose forms may post here, e.g. "https://motcua.xa-a.gov.vn" when the proxy hands
# Django another host name. The site's own origin needs no entry once HTTPS is set up below.
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS")
# The public base URL printed in QR codes (receipts point residents to the tracking page).
PUBLIC_BASE_URL = os.environ.get("MOTCUA_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Behind a proxy, the request header (as Django names it, e.g. HTTP_X_REAL_IP) that carries the
# visitor's address, so per-address limits (queue bookings) count visitors, not the proxy.
MOTCUA_TRUSTED_PROXY_HEADER = os.environ.get("MOTCUA_TRUSTED_PROXY_HEADER", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "motcua.audit",
    "motcua.idempotency",
    # Serves the API docs page (/api/v1/docs) from its own static files instead of a CDN.
    "ninja",
    "motcua.accounts",
    "motcua.units",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.docstore",
    "motcua.residents",
    "motcua.notify",
    "motcua.feedback",
    "motcua.dvcqg",
    "motcua.queueing",
    "motcua.petitions",
    "motcua.insights",
    "motcua.ui",
    "motcua.security",
    "csp",
    # Above the domain apps: pages that combine several of them, and the demo (ADR 0022).
    "motcua.desk",
    "motcua.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their own caching and carry no page policy.
    "motcua.security.middleware.NoStoreByDefaultMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.middleware.ChosenLanguageMiddleware",
    # Under /api/: answers no API operation wrote (unknown address, 405, …) in its error shape.
    "motcua.api.middleware.ApiErrorShape",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF check (a forged request is refused first), before any view reads input.
    "motcua.security.middleware.RefuseNulCharacters",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.residents.sessions.context",
                "motcua.accounts.access.context",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": STATE_DIR / "motcua.sqlite3",
            # WAL lets the web server read while the demo generator or a worker writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dossiers:inbox"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Time is stored in UTC and shown in Vietnam's time zone (architecture.md, rules of the house).
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = STATE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the package so a fresh clone needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# HTTPS (README, "Running behind HTTPS"; docs/decisions/0016). ``MOTCUA_HTTPS`` says visitors
# reach the site over HTTPS: cookies are then sent over HTTPS only and http:// is redirected.
# Behind a proxy that ends TLS, Django sees plain HTTP; ``MOTCUA_TRUST_X_FORWARDED_PROTO`` says the
# proxy sets X-Forwarded-Proto (and overwrites any a visitor sent), so Django knows the request was
# secure. Without it the CSRF check compares the browser's https:// origin with http:// and every
# form fails; with it and no such proxy, a visitor could claim HTTPS, so it is never on by default.
HTTPS = env_bool("MOTCUA_HTTPS", False)
if env_bool("MOTCUA_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", HTTPS)
# Load balancers probe the processes directly over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: browsers remember to use HTTPS only. Start small (an hour), then a year once it works.
SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("MOTCUA_HSTS_PRELOAD", False)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag instead.
# Follows MOTCUA_HTTPS; MOTCUA_SECURE_COOKIES (older) still says it alone and wins when set.
SESSION_COOKIE_SECURE = env_bool("MOTCUA_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, images, fonts and connections from this
# site only; no inline script, no inline style attribute, no eval (templates keep it that way;
# base.html turns HTMX's eval and injected styles off). Forms post only here; no plugins; no
# framing (as X-Frame-Options). docs/decisions/0016.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "motcua.logging.MaskPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Dossier code pattern (domain.md §6). Provinces may configure their own; {seq} widens past 9999.
MOTCUA_DOSSIER_CODE_PATTERN = os.environ.get(
    "MOTCUA_DOSSIER_CODE_PATTERN", "{agency_id}-{yymmdd}-{seq:04d}"
)

# Uploaded files (dossier components, supplements). Never served as static files: residents and
# officers download them through views that check who may see them.
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", STATE_DIR / "uploads"))
MOTCUA_UPLOAD_MAX_BYTES = int(os.environ.get("MOTCUA_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# How long the answer to a request sent with an ``Idempotency-Key`` is kept (motcua.idempotency):
# a retry within this time gets the first answer back; ``motcua sweep_idempotency_keys`` deletes
# older ones.
MOTCUA_IDEMPOTENCY_KEY_HOURS = int(os.environ.get("MOTCUA_IDEMPOTENCY_KEY_HOURS", "24"))

# Background work runs on the database-backed task queue (``motcua db_worker``); no broker needed.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MOTCUA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Notification channels (motcua.notify): an adapter per channel, chosen by dotted path.
MOTCUA_NOTIFY_ADAPTERS = {
    "sms": os.environ.get("MOTCUA_NOTIFY_SMS", "motcua.notify.adapters.ConsoleAdapter"),
    "email": os.environ.get("MOTCUA_NOTIFY_EMAIL", "motcua.notify.adapters.EmailAdapter"),
    "zalo": os.environ.get("MOTCUA_NOTIFY_ZALO", "motcua.notify.adapters.ConsoleAdapter"),
}
# Gateways, when the SMS / Zalo adapters are chosen; the file adapter's JSON-lines file.
MOTCUA_SMS_URL = os.environ.get("MOTCUA_SMS_URL", "")
MOTCUA_SMS_TOKEN = os.environ.get("MOTCUA_SMS_TOKEN", "")
MOTCUA_ZALO_URL = os.environ.get("MOTCUA_ZALO_URL", "")
MOTCUA_ZALO_TOKEN = os.environ.get("MOTCUA_ZALO_TOKEN", "")
MOTCUA_ZALO_TEMPLATE_ID = os.environ.get("MOTCUA_ZALO_TEMPLATE_ID", "")
MOTCUA_NOTIFY_FILE = os.environ.get("MOTCUA_NOTIFY_FILE", "")  # "" = STATE_DIR/outbox.jsonl
EMAIL_BACKEND = os.environ.get(
    "MOTCUA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("MOTCUA_FROM_EMAIL", "motcua@localhost")

# National public-service portal (DVCQG) adapter: "fake" records what would be sent, in the
# database, for the demo; "http" talks to the portal's adapter at MOTCUA_DVCQG_URL.
MOTCUA_DVCQG_ADAPTER = os.environ.get("MOTCUA_DVCQG_ADAPTER", "fake")
# A real server refuses to start with the national-portal or SMS stand-in (motcua.security) unless
# the operator names it here on purpose, e.g. "dvcqg" while the portal agreement is pending, or
# "sms" before the gateway contract: then it starts, and logs the warning at every start.
MOTCUA_ALLOW_STAND_INS = env_list("MOTCUA_ALLOW_STAND_INS")
MOTCUA_DVCQG_URL = os.environ.get("MOTCUA_DVCQG_URL", "")
MOTCUA_DVCQG_USERNAME = os.environ.get("MOTCUA_DVCQG_USERNAME", "")
MOTCUA_DVCQG_PASSWORD = os.environ.get("MOTCUA_DVCQG_PASSWORD", "")

# Residents' identity providers (motcua.residents.identity). None by default: residents sign in
# by phone until a province sets "vneid". "fake" is a stand-in for VNeID single sign-on with which
# anyone can sign in as any ID number: only the demo (demo mode) and the tests turn it on, and the
# deployment checks refuse it (motcua.security).
MOTCUA_IDENTITY_PROVIDERS = env_list(
    "MOTCUA_IDENTITY_PROVIDERS", "fake" if MOTCUA_DEMO_MODE else ""
)

# VNeID single sign-on ("vneid" above): an OpenID Connect client (motcua.residents.oidc). A
# province sets the issuer (or the discovery URL) and the client credentials it registered; the
# callback to register is https://<host>/dang-nhap-cong-dan/sso/vneid/xong/.
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_DISCOVERY_URL = os.environ.get("MOTCUA_OIDC_DISCOVERY_URL", "")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile")
MOTCUA_OIDC_ID_CLAIM = os.environ.get("MOTCUA_OIDC_ID_CLAIM", "citizen_id")
MOTCUA_OIDC_NAME_CLAIM = os.environ.get("MOTCUA_OIDC_NAME_CLAIM", "name")
MOTCUA_OIDC_PHONE_CLAIM = os.environ.get("MOTCUA_OIDC_PHONE_CLAIM", "phone_number")
MOTCUA_OIDC_ALGORITHMS = os.environ.get("MOTCUA_OIDC_ALGORITHMS", "RS256")
MOTCUA_OIDC_TOKEN_AUTH_METHOD = os.environ.get(
    "MOTCUA_OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"
)
# Only for a provider that publishes no discovery document (each one set wins over discovery).
MOTCUA_OIDC_AUTHORIZE_URL = os.environ.get("MOTCUA_OIDC_AUTHORIZE_URL", "")
MOTCUA_OIDC_TOKEN_URL = os.environ.get("MOTCUA_OIDC_TOKEN_URL", "")
MOTCUA_OIDC_USERINFO_URL = os.environ.get("MOTCUA_OIDC_USERINFO_URL", "")
MOTCUA_OIDC_JWKS_URL = os.environ.get("MOTCUA_OIDC_JWKS_URL", "")

# --------------------------------------------------------------------------- cache and limits
# One place, shared by every web process, for the cache and for every limit on abuse
# (motcua.ratelimit): the database by default, nothing to install; MOTCUA_CACHE_URL=redis://host:
# 6379/0 for Redis. The database cache's table is created by `migrate` (motcua.ratelimit.apps).
MOTCUA_CACHE_URL = os.environ.get("MOTCUA_CACHE_URL", "").strip()


def cache_from_url(url: str) -> dict:
    """``""`` → the database cache; ``redis://…``, ``rediss://…`` or ``unix://…`` → Redis."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "motcua_cache",
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(
        f"MOTCUA_CACHE_URL {url!r} is not supported; leave it empty for the database, "
        "or use redis://host:6379/0"
    )


CACHES = {"default": cache_from_url(MOTCUA_CACHE_URL)}
INSTALLED_APPS += ["motcua.ratelimit", "axes"]

# Residents' sign-in codes by SMS, on top of the per-phone limits (motcua.residents.services):
# codes asked from one network address, and from the whole site, in an hour.
MOTCUA_SMS_CODES_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("MOTCUA_SMS_CODES_PER_ADDRESS_PER_HOUR", "20")
)
MOTCUA_SMS_CODES_PER_HOUR = int(os.environ.get("MOTCUA_SMS_CODES_PER_HOUR", "1000"))
# Public tracking look-ups (/tra-cuu/<code>/ and GET /api/v1/track/<code>) from one address in an
# hour, so the sequential dossier codes cannot be walked.
MOTCUA_TRACKING_LOOKUPS_PER_HOUR = int(os.environ.get("MOTCUA_TRACKING_LOOKUPS_PER_HOUR", "60"))
# Reports (phản ánh) from the web form and the kiosk that are stored, in an hour: per network
# address (the kiosk's visitors share one, so it is counted by phone only) and per phone number.
MOTCUA_PETITIONS_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("MOTCUA_PETITIONS_PER_ADDRESS_PER_HOUR", "5")
)
MOTCUA_PETITIONS_PER_PHONE_PER_HOUR = int(
    os.environ.get("MOTCUA_PETITIONS_PER_PHONE_PER_HOUR", "3")
)
# Open311 reports (POST /open311/v2/requests) in an hour: per API key, and per network address
# (forged keys count against the address too).
MOTCUA_OPEN311_POSTS_PER_KEY_PER_HOUR = int(
    os.environ.get("MOTCUA_OPEN311_POSTS_PER_KEY_PER_HOUR", "300")
)
MOTCUA_OPEN311_POSTS_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("MOTCUA_OPEN311_POSTS_PER_ADDRESS_PER_HOUR", "60")
)

# --------------------------------------------------------------------------- staff sign-in (axes)
# django-axes guards the staff login and /admin/ login; it counts in motcua.ratelimit through our
# handler (no address or username stored in clear). Per account and per address separately: after
# BACKOFF_AFTER failures each further try waits MOTCUA_SIGNIN_BACKOFF; at LOCK_AFTER the account
# (or address) is locked for AXES_COOLOFF_TIME after its last failure. A success clears the
# account's failures. See motcua.accounts.signin_limits and docs/decisions/0020.
AUTHENTICATION_BACKENDS = [
    "motcua.accounts.signin_limits.SignInLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_HANDLER = "motcua.accounts.signin_limits.SignInLimitHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 10  # an account's failures that lock it
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# A try refused during back-off or lock is not counted (it would only push the wait further).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "motcua.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "motcua.accounts.signin_limits.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # axes's own tables would keep addresses in clear; unused
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False  # no start-up banner on every command
MOTCUA_SIGNIN_BACKOFF_AFTER = 5
MOTCUA_SIGNIN_BACKOFF = timedelta(minutes=1)
MOTCUA_SIGNIN_ADDRESS_BACKOFF_AFTER = 10  # one address, several officers behind one office NAT
MOTCUA_SIGNIN_ADDRESS_LOCK_AFTER = 30
