"""The ``gonghui`` console script: Django's manage.py plus the project's commands.

The mode is chosen here, before the settings load: ``gonghui demo`` is the one
development mode (development keys), ``gonghui serve`` is always production
(whatever ``GONGHUI_DEMO`` or a test run left in the environment), and every
command other than the demo and help refuses, in one line and without a
traceback, to run on keys unfit for production.
"""

import os
import sys

_HELP = {"", "help", "--help", "-h", "--version", "version"}


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "demo":
        os.environ["GONGHUI_DEMO"] = "1"
    else:
        os.environ.pop("GONGHUI_DEMO", None)
    if command == "serve":
        os.environ.pop("PYTEST_VERSION", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    from django.conf import settings

    refusal = getattr(settings, "KEY_REFUSAL", "")
    if refusal and command not in _HELP:
        sys.stderr.write(refusal + "\n")
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
