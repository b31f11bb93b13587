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
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import subprocess  # nosec B404
import sys

from cases.documents.child_limits import Busy, run_python, slot
from cases.documents.child_limits import limit_self as _limit_self
from cases.documents.signing import SignatureInfo, inspect_signature

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


def main() -> None:
    cpu_seconds, memory_mb = int(sys.argv[1]), int(sys.argv[2])
    # Imported before the limits, so that they measure the parsing, not the start-up.
    import pyhanko.sign.validation  # noqa: F401
    import pyhanko_certvalidator  # noqa: F401

    _limit_self(cpu_seconds, memory_mb)
    data = sys.stdin.buffer.read()
    info = inspect_signature(data)
    sys.stdout.write(json.dumps(dataclasses.asdict(info)))


def all_busy(slots: int) -> bool:
    """Whether every slot is taken now (a cheap early answer, before an upload is read)."""
    with contextlib.suppress(Busy), _slot(slots, 0):
        return False
    return True


def _slot(slots: int, wait_seconds: float) -> contextlib.AbstractContextManager[None]:
    """One of ``slots`` machine-wide parsing slots."""
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
    with _slot(slots, wait_seconds):
        try:
            done = run_python(
                ["-c", LAUNCHER, str(cpu_seconds), str(memory_mb)],
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
