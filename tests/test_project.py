"""The project's own files agree with each other."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _requirement_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_pyproject_dependencies_equal_requirements_in():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    assert sorted(declared) == sorted(_requirement_lines((ROOT / "requirements.in").read_text()))


def test_the_lock_pins_every_direct_dependency_with_hashes_and_no_addresses():
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        line.split("==")[0].lower() for line in lock.splitlines() if "==" in line and line[0] != " "
    }
    for requirement in _requirement_lines((ROOT / "requirements.in").read_text()):
        name = requirement.split("[")[0].split(">")[0].split("=")[0].split("<")[0].lower()
        assert name in pinned, name
    assert "--hash=sha256:" in lock
    assert "://" not in lock


def test_every_model_change_has_its_migration(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_migration_list_names_every_migration_of_cases():
    listed = (ROOT / "cases" / "migrations" / "README.md").read_text()
    files = sorted(p.stem for p in (ROOT / "cases" / "migrations").glob("0*.py"))
    assert files and all(f"`{name}`" in listed for name in files)
