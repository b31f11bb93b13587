"""The load benchmark: real pages under gunicorn on PostgreSQL against a bare Django view.

    DATABASE_URL=postgres://... python -m bench.run [--seconds 10] [--connections 16]

Needs data (``manage.py seed_bulk``), wrk (``apt-get install wrk``) and pdftoppm
(poppler-utils). It

1. starts gunicorn (gunicorn.conf.py) with the production settings plus one bare view
   (``bench.settings``: DEBUG off, a throwaway secret key, persistent connections);
2. signs in as each role (bench/sessions.py) and picks pages: the advocate's list, the
   coordinator's and the Chief's queues, the detective's assignments, home pages, case
   pages, the annual report, statute search, and one transition per cycle (a real POST
   with its CSRF token);
3. drives each page with wrk from a separate process on 127.0.0.1 (``--connections``
   connections), then a mixed load with every page and one transition per cycle, and the
   bare view as the baseline; prints requests/s, p50/p95/p99 and the ratio to the baseline;
4. measures the workers' memory after start, after 1,000 requests and after 20,000 or more;
5. starts a second gunicorn on the next port and races conflicting transitions on the same
   requests through both: exactly one wins, every other attempt gets a conflict message;
6. writes ``results.json`` and ``chart.png`` to ``--out`` (default var/bench/).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"
STATUTE_QUERIES = ["assault", "rape", "kidnapping", "265 13", "threat", "trafficking"]


# --- environment and Django ---


def production_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "UVISA_AUDIT_KEY": env.get("UVISA_AUDIT_KEY")
            or base64.b64encode(secrets.token_bytes(32)).decode(),
            "DJANGO_EMAIL_USE_TLS": "1",  # production refuses plain SMTP; no mail is sent
            # Plain HTTP on 127.0.0.1: no TLS proxy in front, so no redirect to https.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESSLOG": "",  # no access log: the disk is not what is measured
            "GUNICORN_LOGLEVEL": "warning",
        }
    )
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- gunicorn ---


class Server:
    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        self.log = log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"{HOST}:{port}"]
            + ["uvisa.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(port, "/healthz")[0] == 200 and len(self.workers()) > 0:
                    time.sleep(1)  # let every worker finish booting
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn on port {port} did not answer /healthz; see {log}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def rss_mib(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            kib = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(round(kib / 1024, 1))
        return sorted(sizes)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    return call(port, "GET", path, cookie)


def call(
    port: int, method: str, path: str, cookie: str = "", body: str = ""
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    conn.close()
    return response.status, {"location": response.getheader("Location", ""), **cookies}, text


# --- the pages ---


def plan(args: argparse.Namespace) -> dict[str, Any]:
    """Sessions, and the request lines (method, path, cookie, body) of every page."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from bench.sessions import session_cookie
    from cases.models import CertificationRequest, Status

    users = get_user_model().objects
    names = {
        "advocate": "bulk-advocate-001-1",
        "coordinator": "bulk-coordinator",
        "chief": "bulk-chief",
        "auditor": "bulk-auditor",
    }
    busiest = (
        CertificationRequest.objects.filter(status=Status.HELPFULNESS_REVIEW)
        .values_list("assigned_detective__username", flat=True)
        .first()
    )
    names["detective"] = busiest or "bulk-detective-001"
    csrf = _get_new_csrf_string()
    cookie = {}
    for role, username in names.items():
        user = users.get(username=username)
        cookie[role] = (
            f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}"
        )
    # A second coordinator session, for the race through the second server.
    coordinator = users.get(username=names["coordinator"])
    cookie["coordinator2"] = (
        f"{settings.SESSION_COOKIE_NAME}={session_cookie(coordinator)}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}"
    )

    rng = random.Random(11)  # noqa: S311 (a sample of pages, not a secret)
    total = CertificationRequest.objects.count()
    pk_max = CertificationRequest.objects.order_by("-pk").values_list("pk", flat=True).first()
    pk_min = CertificationRequest.objects.order_by("pk").values_list("pk", flat=True).first()
    sample_ids = [rng.randint(pk_min, pk_max) for _ in range(3000)]
    case_refs = list(
        CertificationRequest.objects.filter(pk__in=sample_ids).values_list("reference", flat=True)
    )[:1000]
    check_refs = list(
        CertificationRequest.objects.filter(status=Status.CRIME_CHECK)
        .order_by("-pk")
        .values_list("reference", flat=True)[:200]
    )
    received = list(
        CertificationRequest.objects.filter(status=Status.RECEIVED)
        .order_by("-pk")
        .values_list("reference", flat=True)[: args.race_requests + args.transitions]
    )
    race_refs, transition_refs = received[: args.race_requests], received[args.race_requests :]
    year = timezone.localdate().year

    def line(role: str, path: str, method: str = "GET", body: str = "") -> tuple[str, ...]:
        return (method, path, cookie[role], body)

    pages: dict[str, list[tuple[str, ...]]] = {
        "baseline": [("GET", "/bench/baseline", "", "")],
        "signed-in floor": [line("coordinator", "/bench/signed-in")],
        "advocate list": [line("advocate", "/requests/")],
        "advocate home": [line("advocate", "/")],
        "coordinator queue": [line("coordinator", "/queues/intake/")],
        "coordinator home": [line("coordinator", "/")],
        "all requests (coordinator)": [line("coordinator", "/requests/")],
        "Chief queue": [line("chief", "/queues/decisions/")],
        "Chief home": [line("chief", "/")],
        "detective queue": [line("detective", "/queues/assignments/")],
        "case page": [line("coordinator", f"/requests/{ref}/") for ref in case_refs],
        "case page floor": [line("coordinator", f"/bench/case-floor/{ref}") for ref in case_refs],
        "annual report": [line("auditor", f"/reports/annual/{year}/")],
        "statute search": [
            line("coordinator", f"/requests/{ref}/crime-check/?q={q.replace(' ', '+')}")
            for ref in check_refs
            for q in STATUTE_QUERIES
        ],
        "transition": [
            line(
                "coordinator",
                f"/requests/{ref}/step/begin_crime_check/",
                "POST",
                f"csrfmiddlewaretoken={csrf}",
            )
            for ref in transition_refs
        ],
    }
    return {
        "pages": pages,
        "cookie": cookie,
        "csrf": csrf,
        "race_refs": race_refs,
        "transition_refs": transition_refs,
        "users": names,
        "rows": total,
    }


