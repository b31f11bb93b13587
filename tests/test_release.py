"""The release a department runs: one version, written in pyproject.toml, shown by
`manage.py version` and in the staff pages' footer, with its section in CHANGELOG.md."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_the_settings_read_the_version_from_pyproject():
    assert VERSION == "1.0.0"
    assert settings.UVISA_VERSION == VERSION


def test_the_version_command_prints_the_pyproject_version():
    out = io.StringIO()
    call_command("version", stdout=out)
    assert out.getvalue() == f"{VERSION}\n"


def test_manage_py_version_is_the_tracker_not_django():
    """Django answers `version` itself unless manage.py hands it to the project's command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SETTINGS")}
    result = subprocess.run(
        [sys.executable, "manage.py", "version"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{VERSION}\n"


def test_a_signed_in_page_shows_the_version_in_its_footer(client, people):
    sign_in(client, people["coordinator"])
    page = client.get("/").content.decode()
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert f"U-visa certification tracker {VERSION}" in footer


def test_a_visitor_is_not_told_the_version(client, db):
    page = client.get("/accounts/login/", follow=True).content.decode()
    assert "<footer" in page
    assert f"tracker {VERSION}" not in page


def test_the_changelog_has_a_section_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    # The advisory stays first; then the releases, the one running among them.
    assert changelog.index("## ADVISORY") < changelog.index("## [Unreleased]")
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{VERSION}] - ")
    release = changelog.split(f"## [{VERSION}] - ", 1)[1].split("\n## ", 1)[0]
    assert "### Upgrade notes" in release


def test_every_migration_since_the_first_release_is_in_an_upgrade_note():
    """0001-0028 came before 1.0.0 (cases/migrations/README.md); every later one is named in
    the change log, so a department upgrading knows what migrate will do."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    later = [
        path.stem
        for path in (ROOT / "cases" / "migrations").glob("0*.py")
        if int(path.stem[:4]) > 28
    ]
    assert later
    assert [name for name in later if f"`{name}`" not in changelog] == []
