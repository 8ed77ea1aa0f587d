"""Whether this process is the demo, and what only the demo may use.

The demo (``motcua demo``) signs residents in through the VNeID stand-in, keeps the development
secret key and prints text messages instead of sending them. A real commune must never run like
that, so nothing turns the demo on but the demo command itself: ``motcua/__main__.py`` calls
``enter_demo_mode()`` in the demo's own process before the settings are read. There is no
environment variable for it, so a server started by gunicorn (or any other command) can never be
in demo mode, whatever its environment says. The demo's background worker is a separate process
and needs none of it: its stand-ins (console SMS, the national-portal stand-in) are the defaults.
"""

# The key the demo and development run with; the deployment checks refuse it outside the demo.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"

_demo_mode = False


def enter_demo_mode() -> None:
    """Switch this process into demo mode; call it before Django reads the settings."""
    global _demo_mode
    _demo_mode = True


def is_demo_mode() -> bool:
    return _demo_mode