def write_lines(lines: list[tuple[str, ...]], directory: Path, name: str) -> Path:
    path = directory / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.tsv"
    path.write_text("".join("\t".join(parts) + "\n" for parts in lines))
    return path


def wrk(
    port: int, lines_file: Path, *, seconds: float, connections: int, threads: int, order: str
) -> dict[str, Any]:
    env = {
        **os.environ,
        "BENCH_LINES": str(lines_file),
        "BENCH_ORDER": order,
        "BENCH_THREADS": str(threads),
    }
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            f"http://{HOST}:{port}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"^BENCH_JSON (.*)$", out.stdout, re.MULTILINE)
    if out.returncode or not found:
        raise SystemExit(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    result = json.loads(found.group(1))
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    return result


def warm_up(port: int, lines: list[tuple[str, ...]], count: int) -> None:
    """``count`` requests, one at a time (page views only)."""
    for i in range(count):
        method, path, cookie, body = lines[i % len(lines)]
        status, _, _ = call(port, method, path, cookie, body)
        if status >= 400:
            raise SystemExit(f"{path} answered {status} during warm-up")


# --- the race: two servers, conflicting transitions on the same requests ---

# A step that went through says so: "Certify: done. MPD-UV-2026-0038 is certified; ..."
DONE = ": done. "

CONFLICT = re.compile(
    r"changed by someone else|is not possible while|no longer available", re.IGNORECASE
)


def race(ports: tuple[int, int], data: dict[str, Any]) -> dict[str, Any]:
    from cases.models import CaseEvent, CertificationRequest

    csrf = data["csrf"]
    # The same step from two sessions through each server at once: one may win.
    attempts_spec = [
        (ports[0], "coordinator", "begin_crime_check", ""),
        (ports[1], "coordinator2", "begin_crime_check", ""),
        (ports[0], "coordinator2", "begin_crime_check", ""),
        (ports[1], "coordinator", "begin_crime_check", ""),
    ]
    outcomes: list[dict[str, Any]] = []
    for ref in data["race_refs"]:
        barrier = threading.Barrier(len(attempts_spec))
        results: list[dict[str, Any]] = [{} for _ in attempts_spec]

        def attempt(
            i: int,
            spec: tuple[int, str, str, str],
            ref: str = ref,
            barrier: threading.Barrier = barrier,
            results: list[dict[str, Any]] = results,
        ) -> None:
            port, role, step, extra = spec
            cookie = data["cookie"][role]
            barrier.wait(timeout=30)
            status, got, _ = call(
                port,
                "POST",
                f"/requests/{ref}/step/{step}/",
                cookie,
                f"csrfmiddlewaretoken={csrf}{extra}",
            )
            message = ""
            if status == 302 and "messages" in got:
                # The page the user lands on, with the message of this attempt.
                page_status, _, html = get(
                    port, got["location"], f"{cookie}; messages={got['messages']}"
                )
                found = re.search(r'usa-alert__text">\s*(.*?)\s*<', html, re.DOTALL)
                message = found.group(1) if found else ""
                if not found and DONE in html:
                    message = DONE
            results[i] = {"port": port, "step": step, "status": status, "message": message}

        threads = [
            threading.Thread(target=attempt, args=(i, spec)) for i, spec in enumerate(attempts_spec)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        request = CertificationRequest.objects.get(reference=ref)
        events = list(
            CaseEvent.objects.filter(request=request, kind="transition")
            .exclude(transition="submit")
            .values_list("transition", "to_state")
        )
        outcomes.append(
            {"reference": ref, "status": request.status, "events": events, "attempts": results}
        )
    won = [sum(1 for a in o["attempts"] if DONE in a["message"]) for o in outcomes]
    refused = [a for o in outcomes for a in o["attempts"] if DONE not in a["message"]]
    clear = [a for a in refused if CONFLICT.search(a["message"])]
    consistent = [o for o in outcomes if len(o["events"]) == 1 and o["events"][0][1] == o["status"]]
    return {
        "requests": len(outcomes),
        "attempts": len(outcomes) * len(attempts_spec),
        "exactly_one_winner": sum(1 for n in won if n == 1),
        "refused": len(refused),
        "refused_with_conflict_message": len(clear),
        "state_matches_single_event": len(consistent),
        "example_messages": sorted({a["message"] for a in refused})[:5],
        "unclear": [a for a in refused if not CONFLICT.search(a["message"])][:5],
        "ok": len(consistent) == len(outcomes)
        and all(n == 1 for n in won)
        and len(clear) == len(refused),
    }


# --- output ---


def chart(results: dict[str, Any], png: Path) -> None:
    """Requests/s and p95 per page (reportlab drawing -> PDF -> PNG with pdftoppm)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    pages = [(name, r) for name, r in results["pages"].items()]
    height = 60 + 22 * len(pages)
    drawing = Drawing(760, 2 * height + 40)
    for index, (title, key, fmt) in enumerate(
        [
            ("Requests per second (higher is better)", "rps", "%.0f"),
            ("p95 latency in ms (lower is better)", "p95_ms", "%.0f"),
        ]
    ):
        top = 2 * height + 40 - index * (height + 20)
        drawing.add(String(10, top - 18, title, fontName="Helvetica-Bold", fontSize=12))
        bars = HorizontalBarChart()
        bars.x, bars.y = 200, top - height + 10
        bars.width, bars.height = 500, height - 40
        bars.data = [[r[key] for _, r in pages][::-1]]
        bars.categoryAxis.categoryNames = [name for name, _ in pages][::-1]
        bars.categoryAxis.labels.fontSize = 8
        bars.valueAxis.valueMin = 0
        bars.valueAxis.labels.fontSize = 8
        bars.bars[0].fillColor = colors.HexColor("#005ea2")
        bars.barLabelFormat = fmt
        bars.barLabels.fontSize = 7
        bars.barLabels.boxAnchor = "w"
        bars.barLabels.dx = 3
        drawing.add(bars)
    drawing.add(
        String(
            10,
            4,
            f"{results['rows']:,} requests in PostgreSQL; {results['connections']} connections; "
            f"{results['machine']['cpus']} CPUs; {results['started']}",
            fontSize=8,
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "chart.pdf"
        renderPDF.drawToFile(drawing, str(pdf))
        subprocess.run(  # noqa: S603
            [
                shutil.which("pdftoppm") or "pdftoppm",
                "-png",
                "-r",
                "110",
                "-singlefile",
                str(pdf),
                str(png.with_suffix("")),
            ],
            check=True,
        )


def print_table(results: dict[str, Any]) -> None:
    base = results["pages"]["baseline"]["rps"]
    print(
        f"\n{'page':30} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'x base':>7} errors"
    )
    for name, r in results["pages"].items():
        print(
            f"{name:30} {r['rps']:8.1f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} "
            f"{r['rps'] / base:7.3f} {r['error_count']}"
        )
    mem = results["memory_mib"]
    print(
        f"\nworker RSS MiB: start {mem['start']}, after 1,000 {mem['after_1000']}, "
        f"after {mem['requests_total']:,} {mem['after_all']} (growth {mem['growth_pct']}%)"
    )
    print(f"race: {json.dumps(results.get('race', {}), ensure_ascii=False)[:600]}")


def summarize(raw: dict[str, Any], *, get_only: bool) -> dict[str, Any]:
    lat = raw["latency_us"]
    bad = sum(raw["errors"].values())
    if get_only:
        bad += sum(n for code, n in raw["statuses"].items() if code != "2xx")
    return {
        "rps": raw["rps"],
        "requests": raw["requests"],
        "seconds": raw["seconds"],
        "p50_ms": lat["p50"] / 1000,
        "p90_ms": lat["p90"] / 1000,
        "p95_ms": lat["p95"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "max_ms": lat["max"] / 1000,
        "statuses": raw["statuses"],
        "errors": raw["errors"],
        "error_count": bad,
    }


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: conf)")
    parser.add_argument("--transitions", type=int, default=4000)
    parser.add_argument("--race-requests", type=int, default=30)
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--min-requests", type=int, default=20_000, help="before memory")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk).")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database to benchmark.")
    args.out.mkdir(parents=True, exist_ok=True)
    env = production_env(args)
    setup_django(env)
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    data = plan(args)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    results: dict[str, Any] = {
        "started": started,
        "rows": data["rows"],
        "connections": args.connections,
        "wrk_threads": args.threads,
        "seconds_per_page": args.seconds,
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": next(
                (
                    line.split(":", 1)[1].strip()
                    for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")
                ),
                platform.processor(),
            ),
            "memory_gib": round(
                int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
                / 1024**2,
                1,
            ),
            "python": platform.python_version(),
            "load_before": loadavg(),
        },
        "users": data["users"],
        "pages": {},
    }
    log = args.out / "gunicorn.log"
    server = Server(args.port, env, log)
    try:
        results["workers"] = len(server.workers())
        memory = {"start": server.rss_mib()}
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            gets = [
                ln for name, ls in data["pages"].items() if name != "transition" for ln in ls[:50]
            ]
            random.Random(3).shuffle(gets)  # noqa: S311
            # Cold annual report: the first view after a change builds it (then cached).
            t0 = time.monotonic()
            get(args.port, data["pages"]["annual report"][0][1], data["cookie"]["auditor"])
            results["annual_report_first_view_ms"] = round((time.monotonic() - t0) * 1000, 1)
            # The first 1,000 requests: every page in turn, so every worker has seen each.
            by_page = [ls for name, ls in data["pages"].items() if name != "transition"]
            warm_up(args.port, [ls[i % len(ls)] for i in range(84) for ls in by_page], 1000)
            memory["after_1000"] = server.rss_mib()
            served = 1000 + 1
            chosen = {p.strip() for p in args.pages.split(",") if p.strip()}
            for name, lines in data["pages"].items():
                if name == "transition" or (chosen and name not in chosen):
                    continue
                path = write_lines(lines, directory, name)
                wrk(args.port, path, seconds=1, connections=args.connections,
                    threads=args.threads, order="random")  # fmt: skip
                raw = wrk(args.port, path, seconds=args.seconds, connections=args.connections,
                          threads=args.threads, order="random")  # fmt: skip
                served += raw["requests"]
                results["pages"][name] = summarize(raw, get_only=True)
                print(f"{name}: {raw['rps']} req/s, p95 {raw['latency_us']['p95'] / 1000} ms",
                      flush=True)  # fmt: skip
            # One transition per request cycle: every page once, then one POST.
            from cases.models import CaseEvent, CertificationRequest, Status

            refs = data["transition_refs"]
            before = CaseEvent.objects.filter(
                request__reference__in=refs, transition="begin_crime_check"
            ).count()
            posts = data["pages"]["transition"]
            cycle = [
                n
                for n in data["pages"]
                if n not in ("transition", "baseline", "signed-in floor", "case page floor")
            ]
            mixed = []
            for i, post in enumerate(posts):
                for name in cycle:
                    options = data["pages"][name]
                    mixed.append(options[i % len(options)])
                mixed.append(post)
            path = write_lines(mixed, directory, "mixed")
            raw = wrk(args.port, path, seconds=args.seconds * 2, connections=args.connections,
                      threads=args.threads, order="split")  # fmt: skip
            served += raw["requests"]
            results["mixed"] = summarize(raw, get_only=False)
            results["mixed"]["cycle"] = [*cycle, "transition"]
            moved = (
                CaseEvent.objects.filter(
                    request__reference__in=refs, transition="begin_crime_check"
                ).count()
                - before
            )
            in_check = CertificationRequest.objects.filter(
                reference__in=refs, status=Status.CRIME_CHECK
            ).count()
            results["mixed"]["transitions_applied"] = moved
            results["mixed"]["transition_posts"] = raw["statuses"].get("3xx", 0)
            results["mixed"]["requests_now_in_crime_check"] = in_check
            # Top up to at least 20,000 requests before the second memory reading.
            path = write_lines(gets, directory, "gets")
            while served < args.min_requests:
                raw = wrk(args.port, path, seconds=5, connections=args.connections,
                          threads=args.threads, order="random")  # fmt: skip
                served += raw["requests"]
            memory["after_all"] = server.rss_mib()
            memory["requests_total"] = served
            memory["growth_pct"] = round(
                100 * (sum(memory["after_all"]) / sum(memory["after_1000"]) - 1), 1
            )
            results["memory_mib"] = memory
            # Two servers, one database.
            second = Server(args.port + 1, env, log)
            try:
                results["race"] = race((args.port, args.port + 1), data)
            finally:
                second.stop()
    finally:
        server.stop()
    base = results["pages"]["baseline"]["rps"]
    for r in results["pages"].values():
        r["ratio_to_baseline"] = round(r["rps"] / base, 3)
    results["machine"]["load_after"] = loadavg()
    (args.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    chart(results, args.out / "chart.png")
    print_table(results)
    print(f"\nwrote {args.out / 'results.json'} and {args.out / 'chart.png'}")


if __name__ == "__main__":
    main()
