"""A real race: two threads certify the same request at the same moment.

Each thread has its own database connection. On PostgreSQL the row lock
(SELECT ... FOR UPDATE) makes the second wait for the first to commit, then see the new
state and refuse; on SQLite the write lock does the same. Exactly one certification,
one event, and a clear conflict error for the loser.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cases import errors, services
from cases.documents import issuing
from cases.models import CaseEvent, CertificationRequest, Status


def race(request_id: int, actors: list, call) -> list:
    barrier = threading.Barrier(len(actors))
    outcomes: list = [None] * len(actors)

    def run(i: int, actor) -> None:
        try:
            copy = CertificationRequest.objects.get(pk=request_id)  # both load "chief_decision"
            barrier.wait(timeout=10)
            call(copy, actor)
            outcomes[i] = "ok"
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_certifications_make_one(attempt, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    outcomes = race(
        r.pk,
        [people["chief"], people["chief"]],
        lambda copy, actor: issuing.request_certify(request=copy, actor=actor),
    )
    assert sorted(map(str, outcomes)).count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, errors.StaleRequest)
    assert "changed by someone else" in str(loser)
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK
    assert CaseEvent.objects.filter(request=r, transition="certify").count() == 1


@pytest.mark.django_db(transaction=True)
def test_certify_racing_decline_leaves_one_decision(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    calls = {
        "certify": lambda copy, a: issuing.request_certify(request=copy, actor=a),
        "decline": lambda copy, a: services.request_decline(
            request=copy, actor=a, reason="not_helpful"
        ),
    }
    barrier_calls = iter(calls.values())
    outcomes = race(
        r.pk, [people["chief"], people["chief"]], lambda copy, a: next(barrier_calls)(copy, a)
    )
    assert [o for o in outcomes if o == "ok"] == ["ok"], outcomes
    r.refresh_from_db()
    assert r.status in (Status.AWAITING_INK, Status.DECLINED)
    assert CaseEvent.objects.filter(request=r).count() == 1


def test_the_suite_knows_which_database_it_races_on(db):
    # Printed in CI output so the log shows the race ran on PostgreSQL there.
    print(f"race tests ran on {connection.vendor}")
    assert connection.vendor in ("postgresql", "sqlite")
