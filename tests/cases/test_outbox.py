"""The outbox: a step writes its notice and never waits for the mail server; the worker sends
it over real SMTP sockets (refused, silent, answering), retries with exponential back-off,
never twice, and leaves what it could not send to the coordinator, who may send it again."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import CaseEvent, OutboundMail, Status
from cases.notifications import _claim, deliver_due, retry_delay
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

State = OutboundMail.State


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to take a message: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.received.append(data)  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp(settings) -> Iterator[dict]:
    """Real SMTP over a local socket: a port that refuses, one that never answers, one that takes
    mail. ``use(kind)`` points Django's SMTP backend at it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.UVISA_OUTBOX_SMTP_TIMEOUT = 1
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: connection refused
    silent = socket.socket()  # listens, never greets: the client times out
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ports = {
        "down": refused_port,
        "slow": silent.getsockname()[1],
        "up": server.server_address[1],
    }

    def use(kind: str) -> None:
        settings.EMAIL_PORT = ports[kind]

    def knocks() -> int:
        """Connections the silent server has been offered so far (taken off its queue)."""
        silent.setblocking(False)
        count = 0
        while True:
            try:
                conn, _ = silent.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    yield {"use": use, "received": server.received, "knocks": knocks}
    server.shutdown()
    server.server_close()
    silent.close()


def _submitted(make_request, people):
    r = make_request(Status.DRAFT)
    return services.request_submit(request=r, actor=people["advocate"])


def test_mail_server_down_then_back_sent_once_with_backoff(make_request, people, smtp):
    smtp["use"]("down")
    r = _submitted(make_request, people)
    notice = OutboundMail.objects.get(request=r)
    now = timezone.now()
    assert deliver_due(now=now) == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0, "stuck": 0}
    notice.refresh_from_db()
    assert notice.state == State.PENDING and notice.attempts == 1
    assert "ConnectionRefusedError" in notice.last_error
    assert notice.next_attempt_at >= now + timedelta(seconds=60)
    # Not due before the back-off: a second pass sends nothing.
    assert deliver_due(now=now + timedelta(seconds=30))["retry"] == 0
    deliver_due(now=now + timedelta(seconds=61))
    notice.refresh_from_db()
    assert notice.attempts == 2
    assert notice.next_attempt_at >= now + timedelta(seconds=61 + 120)  # doubled
    smtp["use"]("up")
    later = now + timedelta(seconds=61 + 121)
    assert deliver_due(now=later)["sent"] == 1
    notice.refresh_from_db()
    assert notice.state == State.SENT and notice.attempts == 3 and notice.last_error == ""
    assert len(smtp["received"]) == 1
    sent = smtp["received"][0].decode()
    assert r.reference in sent and f"Message-ID: <notice-{notice.pk}@" in sent
    # Back again: nothing is sent twice.
    assert deliver_due(now=later + timedelta(days=1))["sent"] == 0
    assert len(smtp["received"]) == 1


def test_mail_server_slow_the_worker_times_out_not_the_step(make_request, people, smtp):
    smtp["use"]("slow")
    r = _submitted(make_request, people)
    assert smtp["knocks"]() == 0  # the step never opened a connection to the mail server
    started = time.monotonic()
    counts = deliver_due()
    waited = time.monotonic() - started
    assert counts["retry"] == 1 and 0.9 <= waited < 10  # UVISA_OUTBOX_SMTP_TIMEOUT = 1 s
    assert smtp["knocks"]() == 1  # the worker's one try
    notice = OutboundMail.objects.get(request=r)
    assert notice.state == State.PENDING and "timed out" in notice.last_error
    smtp["use"]("up")
    deliver_due(now=timezone.now() + timedelta(minutes=2))
    notice.refresh_from_db()
    assert notice.state == State.SENT and notice.attempts == 2 and len(smtp["received"]) == 1


