"""PostgreSQL restarted under a mixed load (reads, uploads, questions), the app left running.

Needs the test database on PostgreSQL and a command that restarts its cluster, in
UVISA_TEST_PG_RESTART (.ci/run sets it for its private cluster); skipped otherwise.
What is checked: while the database is away every request gets a clear answer (the 503 page
that says nothing was saved, never a 500); every write the user was told succeeded is in the
database and no refused one is; the same server answers again once the database is back
(CONN_HEALTH_CHECKS: a dead persistent connection is replaced, no restart of the app). The
load runs through Django's test client in threads of this process, which skips the
request_started signal; each request therefore starts with close_old_connections(), as the
WSGI handler of gunicorn does.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from cases.audit import verify_chain
from cases.models import CaseEvent, Document, Status
from tests.conftest import sign_in

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.serial,  # the other test processes share the cluster it restarts
    pytest.mark.django_db(transaction=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def restart_database() -> Callable[[], float]:
    if connection.vendor != "postgresql":
        pytest.skip("needs the test database on PostgreSQL")
    command = os.environ.get("UVISA_TEST_PG_RESTART", "")
    if not command:
        pytest.skip("UVISA_TEST_PG_RESTART (a command restarting the test cluster) is not set")

    def restart() -> float:
        started = time.monotonic()
        subprocess.run(shlex.split(command), check=True, timeout=120, capture_output=True)
        return time.monotonic() - started

    return restart


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    sign_in(client, user)
    return client


def test_postgresql_restarted_under_mixed_load(make_request, people, restart_database):
    uploads_to = make_request(Status.CRIME_CHECK)
    questions_on = make_request(Status.HELPFULNESS_REVIEW)
    clients = {
        "read": _signed_in(people["coordinator"]),
        "upload": _signed_in(people["advocate"]),
        "question": _signed_in(people["detective"]),
    }
    outcomes: list[tuple[str, str, int, float]] = []  # (kind, what, status, when)
    stop = threading.Event()

    def load(kind: str) -> None:
        client, n = clients[kind], 0
        try:
            while not stop.is_set():
                n += 1
                what = f"{kind}-{n}"
                # What Django's WSGI handler does on request_started (the test client skips
                # it): connections past their age or failing the health check are closed.
                close_old_connections()
                if kind == "read":
                    response = client.get(uploads_to.get_absolute_url())
                elif kind == "upload":
                    response = client.post(
                        reverse("document_add", args=[uploads_to.reference]),
                        {
                            "kind": "other",
                            "file": SimpleUploadedFile(f"{what}.pdf", PDF, "application/pdf"),
                        },
                    )
                else:
                    response = client.post(
                        f"{questions_on.get_absolute_url()}question/", {"text": what}
                    )
                status = response.status_code
                if status == 302:
                    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
                    if kind == "upload" and "Document added" not in said:
                        status = -302  # refused with a message: not a success
                if status == 503 and not (
                    b"Nothing was saved" in response.content
                    and response.get("Retry-After") == "30"
                    and response.get("X-Content-Type-Options") == "nosniff"
                ):
                    status = -503  # a 503 without the page that says what happened
                outcomes.append((kind, what, status, time.monotonic()))
                time.sleep(0.02)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=load, args=(kind,)) for kind in clients]
    for thread in threads:
        thread.start()
    time.sleep(3)
    restart_began = time.monotonic()
    restart_took = restart_database()
    restart_ended = time.monotonic()
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    connections.close_all()  # this thread's own connection died with the server: a new one

    statuses = sorted({status for _kind, _what, status, _at in outcomes})
    refused = [o for o in outcomes if o[2] == 503]
    print(  # the numbers docs/security.md quotes
        f"\nrestart took {restart_took:.2f}s; {len(outcomes)} requests, statuses {statuses}, "
        f"{len(refused)} answered 503 between "
        f"{min((o[3] - restart_began for o in refused), default=0):.2f}s and "
        f"{max((o[3] - restart_began for o in refused), default=0):.2f}s after the restart began"
    )
    assert set(statuses) <= {200, 302, 503}, statuses  # never a 500, never a half answer
    # No lost input: what the user was told is saved is there, and nothing refused is.
    uploaded_ok = {
        what for kind, what, status, _at in outcomes if kind == "upload" and status == 302
    }
    stored = {
        d.original_name.removesuffix(".pdf") for d in Document.objects.filter(request=uploads_to)
    }
    assert stored == uploaded_ok
    asked_ok = {
        what for kind, what, status, _at in outcomes if kind == "question" and status == 302
    }
    noted = {
        e.note for e in CaseEvent.objects.filter(request=questions_on, kind=CaseEvent.Kind.NOTE)
    }
    assert noted == asked_ok
    assert verify_chain()[1] is None
    back = min((o[3] for o in outcomes if o[3] > restart_ended and o[2] in (200, 302)), default=0)
    for kind in clients:
        mine = [o[2] for o in outcomes if o[0] == kind]
        print(f"{kind}: {len(mine)} requests, {mine.count(503)} answered 503, others {set(mine)}")
    print(
        f"stored: {len(stored)} documents (= uploads told saved), {len(noted)} questions; "
        f"first success {back - restart_ended:.2f}s after the restart ended"
    )
    # The same app answers again after the restart: each load's last requests succeeded.
    for kind in clients:
        after = [o for o in outcomes if o[0] == kind and o[3] > restart_ended + 2]
        assert after and all(o[2] in (200, 302) for o in after), (kind, after[:3])
