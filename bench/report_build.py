"""How long the c. 258F s. 4 annual report takes to build, in one process, cold then warm.

    DATABASE_URL=postgres://... python -m bench.report_build [--year 2026] [--runs 4]
        [--cprofile N]

Builds the report ``--runs`` times (``cases.reporting.annual.build_annual_report``, the exact
build the report page caches) and prints the seconds of each build, its main figures and
the load average, so runs on a shared machine can be compared. Only reads the database.
``--cprofile N`` profiles one more build and prints its N costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--cprofile", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from cases.reporting import annual

    now = timezone.now()
    year = args.year or timezone.localdate(now).year
    print(f"year {year}, load average {load()}")
    for run in range(args.runs):
        started = time.perf_counter()
        report = annual.build_annual_report(year, now=now)
        seconds = time.perf_counter() - started
        print(
            f"build {run + 1}: {seconds:.2f} s (requested {report.requested}, signed "
            f"{report.signed}, denied {report.denied}, pending {report.pending})",
            flush=True,
        )
    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        annual.build_annual_report(year, now=now)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.cprofile)
    print(f"load average {load()}")


if __name__ == "__main__":
    main()
