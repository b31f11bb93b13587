#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa.settings")
    from django.core.management import ManagementUtility, execute_from_command_line

    if sys.argv[1:2] == ["version"]:
        # Django answers `version` itself with Django's release before looking for a command;
        # here it is the tracker's (cases/management/commands/version.py). `--version` still
        # prints Django's.
        import django

        django.setup()
        ManagementUtility(sys.argv).fetch_command("version").run_from_argv(sys.argv)
        return
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
