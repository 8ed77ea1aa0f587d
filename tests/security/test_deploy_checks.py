"""``motcua check --deploy``: clean with the README's production environment; with the defaults, an
error for each thing that makes a server unsafe and a warning for each stand-in, every message
naming the variable to set. And the VNeID stand-in is off unless the demo or a test turns it on."""

import secrets

import pytest

from motcua.security import checks
from tests.security.production import (
    clean_env,
    documented_production_env,
    run_motcua,
    run_python,
)


def test_the_documented_production_environment_passes_every_deployment_check(tmp_path):
    result = run_motcua(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=clean_env(tmp_path, **documented_production_env()),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


def test_an_unsafe_environment_fails_the_deployment_checks_and_names_each_variable(tmp_path):
    env = clean_env(tmp_path, MOTCUA_IDENTITY_PROVIDERS="fake", MOTCUA_ALLOWED_HOSTS="*")
    result = run_motcua("check", "--deploy", env=env)
    assert result.returncode != 0
    report = result.stderr
    errors, warnings = report.split("WARNINGS:")
    for check_id, variable in [
        ("motcua.E001", "MOTCUA_SECRET_KEY"),
        ("motcua.E002", "MOTCUA_IDENTITY_PROVIDERS"),
        ("motcua.E003", "MOTCUA_ALLOWED_HOSTS"),
    ]:
        assert f"({check_id}) {variable}" in errors
    for check_id, variable in [
        ("motcua.W001", "MOTCUA_DVCQG_ADAPTER"),
        ("motcua.W002", "MOTCUA_NOTIFY_SMS"),
        ("motcua.W003", "MOTCUA_PUBLIC_BASE_URL"),
    ]:
        assert f"({check_id}) {variable}" in warnings
    # Django's own: no HSTS, no redirect to HTTPS, cookies sent over plain HTTP.
    for django_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert django_id in warnings


@pytest.fixture
def production_settings(settings):
    """In-process settings as the README's production environment makes them."""
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.MOTCUA_IDENTITY_PROVIDERS = []
    settings.ALLOWED_HOSTS = ["motcua.xa-a.gov.vn"]
    settings.MOTCUA_DVCQG_ADAPTER = "http"
    settings.MOTCUA_NOTIFY_ADAPTERS = {
        **settings.MOTCUA_NOTIFY_ADAPTERS,
        "sms": "motcua.notify.adapters.SmsHttpAdapter",
    }
    settings.PUBLIC_BASE_URL = "https://motcua.xa-a.gov.vn"
    return settings


def reported() -> list[str]:
    return [message.id for message in checks.check_deployment()]


def test_production_settings_report_nothing(production_settings):
    assert reported() == []


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("SECRET_KEY", "dev-only-insecure-key-change-me-in-production", "motcua.E001"),
        ("MOTCUA_IDENTITY_PROVIDERS", ["vneid", "fake"], "motcua.E002"),
        ("ALLOWED_HOSTS", ["motcua.xa-a.gov.vn", "*"], "motcua.E003"),
        ("MOTCUA_DVCQG_ADAPTER", "fake", "motcua.W001"),
        ("PUBLIC_BASE_URL", "http://motcua.xa-a.gov.vn", "motcua.W003"),
    ],
)
def test_each_unsafe_setting_is_reported_on_its_own(production_settings, name, value, expected):
    setattr(production_settings, name, value)
    assert reported() == [expected]


@pytest.mark.parametrize(
    "adapter",
    ["motcua.notify.adapters.ConsoleAdapter", "motcua.notify.adapters.FileAdapter"],
)
def test_an_sms_adapter_that_only_prints_or_writes_is_a_stand_in(production_settings, adapter):
    production_settings.MOTCUA_NOTIFY_ADAPTERS = {"sms": adapter}
    assert reported() == ["motcua.W002"]


def test_errors_are_errors_and_stand_ins_warnings(settings):
    settings.MOTCUA_IDENTITY_PROVIDERS = ["fake"]
    levels = {message.id: message.is_serious() for message in checks.check_deployment()}
    assert levels["motcua.E001"] and levels["motcua.E002"]
    assert not levels["motcua.W001"] and not levels["motcua.W002"]


SHOW_PROVIDERS = "from django.conf import settings; print(settings.MOTCUA_IDENTITY_PROVIDERS)"


def test_no_identity_provider_is_on_by_default(tmp_path):
    env = clean_env(tmp_path, DJANGO_SETTINGS_MODULE="motcua.settings")
    result = run_python(SHOW_PROVIDERS, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ``motcua <command>`` with Django's command runner replaced by a probe that reports what the
# process's settings became and whether the web application would start.
AS_COMMAND = """
import sys
import django.core.management

def probe(argv):
    from django.conf import settings
    print("providers", settings.MOTCUA_IDENTITY_PROVIDERS, "demo", settings.MOTCUA_DEMO_MODE)
    import motcua.wsgi
    print("serves")

django.core.management.execute_from_command_line = probe
sys.argv = ["motcua", *sys.argv[1:]]
from motcua.__main__ import main
main()
"""


def as_command(*argv: str, env: dict) -> str:
    return run_python(AS_COMMAND.replace("sys.argv[1:]", repr(list(argv))), env)


def test_only_the_demo_command_turns_the_vneid_stand_in_on(tmp_path):
    env = clean_env(tmp_path)
    demo = as_command("demo", env=env)
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.splitlines() == ["providers ['fake'] demo True", "serves"]

    other = as_command("runserver", env=env)
    assert "providers [] demo False" in other.stdout
    assert other.returncode != 0 and "MOTCUA_SECRET_KEY" in other.stderr  # refused to serve