def test_back_off_doubles_up_to_the_cap(settings):
    settings.UVISA_OUTBOX_RETRY_SECONDS = 60
    settings.UVISA_OUTBOX_MAX_DELAY = 3600
    delays = [retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_row_is_claimed_by_one_worker_only(make_request, people):
    r = _submitted(make_request, people)
    notice = OutboundMail.objects.get(request=r)
    now = timezone.now()
    assert _claim(notice.pk, now) is True
    assert _claim(notice.pk, now) is False  # the second worker loses: no second send
    assert deliver_due(now=now)["sent"] == 0 and mail.outbox == []


def test_a_worker_killed_mid_send_leaves_the_notice_to_the_coordinator(
    make_request, people, settings
):
    """A row left "being sent" may have gone out: never re-sent on its own."""
    r = _submitted(make_request, people)
    notice = OutboundMail.objects.get(request=r)
    then = timezone.now()
    assert _claim(notice.pk, then)  # ... and the worker dies here
    counts = deliver_due(now=then + timedelta(seconds=settings.UVISA_OUTBOX_LEASE_SECONDS + 1))
    assert counts["stuck"] == 1 and counts["sent"] == 0 and mail.outbox == []
    notice.refresh_from_db()
    assert notice.state == State.FAILED and "may or may not" in notice.last_error


def test_after_the_last_try_the_coordinator_sees_it_and_resends_once(
    client, make_request, people, smtp, settings
):
    settings.UVISA_OUTBOX_MAX_ATTEMPTS = 2
    smtp["use"]("down")
    r = _submitted(make_request, people)
    now = timezone.now()
    deliver_due(now=now)
    assert deliver_due(now=now + timedelta(hours=1))["failed"] == 1
    notice = OutboundMail.objects.get(request=r)
    assert notice.state == State.FAILED and notice.attempts == 2

    sign_in(client, people["coordinator"])
    page = client.get(reverse("notice_list")).content.decode()
    assert f'href="{reverse("notice_list")}"' in page  # in the coordinator's navigation
    assert notice.subject in page and "Not sent" in page and "ConnectionRefusedError" in page
    response = client.post(reverse("notice_resend", args=[notice.pk]))
    assert response.status_code == 302
    resent = CaseEvent.objects.get(request=r, kind=CaseEvent.Kind.MAIL_RESENT)
    assert resent.actor == people["coordinator"] and resent.internal
    assert resent.data["mail"] == notice.pk and resent.data["attempts"] == 2
    assert not OutboundMail.objects.filter(event=resent).exists()  # the resend mails nobody

    smtp["use"]("up")
    assert deliver_due()["sent"] == 1 and len(smtp["received"]) == 1
    notice.refresh_from_db()
    assert notice.state == State.SENT and notice.attempts == 3
    # A sent notice is not sent again by a second click: a message, nothing queued.
    client.post(reverse("notice_resend", args=[notice.pk]))
    assert deliver_due()["sent"] == 0 and len(smtp["received"]) == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MAIL_RESENT).count() == 1
    assert "Every notice has been sent" in client.get(reverse("notice_list")).content.decode()


@pytest.mark.parametrize("persona", ["advocate", "detective", "chief", "auditor", "superuser"])
def test_only_the_coordinator_sees_and_resends_notices(client, make_request, people, persona):
    r = _submitted(make_request, people)
    notice = OutboundMail.objects.get(request=r)
    OutboundMail.objects.filter(pk=notice.pk).update(state=State.FAILED)
    sign_in(client, people[persona])
    assert client.get(reverse("notice_list")).status_code == 403
    assert client.post(reverse("notice_resend", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.state == State.FAILED
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.MAIL_RESENT).exists()


def test_send_outbox_once(make_request, people):
    _submitted(make_request, people)
    out = __import__("io").StringIO()
    call_command("send_outbox", "--once", stdout=out)
    assert "1 sent" in out.getvalue() and len(mail.outbox) == 1
