"""scripts/ensure-system-packages.sh (make test and .ci/run): its decisions on a fake machine.

A PATH of stand-ins decides what exists: which tools, whether we are root, whether sudo asks
for a password; apt-get and sudo only write down how they were called.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ensure-system-packages.sh"
REAL_TOOLS = ["bash", "awk", "grep", "cat", "env", "printf"]


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/bash\n{body}\n")
    path.chmod(0o755)


def machine(
    tmp_path: Path,
    *,
    uid: int = 0,
    tools: tuple[str, ...] = ("make", "python3", "pdftotext", "fc-list", "wrk", "apt-get"),
    chromium: bool = True,
    postgresql: bool = True,
    sudo: str | None = None,
) -> tuple[dict[str, str], Path]:
    """A fake Debian machine: returns the environment for the script and the call log."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in REAL_TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))  # type: ignore[arg-type]
    _stub(bin_dir, "id", f"echo {uid}")
    stubs = {
        "make": "exit 0",
        "python3": "exit 0",
        "pdftotext": "exit 0",
        "fc-list": "echo '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf: DejaVu Sans'",
        "wrk": "exit 0",
        "apt-get": f'echo "apt-get $*" >> {log}',
    }
    for tool in tools:
        _stub(bin_dir, tool, stubs[tool])
    if sudo == "passwordless":
        _stub(
            bin_dir,
            "sudo",
            f'[ "$1" = -n ] && shift; echo "sudo $*" >> {log}; [ "$1" = true ] || "$@"',
        )
    elif sudo == "asks":
        _stub(bin_dir, "sudo", f'echo "sudo $*" >> {log}; exit 1')
    chromium_path = tmp_path / "chromium"
    if chromium:
        _stub(tmp_path, "chromium", "exit 0")
    pg_lib = tmp_path / "postgresql"
    if postgresql:
        (pg_lib / "17" / "bin").mkdir(parents=True)
        _stub(pg_lib / "17" / "bin", "initdb", "exit 0")
    env = {
        "PATH": str(bin_dir),
        "CHROMIUM": str(chromium_path),
        "UVISA_PG_LIB": str(pg_lib),
        "HOME": str(tmp_path),
    }
    return env, log


def run(env: dict[str, str], profile: str = "test") -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("bash"), str(SCRIPT), profile],  # type: ignore[list-item]
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_nothing_missing_nothing_installed(tmp_path):
    env, log = machine(tmp_path)
    result = run(env, "ci")
    assert result.returncode == 0 and result.stderr == "" and calls(log) == []


def test_root_installs_what_is_missing(tmp_path):
    env, log = machine(tmp_path, tools=("make", "python3", "fc-list", "apt-get"), chromium=False)
    result = run(env)
    assert result.returncode == 0, result.stderr
    assert calls(log) == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends chromium poppler-utils",
    ]
    assert "make test: installing chromium poppler-utils" in result.stdout


def test_the_ci_profile_adds_postgresql_and_wrk(tmp_path):
    env, log = machine(
        tmp_path, tools=("make", "python3", "pdftotext", "fc-list", "apt-get"), postgresql=False
    )
    assert run(env, "test").returncode == 0 and calls(log) == []  # make test needs neither
    result = run(env, "ci")
    assert result.returncode == 0
    assert calls(log)[-1].endswith("--no-install-recommends postgresql wrk")


def test_passwordless_sudo_is_used(tmp_path):
    env, log = machine(
        tmp_path, uid=1000, tools=("make", "python3", "pdftotext", "apt-get"), sudo="passwordless"
    )
    result = run(env)
    assert result.returncode == 0, result.stderr
    assert calls(log) == [
        "sudo true",
        "sudo apt-get update -qq",
        "apt-get update -qq",
        "sudo apt-get install -y -qq --no-install-recommends fonts-dejavu-core",
        "apt-get install -y -qq --no-install-recommends fonts-dejavu-core",
    ]


@pytest.mark.parametrize("sudo", ["asks", None])
def test_otherwise_one_line_says_what_to_run(tmp_path, sudo):
    env, log = machine(
        tmp_path,
        uid=1000,
        tools=("make", "python3", "fc-list", "apt-get"),
        chromium=False,
        sudo=sudo,
    )
    result = run(env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "make test: missing chromium poppler-utils; run: sudo apt-get install -y "
        "--no-install-recommends chromium poppler-utils"
    )
    assert not [c for c in calls(log) if "apt-get" in c]  # nothing was tried


def test_make_test_and_ci_share_the_script():
    root = SCRIPT.parent.parent
    assert "scripts/ensure-system-packages.sh test" in (root / "Makefile").read_text()
    assert "scripts/ensure-system-packages.sh ci" in (root / ".ci" / "run").read_text()
    assert os.access(SCRIPT, os.X_OK)
