"""Load check of the public verification page (/verify/) against a signed-in page.

Two clients hammer /verify/ with a signed ~4.6 MB PDF while a third reads a signed-in page;
the signed-in page's p95 must stay within twice its idle p95 (docs/security.md, finding 5).

    DATABASE_URL=postgres://... python -m bench.verify_load [--seconds 20]

Gunicorn with the production settings on 127.0.0.1, as ``bench.run``. Three phases, each with
a fresh server: idle; two attackers with the production rate limit; two attackers with the
rate limit switched off (the child-process parsing and its single slot alone); and, for
reference, two clients flooding GET /healthz (what any request flood costs). Writes
var/bench/verify-load.json and exits 1 when a phase breaks the bound.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import multiprocessing
import os
import re
import resource
import statistics
import subprocess  # nosec B404
import sys
import time
from pathlib import Path
from typing import Any

from bench.run import HOST, PYTHON, ROOT, Server, production_env, setup_django

PAGE = "/accounts/sessions/"  # a signed-in page that reads the database
TARGET_BYTES = int(4.6 * 1024 * 1024)


def _text_pdf(pages: int) -> bytes:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, pageCompression=0)
    for page in range(pages):
        for row in range(60):
            pdf.drawString(40, 760 - row * 12, f"page {page} line {row} " + "verify load " * 8)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def big_signed_pdf() -> bytes:
    """A PDF of about 4.6 MB of uncompressed text, sealed with the agency's key."""
    from cases.documents.signing import sign_pdf

    probe = len(_text_pdf(20)) / 20
    data = _text_pdf(max(1, int(TARGET_BYTES / probe)))
    signed, _ = sign_pdf(data, reason="load check", location="bench")
    return signed


def one_get(port: int, path: str, cookie: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def _form(port: int) -> tuple[str, str]:
    """(csrf cookie, form token) of the verification page, or empty when refused."""
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    conn.request("GET", "/verify/")
    page = conn.getresponse()
    html = page.read().decode()
    conn.close()
    cookie = ""
    for name, value in page.getheaders():
        if name.lower() == "set-cookie" and value.startswith("csrftoken="):
            cookie = value.split(";", 1)[0]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return cookie, found.group(1) if found else ""


def attacker(port: int, pdf: bytes, until: float, counts: Any) -> None:
    """POST the file to /verify/ again and again, as fast as the server answers, with a
    valid CSRF token (fetched once; the body is built once, so the attacker's own CPU is
    spent on sending, as a remote client's would be)."""
    cookie, token = _form(port)
    boundary = "----uvisabench"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="form.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    while time.time() < until:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        try:
            conn.request("POST", "/verify/", body=body, headers=headers)
            status = conn.getresponse().status
        except (OSError, http.client.HTTPException):
            status = 0  # refused before the body was read: the server closed the connection
        conn.close()
        counts[str(status)] = counts.get(str(status), 0) + 1
    _record_cpu(counts)


def _record_cpu(counts: Any) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    counts["client_cpu_s"] = counts.get("client_cpu_s", 0) + usage.ru_utime + usage.ru_stime


def _server_cpu(pids: list[int]) -> float:
    """User and system CPU seconds of the gunicorn processes (and their parsing children)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def flooder(port: int, pdf: bytes, until: float, counts: Any) -> None:
    """Reference: GET /healthz back to back (any request flood, no upload, no parsing)."""
    while time.time() < until:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
        conn.close()
        counts[str(status)] = counts.get(str(status), 0) + 1
    _record_cpu(counts)


def measure(port: int, cookie: str, seconds: float) -> list[float]:
    until = time.monotonic() + seconds
    samples = []
    while time.monotonic() < until:
        samples.append(one_get(port, PAGE, cookie))
        time.sleep(0.02)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def phase(
    name: str,
    env: dict[str, str],
    port: int,
    cookie: str,
    pdf: bytes | None,
    seconds: float,
    client: Any = attacker,
) -> dict[str, Any]:
    log = ROOT / "var" / "bench" / "verify-load-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = Server(port, env, log)
    try:
        for _ in range(20):  # warm every worker
            one_get(port, PAGE, cookie)
        manager = multiprocessing.Manager()
        counts = manager.dict()
        attackers = []
        if pdf is not None:
            until = time.time() + seconds + 2
            attackers = [
                multiprocessing.Process(target=client, args=(port, pdf, until, counts))
                for _ in range(2)
            ]
            for proc in attackers:
                proc.start()
            time.sleep(2)  # the attack is under way before the measurement starts
        pids = [server.proc.pid, *server.workers()]
        cpu_before = _server_cpu(pids)
        samples = measure(port, cookie, seconds)
        server_cpu = _server_cpu(pids) - cpu_before
        for proc in attackers:
            proc.join(timeout=180)
        client_cpu = counts.pop("client_cpu_s", 0.0)
        result = {
            "phase": name,
            "requests": len(samples),
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(p95(samples), 1),
            "verify_answers": dict(counts),
            # CPU seconds over the measured window: the server's (workers, with the parsing
            # children they waited for) and the attackers' own (whole attack, 2 s longer).
            "server_cpu_s": round(server_cpu, 1),
            "attackers_cpu_s": round(client_cpu, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        manager.shutdown()
        return result
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8711)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (as for bench.run).")
    env = production_env(args)
    setup_django(env)
    subprocess.run(  # noqa: S603 # nosec B603
        [PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(  # noqa: S603 # nosec B603
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from bench.sessions import session_cookie

    if not Path(settings.UVISA_SIGNING_P12).exists():
        subprocess.run(  # noqa: S603 # nosec B603
            [PYTHON, "manage.py", "make_signing_key"], cwd=ROOT, env=env, check=True
        )
    user, _ = get_user_model().objects.get_or_create(username="bench-verify-reader")
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}"
    pdf = big_signed_pdf()
    print(f"file: {len(pdf) / 1024 / 1024:.2f} MB, signed", flush=True)

    open_env = {**env, "UVISA_VERIFY_PER_MINUTE": "1000000"}
    phases = [
        phase("idle", env, args.port, cookie, None, args.seconds),
        phase("two attackers, rate limit on", env, args.port, cookie, pdf, args.seconds),
        phase("two attackers, rate limit off", open_env, args.port, cookie, pdf, args.seconds),
        phase(
            "reference: two clients flooding GET /healthz",
            env,
            args.port,
            cookie,
            pdf,
            args.seconds,
            flooder,
        ),
    ]
    idle = phases[0]["p95_ms"]
    for row in phases:
        row["p95_vs_idle"] = round(row["p95_ms"] / idle, 2)
        print(json.dumps(row), flush=True)
    out = ROOT / "var" / "bench" / "verify-load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    cpus = os.cpu_count()
    out.write_text(json.dumps({"cpus": cpus, "file_bytes": len(pdf), "phases": phases}, indent=2))
    worst = max(row["p95_vs_idle"] for row in phases[1:3])
    print(f"worst p95 under attack: {worst}x idle (bound 2x); {out}")
    sys.exit(0 if worst <= 2 else 1)


if __name__ == "__main__":
    main()
