"""The outbox worker as production runs it: a long-running `send_outbox` process. It sends a
notice and stops cleanly on SIGTERM; killed (SIGKILL) in the middle of a send, its notice is
never sent again on its own and turns "Not sent" for the coordinator."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cases import services
from cases.models import OutboundMail, Status
from cases.notifications import deliver_due
from tests.faults import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
State = OutboundMail.State


def worker(**env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_outbox", "--interval", "0.2"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(), "DJANGO_DB_PREPARED": "0", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_the_worker_sends_and_stops_on_sigterm(make_request, people):
    r = services.request_submit(request=make_request(Status.DRAFT), actor=people["advocate"])
    notice = OutboundMail.objects.get(request=r)
    process = worker(DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    try:
        wait_for(lambda: OutboundMail.objects.get(pk=notice.pk).state == State.SENT)
    finally:
        process.send_signal(signal.SIGTERM)
        out, _err = process.communicate(timeout=60)
    assert process.returncode == 0  # a clean stop
    assert out.decode().count(f"Subject: {notice.subject}") == 1


def test_a_worker_killed_mid_send_never_sends_twice(make_request, people, settings):
    silent = socket.socket()  # a mail server that accepts and never greets
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    r = services.request_submit(request=make_request(Status.DRAFT), actor=people["advocate"])
    notice = OutboundMail.objects.get(request=r)
    process = worker(
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(silent.getsockname()[1]),
        UVISA_OUTBOX_SMTP_TIMEOUT="120",
    )
    try:
        wait_for(lambda: OutboundMail.objects.get(pk=notice.pk).state == State.SENDING)
    finally:
        process.kill()
        process.wait(timeout=30)
        silent.close()
    notice.refresh_from_db()
    assert notice.state == State.SENDING and notice.attempts == 1
    # A second worker does not touch it within the lease, and after it hands it to people.
    assert deliver_due()["sent"] == 0
    later = timezone.now() + timedelta(seconds=settings.UVISA_OUTBOX_LEASE_SECONDS + 1)
    assert deliver_due(now=later) == {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "stuck": 1}
    notice.refresh_from_db()
    assert notice.state == State.FAILED and notice.attempts == 1


def test_two_workers_at_the_same_moment_send_each_notice_once(make_request, people):
    """Two worker passes race over the same due rows (threads, own connections): each notice
    goes out exactly once (PostgreSQL: SKIP LOCKED and the conditional UPDATE; SQLite: the
    conditional UPDATE alone)."""
    from django.core import mail
    from django.db import connections

    for _ in range(6):
        services.request_submit(request=make_request(Status.DRAFT), actor=people["advocate"])
    start = threading.Barrier(2)
    counts: list[dict[str, int]] = []

    def one_pass() -> None:
        try:
            start.wait(timeout=30)
            counts.append(deliver_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(counts) == 2
    assert sum(c["sent"] for c in counts) == 6 == len(mail.outbox)
    assert sorted(m.subject for m in mail.outbox) == sorted(
        OutboundMail.objects.values_list("subject", flat=True)
    )
    assert set(OutboundMail.objects.values_list("attempts", flat=True)) == {1}
