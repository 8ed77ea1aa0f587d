#!/usr/bin/env python3
"""Bootstrap for a fresh clone: needs only Python 3.11+.

    python3 dev.py demo     # install into .venv, set up the demo data, serve on :8000
    python3 dev.py test     # install test tools into .venv and run the test suite
    python3 dev.py test --browser   # the Chromium browser tests (needs Debian's chromium)

It creates ``.venv`` beside this file on first use and reinstalls only when pyproject.toml changes.
Any further arguments are passed on (to ``motcua demo`` or to pytest).
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_installed(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the venv exists
        sys.exit(f"motcua needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("→ Creating virtual environment .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"→ Installing motcua{f'[{extras}]' if extras else ''} into .venv", flush=True)
    target = f".[{extras}]" if extras else "."
    command = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e"]
    result = subprocess.run([*command, target], cwd=ROOT)
    if result.returncode != 0:
        sys.exit("Installing failed (see pip's message above). Check the network and try again.")
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "demo":
        ensure_installed("")
        return subprocess.call([str(BIN / "motcua"), "demo", *rest])
    if "--browser" in rest:
        rest.remove("--browser")
        ensure_installed("test,browser")
        return subprocess.call([str(PYTHON), "-m", "pytest", "-m", "browser", "tests/e2e", *rest])
    ensure_installed("test")
    return subprocess.call([str(PYTHON), "-m", "pytest", "-m", "not browser", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
