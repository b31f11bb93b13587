"""Parse an anonymous PDF in a separate process with CPU-time and memory limits.

The public verification page (/verify/) reads files from anyone. A crafted or merely large
PDF cost the worker 1.4 s of CPU and slowed every signed-in page (ASVS V12.1.1 / V13.4 denial
of service; OWASP "resource exhaustion"). The parsing now runs in a child process that:

- runs at the lowest CPU priority (SCHED_IDLE, and nice 19 where SCHED_IDLE is missing), set
  before it imports anything, so signed-in pages go first on a busy machine;
- limits itself with ``resource.setrlimit`` before reading a byte of the file: CPU seconds
  (``UVISA_VERIFY_CPU_SECONDS``) and address space (``UVISA_VERIFY_MEMORY_MB``);
- is killed after a wall-clock timeout;
- runs one at a time per machine (``UVISA_VERIFY_CONCURRENCY`` slots, file locks), so two
  clients hammering the page cannot take more than that many cores between them.

Run as ``python -m cases.documents.pdf_sandbox CPU_SECONDS MEMORY_MB`` with the PDF on stdin;
it prints the SignatureInfo as JSON. It needs no settings and no database.

``clean`` runs cases/lib/pdf_clean.py the same way (``... clean CPU_SECONDS MEMORY_MB
LIMITS``): a blank form loaded by an administrator and a scan of the pages signed in ink are
rewritten without JavaScript, actions, XFA or embedded files, or refused, in a child process
with the same kind of limits. It prints a JSON line (what was removed, or why the file is
refused) followed by the cleaned PDF.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import subprocess  # nosec B404
import sys
from collections import Counter
from typing import TYPE_CHECKING

from cases.documents.child_limits import Busy, run_python, slot
from cases.documents.child_limits import limit_self as _limit_self
from cases.lib import pdf_clean

if TYPE_CHECKING:  # imported where used: the cleaning child needs no pyHanko
    from cases.documents.signing import SignatureInfo

WALL_SECONDS_PER_CPU_SECOND = 3  # the child may wait for the CPU behind signed-in pages


# The child's first statements: lowest priority before any import costs CPU.
LAUNCHER = (
    "import os\n"
    "try:\n"
    "    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))\n"
    "except (AttributeError, OSError):\n"
    "    os.nice(19)\n"
    "import runpy\n"
    "runpy.run_module('cases.documents.pdf_sandbox', run_name='__main__')\n"
)
# Cleaning a file staff uploaded (a form template, the scan of the pages signed in ink) runs
# at a lowered but ordinary priority: at SCHED_IDLE a busy server would starve it past its
# wall-clock limit and refuse the Chief's scan. Anonymous files (/verify/) keep SCHED_IDLE.
STAFF_LAUNCHER = (
    "import os\n"
    "os.nice(5)\n"
    "import runpy\n"
    "runpy.run_module('cases.documents.pdf_sandbox', run_name='__main__')\n"
)


def main() -> None:
    if sys.argv[1] == "clean":
        _main_clean(int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]))
        return
    if sys.argv[1] == "active":
        _limit_self(int(sys.argv[2]), int(sys.argv[3]))
        sys.stdout.write(json.dumps(pdf_clean.active_content(sys.stdin.buffer.read())))
        return
    cpu_seconds, memory_mb = int(sys.argv[1]), int(sys.argv[2])
    # Imported before the limits, so that they measure the parsing, not the start-up.
    import pyhanko.sign.validation  # noqa: F401
    import pyhanko_certvalidator  # noqa: F401

    from cases.documents.signing import inspect_signature

    _limit_self(cpu_seconds, memory_mb)
    data = sys.stdin.buffer.read()
    info = inspect_signature(data)
    sys.stdout.write(json.dumps(dataclasses.asdict(info)))


def _main_clean(cpu_seconds: int, memory_mb: int, limits: dict[str, int]) -> None:
    _limit_self(cpu_seconds, memory_mb)
    data = sys.stdin.buffer.read()
    try:
        cleaned, report = pdf_clean.clean(data, pdf_clean.Limits(**limits))
    except pdf_clean.Refused as exc:
        sys.stdout.write(json.dumps({"refused": str(exc)}) + "\n")
        return
    head = dataclasses.asdict(report) | {"removed": dict(report.removed)}
    sys.stdout.buffer.write(json.dumps(head).encode() + b"\n" + cleaned)


def clean(
    data: bytes, *, cpu_seconds: int, memory_mb: int, limits: pdf_clean.Limits | None = None
) -> tuple[bytes, pdf_clean.Report]:
    """``pdf_clean.clean(data, limits)``, computed in a limited child process; raises
    ``pdf_clean.Refused`` with a sentence for the person who uploaded the file."""
    limits = limits or pdf_clean.Limits()
    if len(data) > limits.max_bytes:  # not even handed over
        return pdf_clean.clean(data, limits)
    wall = cpu_seconds * WALL_SECONDS_PER_CPU_SECOND + 5
    try:
        done = _run_child(
            ["clean", str(cpu_seconds), str(memory_mb), json.dumps(dataclasses.asdict(limits))],
            data,
            timeout=wall,
            launcher=STAFF_LAUNCHER,
        )
    except subprocess.TimeoutExpired as exc:
        raise pdf_clean.Refused(
            f"Reading this file took longer than {wall} seconds; it was refused."
        ) from exc
    head, _newline, cleaned = done.stdout.partition(b"\n")
    if done.returncode != 0 or not head:
        raise pdf_clean.Refused(
            f"This file could not be read within the limits ({cpu_seconds} s of CPU, "
            f"{memory_mb} MB of memory); it was refused."
        )
    facts = json.loads(head)
    if "refused" in facts:
        raise pdf_clean.Refused(facts["refused"])
    facts["removed"] = Counter(facts["removed"])
    return cleaned, pdf_clean.Report(**facts)


def active_content(
    data: bytes, *, cpu_seconds: int, memory_mb: int, slots: int = 1, wait_seconds: float = 2.0
) -> list[str] | None:
    """``pdf_clean.active_content(data)`` computed in a limited child process (one of the
    /verify/ slots), or None when the file cannot be read within the limits."""
    with _slot(slots, wait_seconds):
        try:
            done = _run_child(
                ["active", str(cpu_seconds), str(memory_mb)],
                data,
                timeout=cpu_seconds * WALL_SECONDS_PER_CPU_SECOND + 5,
            )
        except subprocess.TimeoutExpired:
            return None
    try:
        found = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        return None
    return [str(item) for item in found] if isinstance(found, list) else None


def _run_child(
    args: list[str], data: bytes, *, timeout: float, launcher: str = LAUNCHER
) -> subprocess.CompletedProcess:
    """This module in a child process (``launcher``) with ``args``, ``data`` on its stdin."""
    return run_python(["-c", launcher, *args], data, timeout=timeout)


def all_busy(slots: int) -> bool:
    """Whether every slot is taken now (a cheap early answer, before an upload is read)."""
    with contextlib.suppress(Busy), _slot(slots, 0):
        return False
    return True


def _slot(slots: int, wait_seconds: float) -> contextlib.AbstractContextManager[None]:
    """One of ``slots`` machine-wide parsing slots (cases/documents/child_limits.py)."""
    return slot("verify", slots, wait_seconds)


def inspect(
    data: bytes,
    *,
    cpu_seconds: int,
    memory_mb: int,
    slots: int = 1,
    wait_seconds: float = 2.0,
) -> SignatureInfo:
    """``inspect_signature(data)``, computed in a limited child process."""
    from cases.documents.signing import SignatureInfo

    with _slot(slots, wait_seconds):
        try:
            done = _run_child(
                [str(cpu_seconds), str(memory_mb)],
                data,
                timeout=cpu_seconds * WALL_SECONDS_PER_CPU_SECOND + 5,
            )
        except subprocess.TimeoutExpired:
            return SignatureInfo(present=False, error="the file took too long to read")
    if done.returncode != 0:
        return SignatureInfo(present=False, error="the file could not be read within the limits")
    try:
        return SignatureInfo(**json.loads(done.stdout))
    except (ValueError, TypeError):
        return SignatureInfo(present=False, error="the file could not be read")


if __name__ == "__main__":
    main()
