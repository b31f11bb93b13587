"""Limits for a child process that reads a PDF: its own CPU and memory, and machine-wide slots.

Shared by the public verification page's parsing (pdf_sandbox.py) and the rendering of the
review copy's pages (page_images.py). A child calls ``limit_self`` before it reads a byte of
the file; the parent holds one of ``slots`` file locks in the temporary directory while its
child runs, so that no more than that many run at once per machine (ASVS V12.1.1 / V13.4,
resource exhaustion). No Django, nothing from the rest of ``cases``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import subprocess  # nosec B404
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


class Busy(Exception):
    """Every slot is taken: the caller answers "try again shortly"."""


def limit_self(cpu_seconds: int, memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no files
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@contextlib.contextmanager
def slot(name: str, slots: int, wait_seconds: float) -> Iterator[None]:
    """One of ``slots`` machine-wide ``name`` slots (fcntl locks on files in the temp dir)."""
    folder = Path(tempfile.gettempdir())
    deadline = time.monotonic() + wait_seconds
    while True:
        for n in range(slots):
            handle = open(folder / f"uvisa-{name}-slot-{n}.lock", "a+")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() >= deadline:
            raise Busy(f"every {name} slot is busy")
        time.sleep(0.05)


def run_python(
    args: list[str], data: bytes, *, timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """``python ARGS`` with ``data`` on stdin, this project on its path and nothing else of the
    parent's environment; raises ``subprocess.TimeoutExpired`` after ``timeout`` seconds."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",  # it may write no files at all (RLIMIT_FSIZE 0)
    }
    # The callers' fixed argv (a module of this project and numbers), no shell.
    return subprocess.run(  # noqa: S603 # nosec B603
        [sys.executable, *args],
        input=data,
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
        check=False,
    )
