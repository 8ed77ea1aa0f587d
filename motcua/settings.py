"""Django settings for motcua, read from the environment.

Every setting that differs between a laptop demo and a province's production servers comes from an
environment variable, so the same code runs stateless behind a load balancer. Defaults give the
embedded SQLite demo.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent
# The working directory holds the SQLite file and uploaded files unless told otherwise.
STATE_DIR = Path(os.environ.get("MOTCUA_STATE_DIR", Path.cwd() / "var"))
# The SQLite file and collected static files live here; WhiteNoise warns if the folder is missing.
(STATE_DIR / "static").mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


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


SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("MOTCUA_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("MOTCUA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
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
    "motcua.insights",
    "motcua.ui",
    # Above the domain apps: pages that combine several of them, and the demo (ADR 0022).
    "motcua.desk",
    "motcua.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag instead.
SESSION_COOKIE_SECURE = env_bool("MOTCUA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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
MOTCUA_DVCQG_URL = os.environ.get("MOTCUA_DVCQG_URL", "")
MOTCUA_DVCQG_USERNAME = os.environ.get("MOTCUA_DVCQG_USERNAME", "")
MOTCUA_DVCQG_PASSWORD = os.environ.get("MOTCUA_DVCQG_PASSWORD", "")

# Residents' identity providers (motcua.residents.identity): "fake" is a stand-in for VNeID
# single sign-on that the demo and the tests use.
MOTCUA_IDENTITY_PROVIDERS = [
    p for p in os.environ.get("MOTCUA_IDENTITY_PROVIDERS", "fake").split(",") if p.strip()
]
