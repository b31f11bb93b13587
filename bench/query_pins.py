"""The pinned query counts, checked on the benchmark's own database (any size).

    DATABASE_URL=postgres://... python -m bench.query_pins

``tests/cases/test_performance.py`` pins the queries of each list page (built, after a
change), of the case page in every state and of statute search, and checks them at 100 and at
2,000 bulk-seeded requests. This runs the same counting, with the same pins, against the
database ``DATABASE_URL`` names: the million-request database of docs/performance.md. It
prints each count beside its pin and exits 1 when one differs. It writes what a view writes
(access-log rows) and, if no request is in the crime check, starts one check.
"""

from __future__ import annotations

import argparse
import sys

from bench.run import production_env, setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    setup_django(production_env(argparse.Namespace(workers=0)))
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import CertificationRequest
    from tests.cases.test_performance import BULK_PAGES, DETAIL_QUERIES, bulk_users, detail_counts
    from tests.conftest import sign_in

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{CertificationRequest.objects.count():,} requests")
    found: list[tuple[str, int, int]] = []
    users = bulk_users()
    for persona, url, pinned in BULK_PAGES:
        sign_in(client, users[persona])
        client.get(url)  # warm process-wide caches, as in a running server
        cache.clear()  # count the queries that build the page
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            print(f"{persona} {url}: answered {response.status_code}")
            return 1
        found.append((f"{persona} {url} (built)", len(ctx.captured_queries), pinned))
    for (page, status), count in detail_counts(client).items():
        found.append((f"{page}, {status}", count, DETAIL_QUERIES[(page, status)]))
    failed = False
    for name, count, pinned in found:
        mark = "ok" if count == pinned else "DIFFERS"
        failed |= count != pinned
        print(f"{name:55} {count:3d} queries, pinned {pinned:3d}  {mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
