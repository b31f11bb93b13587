"""Where one page's time goes: Python vs database, one request at a time, no server.

    DATABASE_URL=postgres://... python -m bench.profile [--repeat 200] [--page "advocate list"]
        [--cprofile N]

Runs every page of the benchmark's plan (``bench.run.plan``) through Django's test client
with the production settings, one request after another, and prints for each page the
mean milliseconds per request, the part spent waiting on the database, and the number of
queries. ``--cprofile N`` prints the N costliest functions of the page named by ``--page``.
This measures CPU per request, which is what limits requests per second on 2 cores.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from typing import Any

from bench.run import ROOT, plan, production_env, setup_django


class QueryTimer:
    """A database execute wrapper that counts queries and the time spent in them."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--page", default="")
    parser.add_argument("--cprofile", type=int, default=0)
    parser.add_argument("--race-requests", type=int, default=0)
    parser.add_argument("--transitions", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    env = production_env(args)
    setup_django(env)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)
    data = plan(args)
    pages = {k: v for k, v in data["pages"].items() if k != "transition"}
    if args.page:
        pages = {args.page: pages[args.page]}
    print(f"{data['rows']:,} requests; {args.repeat} views per page\n")
    print(f"{'page':30} {'ms/view':>8} {'db ms':>7} {'python ms':>9} {'queries':>7}")
    for name, lines in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        timer = QueryTimer()

        def view(
            i: int, lines: list[tuple[str, ...]] = lines, client: Client = client, name: str = name
        ) -> None:
            _, path, cookie, _ = lines[i % len(lines)]
            for part in filter(None, cookie.split("; ")):
                key, value = part.split("=", 1)
                client.cookies[key] = value
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {path} answered {response.status_code}")

        for i in range(min(20, args.repeat)):  # warm caches and connections
            view(i)
        profiler = cProfile.Profile() if args.cprofile else None
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            for i in range(args.repeat):
                view(i)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - started
        ms = elapsed * 1000 / args.repeat
        db = timer.seconds * 1000 / args.repeat
        print(f"{name:30} {ms:8.2f} {db:7.2f} {ms - db:9.2f} {timer.count / args.repeat:7.1f}")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
