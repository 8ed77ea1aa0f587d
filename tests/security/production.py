"""The production environment as README.md documents it, and a clean process to try it in.

The tests read the example environment straight from the README's "Running behind HTTPS" section,
so what an operator copies is what the tests prove: ``motcua check --deploy`` passes with it, the
web application starts with it, and forms work through the TLS proxy it describes.
"""

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import motcua.settings

README = Path(__file__).resolve().parents[2] / "README.md"
SETTINGS_FILE = Path(motcua.settings.__file__)
PRODUCTION_HOST = "motcua.xa-a.gov.vn"
PRODUCTION_ORIGIN = f"https://{PRODUCTION_HOST}"


def documented_production_env() -> dict[str, str]:
    """The README's example production environment, every ``<…>`` replaced by a stand-in value
    and the secret key by a fresh random one."""
    section = README.read_text().split("\n## Running behind HTTPS\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    env = {}
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    assert "<" in env["MOTCUA_SECRET_KEY"], "the README must never show a real secret key"
    env = {name: re.sub(r"<[^>]*>", "stand-in", value) for name, value in env.items()}
    env["MOTCUA_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def clean_env(state_dir: Path, **variables: str) -> dict[str, str]:
    """An environment with none of this test run's settings: only what a fresh server would have,
    a state directory of its own, and ``variables``."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MOTCUA_STATE_DIR": str(state_dir)}
    env.update(variables)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def run_motcua(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_from_env(env: dict[str, str], state_dir: Path, monkeypatch) -> dict:
    """What motcua/settings.py makes of ``env`` (and nothing else from this process's
    environment), read as a fresh module: its upper-case names and values."""
    for name in list(os.environ):
        if name.startswith("MOTCUA_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    for name, value in clean_env(state_dir, **env).items():
        monkeypatch.setenv(name, value)
    computed = runpy.run_path(str(SETTINGS_FILE))
    return {name: value for name, value in computed.items() if name.isupper()}
