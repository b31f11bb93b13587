"""Print the release this checkout is (pyproject.toml), to compare with CHANGELOG.md."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the tracker's version (pyproject.toml); CHANGELOG.md lists what each one changed."
    # Answers before the database or the keys are checked: an upgrader asks it first.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(settings.UVISA_VERSION)
