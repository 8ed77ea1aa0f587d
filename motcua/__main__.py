"""The ``motcua`` command: Django's manage.py plus the project's own commands (``motcua demo``).

``motcua demo`` is the only way into demo mode (motcua.runmode): it is switched on here, in the
demo's own process, before the settings are read.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    if sys.argv[1:2] == ["demo"]:
        from motcua import runmode

        runmode.enter_demo_mode()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
