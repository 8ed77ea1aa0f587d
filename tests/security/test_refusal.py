"""The refusal to serve: what gunicorn or uvicorn loads (``motcua.wsgi``, ``motcua.asgi``) does not
start with debug off and an unsafe configuration, and says what to set; it starts, and answers
through the TLS proxy, with the README's production environment."""

import pytest

from tests.security.production import (
    PRODUCTION_HOST,
    clean_env,
    documented_production_env,
    run_motcua,
    run_python,
)

# Load the application as a server does, then answer requests as a proxy would pass them.
SERVE = """
import {module} as served
application = served.application
print("loaded")
"""

SERVE_WSGI_REQUESTS = """
import io
from motcua.wsgi import application

def get(path, **headers):
    environ = {{
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "backend",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(), "HTTP_HOST": "{host}",
    }}
    environ.update(headers)
    answer = {{}}
    def start_response(status, response_headers, exc_info=None):
        answer.update(status=status, headers=dict(response_headers))
    b"".join(application(environ, start_response))
    return answer

https = get("/", HTTP_X_FORWARDED_PROTO="https")
print("https", https["status"], https["headers"].get("Strict-Transport-Security"))
plain = get("/")
print("http", plain["status"], plain["headers"].get("Location"))
probe = get("/healthz")
print("healthz", probe["status"])
"""


@pytest.mark.parametrize("module", ["motcua.wsgi", "motcua.asgi"])
def test_the_default_environment_is_refused_with_what_to_set(tmp_path, module):
    env = clean_env(tmp_path, MOTCUA_IDENTITY_PROVIDERS="fake", MOTCUA_ALLOWED_HOSTS="*")
    result = run_python(SERVE.format(module=module), env)
    assert result.returncode != 0
    assert "loaded" not in result.stdout
    message = result.stderr
    assert "InsecureConfiguration" in message and "motcua không khởi động" in message
    for variable in ("MOTCUA_SECRET_KEY", "MOTCUA_IDENTITY_PROVIDERS", "MOTCUA_ALLOWED_HOSTS"):
        assert f"Đặt {variable}" in message or f"khỏi {variable}" in message, variable


@pytest.mark.parametrize(
    "change, variable",
    [
        ({"MOTCUA_SECRET_KEY": ""}, "MOTCUA_SECRET_KEY"),
        ({"MOTCUA_IDENTITY_PROVIDERS": "fake"}, "MOTCUA_IDENTITY_PROVIDERS"),
        ({"MOTCUA_ALLOWED_HOSTS": "motcua.xa-a.gov.vn,*"}, "MOTCUA_ALLOWED_HOSTS"),
    ],
)
def test_each_unsafe_setting_alone_is_refused(tmp_path, change, variable):
    env = clean_env(tmp_path, **{**documented_production_env(), **change})
    result = run_python(SERVE.format(module="motcua.wsgi"), env)
    assert result.returncode != 0
    assert variable in result.stderr
    named = [v for v in ("SECRET_KEY", "IDENTITY_PROVIDERS", "ALLOWED_HOSTS") if v in result.stderr]
    assert named == [variable.removeprefix("MOTCUA_")]


@pytest.mark.parametrize("module", ["motcua.wsgi", "motcua.asgi"])
def test_the_documented_production_environment_starts(tmp_path, module):
    env = clean_env(tmp_path, **documented_production_env())
    result = run_python(SERVE.format(module=module), env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded"


def test_with_the_documented_environment_it_serves_https_and_redirects_http(tmp_path):
    env = clean_env(tmp_path, **documented_production_env())
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'probe.sqlite3'}"  # /healthz asks the database
    # The home page lists the communes with a centre: a real install has run migrate.
    assert run_motcua("migrate", "-v0", env=env).returncode == 0
    result = run_python(SERVE_WSGI_REQUESTS.format(host=PRODUCTION_HOST), env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "https 200 OK max-age=31536000; includeSubDomains; preload",
        f"http 301 Moved Permanently https://{PRODUCTION_HOST}/",
        "healthz 200 OK",  # load balancers probe over plain HTTP
    ]


def test_a_developer_with_debug_on_is_not_refused(tmp_path):
    env = clean_env(tmp_path, MOTCUA_DEBUG="1")
    result = run_python(SERVE.format(module="motcua.wsgi"), env)
    assert result.returncode == 0, result.stderr


CONSOLE_SMS = "motcua.notify.adapters.ConsoleAdapter"


@pytest.mark.parametrize(
    "change, variable, name",
    [
        ({"MOTCUA_DVCQG_ADAPTER": "fake"}, "MOTCUA_DVCQG_ADAPTER", "dvcqg"),
        ({"MOTCUA_NOTIFY_SMS": CONSOLE_SMS}, "MOTCUA_NOTIFY_SMS", "sms"),
    ],
)
def test_a_stand_in_portal_or_sms_is_refused_unless_accepted_by_name(
    tmp_path, change, variable, name
):
    env = clean_env(tmp_path, **{**documented_production_env(), **change})
    refused = run_python(SERVE.format(module="motcua.wsgi"), env)
    assert refused.returncode != 0 and "loaded" not in refused.stdout
    assert variable in refused.stderr and f"MOTCUA_ALLOW_STAND_INS={name}" in refused.stderr

    accepted = run_python(
        SERVE.format(module="motcua.wsgi"), {**env, "MOTCUA_ALLOW_STAND_INS": name}
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "loaded" in accepted.stdout
    assert variable in accepted.stderr  # still said, as a warning, at every start
