"""The load benchmark itself runs end to end, on a small database, in CI.

``python -m bench.run`` against the test database: gunicorn with the production settings,
wrk on 127.0.0.1, every page, the mixed load with transitions, the memory readings and the
two-server race. The numbers of a 1-second run mean nothing; what is checked is that every
page answered without an error, transitions were applied, the race had one winner per
request, and the JSON and the chart were written. PostgreSQL only (the benchmark refuses
SQLite), and wrk must be installed (``.ci/run`` installs it and makes a missing wrk fail).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.serial,  # measures throughput: alone on the machine
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"},
        reason="the benchmark runs on PostgreSQL only",
    ),
]


def _test_database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def test_the_benchmark_runs_end_to_end(reference_rows, tmp_path):
    if not shutil.which("wrk"):
        if os.environ.get("UVISA_REQUIRE_BENCH"):  # set by .ci/run
            pytest.fail("wrk is not installed, and CI must run the benchmark")
        pytest.skip("wrk is not installed (apt-get install wrk; .ci/run does)")
    call_command("seed_bulk", requests=800, organizations=3, detectives=3, verbosity=0)
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "GUNICORN_WORKERS": "2"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--seconds",
            "1",
            "--transitions",
            "10",
            "--race-requests",
            "3",
            "--min-requests",
            "1500",
            "--port",
            "8791",
            "--out",
            str(tmp_path),
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["rows"] == 800
    pages = results["pages"]
    assert {"baseline", "signed-in floor", "advocate list", "case page", "statute search"} <= set(
        pages
    )
    for name, page in pages.items():
        assert page["requests"] > 0 and page["error_count"] == 0, (name, page)
        assert page["statuses"]["2xx"] == page["requests"], (name, page["statuses"])
    mixed = results["mixed"]
    assert mixed["error_count"] == 0 and mixed["transitions_applied"] > 0
    assert mixed["requests_now_in_crime_check"] >= mixed["transitions_applied"]
    race = results["race"]
    assert race["ok"] and race["requests"] == 3 and race["exactly_one_winner"] == 3
    assert race["refused"] == race["refused_with_conflict_message"] == 9
    memory = results["memory_mib"]
    assert memory["requests_total"] >= 1500 and len(memory["after_all"]) == 2
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
