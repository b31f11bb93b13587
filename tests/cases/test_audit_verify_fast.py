"""The streaming verifier (written so that audit_verify takes under 30 s for 5.3 million
events) checks exactly what the chain hashes, and finds a break in any part when several
processes share the walk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cases import audit, services
from cases.lib import chain
from cases.models import CaseEvent
from tests.cases.test_audit_chain import VICTIM, tamper


@pytest.mark.parametrize(
    "content",
    [
        {"note": 'Nguyễn "Thi" said:\n\tno\\u0000', "n": None, "t": True, "f": False},
        {"data": {"zéro": [1, 2.5, 1e20, -0.0, "ü"], "a": {"b": None}}, "int": 12345678901234},
        {"created_at": datetime(2026, 3, 1, 9, 30, 0, 7, tzinfo=timezone(timedelta(hours=-5)))},
        {"emoji": "\U0001f600 \u2028 \x7f", "empty": "", "list": []},
    ],
)
def test_the_fast_encoder_writes_exactly_the_canonical_json(content):
    plain = {k: chain.json_value(v) for k, v in content.items()}
    assert chain._encoder()(content) == chain.canonical(plain)


def test_a_timestamp_read_as_text_matches_the_hashed_form(db):
    at = datetime(2026, 7, 4, 23, 59, 59, 999999, tzinfo=UTC)
    assert chain.json_value(at) == "2026-07-04T23:59:59.999999+00:00"


@pytest.mark.django_db(transaction=True)
def test_several_processes_find_a_break_in_any_part(agency, people, monkeypatch):
    advocate = people["advocate"]
    for _ in range(4):
        r = services.request_create(actor=advocate, agency=agency, values=VICTIM)
        services.request_update(request=r, actor=advocate, values={"middle_name": "Lan"})
        services.request_withdraw(request=r, actor=advocate, reason="Moved away.")
    events = list(CaseEvent.objects.order_by("pk"))
    assert len(events) == 12
    monkeypatch.setattr(chain, "ROWS_PER_WORKER", 3)
    got = audit.verify_chain(workers=3)
    assert got == (12, None), str(got[1])
    assert audit.verify_chain(workers=1) == (12, None)
    target = events[9]  # in the last part
    tamper("UPDATE cases_caseevent SET internal = %s WHERE id = %s", [True, target.pk])
    for workers in (1, 3):
        checked, broken = audit.verify_chain(workers=workers)
        assert broken is not None and broken.event_id == target.pk, (workers, broken)
        assert "content does not match" in str(broken)
    tamper("DELETE FROM cases_outboundmail WHERE event_id = %s", [events[5].pk])  # its notice
    tamper("DELETE FROM cases_caseevent WHERE id = %s", [events[5].pk])  # in the middle part
    broken = audit.verify_chain(workers=3)[1]
    assert broken is not None and broken.event_id == events[6].pk
    assert "does not follow" in str(broken)


@pytest.mark.django_db(transaction=True)
def test_the_parts_are_checked_in_turn_inside_a_transaction_and_the_connection_survives(
    agency, people, monkeypatch
):
    from django.db import transaction

    for _ in range(4):
        r = services.request_create(actor=people["advocate"], agency=agency, values=VICTIM)
        services.request_withdraw(request=r, actor=people["advocate"], reason="Moved away.")
    count = CaseEvent.objects.count()
    monkeypatch.setattr(chain, "ROWS_PER_WORKER", 2)
    with transaction.atomic():
        assert audit.verify_chain(workers=3) == (count, None)
        assert CaseEvent.objects.count() == count  # the parent's connection is intact
    assert audit.verify_chain(workers=3) == (count, None)  # forked children, after it
    assert CaseEvent.objects.count() == count
