"""Entries of each kind, the rules between the fields, and the Sec. 50-103(e) copy flag."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from federal_requests import services
from federal_requests.models import AuditEvent, Entry, Kind
from tests.federal_requests.conftest import at


@pytest.mark.parametrize(
    "kind, extra",
    [
        ("detainer", {"in_custody": True}),
        ("admin_warrant", {"in_custody": True}),
        ("information", {}),
        ("assistance", {"agency": "hsi"}),
        ("access", {"agency": "cbp", "in_custody": True}),
        ("other", {"kind_other": "Asked for a copy of the arrest log", "agency": "uscis"}),
    ],
)
def test_every_kind_can_be_logged(kind, extra, log_entry):
    entry = log_entry(kind=kind, **extra)
    entry.refresh_from_db()
    assert entry.kind == kind
    assert entry.reference.startswith("FR-2026-")
    assert entry.needs_copy == (kind in ("detainer", "admin_warrant"))
    created = AuditEvent.objects.get(entry=entry)
    assert created.action == AuditEvent.Action.ENTRY_CREATED
    assert created.changes["kind"] == [None, kind]
    assert created.changes["person_name"] == "changed"  # never the name itself


def test_references_count_up_per_year(log_entry):
    first = log_entry()
    second = log_entry(received_at=at("2026-03-01 10:00"))
    other_year = log_entry(received_at=at("2025-12-31 23:00"))
    assert (first.reference, second.reference) == ("FR-2026-0001", "FR-2026-0002")
    assert other_year.reference == "FR-2025-0001"


def test_identity_is_encrypted_at_rest(log_entry):
    entry = log_entry()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_name, person_date_of_birth, person_address FROM "
            "federal_requests_entry WHERE id = %s",
            [entry.pk],
        )
        row = cursor.fetchone()
    assert all(value.startswith("v1:") for value in row)
    assert "Quartermaine" not in "".join(row)
    assert Entry.objects.get(pk=entry.pk).person_name == "Zebulon Quartermaine"


def test_a_detainer_for_a_person_in_custody_is_flagged_until_the_copy_is_given(
    log_entry, fr_people
):
    entry = log_entry(kind="detainer", in_custody=True)
    assert entry.copy_missing
    services.record_copy_given(
        entry=entry,
        actor=fr_people["records_officer"],
        given_on=date(2026, 2, 10),
        given_by="Sgt. Moreau #214",
    )
    entry.refresh_from_db()
    assert not entry.copy_missing
    assert entry.copy_given_by == "Sgt. Moreau #214"
    event = entry.events.order_by("pk").last()
    assert event.action == AuditEvent.Action.COPY_RECORDED
    assert event.changes["copy_given_on"] == [None, "2026-02-10"]


@pytest.mark.parametrize(
    "kind, in_custody, flagged",
    [
        ("detainer", True, True),
        ("admin_warrant", True, True),
        ("detainer", False, False),
        ("information", True, False),
        ("access", True, False),
    ],
)
def test_the_copy_flag_applies_to_detainers_and_warrants_in_custody(
    kind, in_custody, flagged, log_entry
):
    assert log_entry(kind=kind, in_custody=in_custody).copy_missing is flagged


def test_a_copy_cannot_be_recorded_where_none_is_due(log_entry, fr_people):
    entry = log_entry(kind="information")
    with pytest.raises(services.RefusedError):
        services.record_copy_given(
            entry=entry,
            actor=fr_people["records_officer"],
            given_on=date(2026, 2, 10),
            given_by="Sgt. Moreau",
        )


def test_a_copy_cannot_predate_the_request(log_entry, fr_people):
    entry = log_entry(kind="detainer", in_custody=True)
    with pytest.raises(ValidationError) as exc:
        services.record_copy_given(
            entry=entry,
            actor=fr_people["records_officer"],
            given_on=date(2026, 2, 9),
            given_by="Sgt. Moreau",
        )
    assert "copy_given_on" in exc.value.message_dict


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"agency": "other"}, "agency_other"),
        ({"kind": "other"}, "kind_other"),
        ({"response": "other"}, "response_explanation"),
        ({"response": "complied_judicial"}, "response"),
        ({"response": "declined", "information_given": True}, "information_given"),
        ({"response": "public_information"}, "information_given"),
        (
            {
                "response": "public_information",
                "information_given": True,
                "information_description": "Arrest log",
                "legal_basis": "usc_1373",
            },
            "legal_basis",
        ),
        (
            {
                "response": "other",
                "response_explanation": "x",
                "information_given": True,
                "information_description": "Status",
                "legal_basis": "court_order",
            },
            "legal_basis",
        ),
        ({"information_description": "Something"}, "information_given"),
        ({"received_at": at("2099-01-01 10:00")}, "received_at"),
        ({"person_date_of_birth": date(2099, 1, 1)}, "person_date_of_birth"),
    ],
)
def test_inconsistent_entries_are_refused(fields, field, log_entry):
    with pytest.raises(ValidationError) as exc:
        log_entry(**fields)
    assert field in exc.value.message_dict
    assert not Entry.objects.exists() and not AuditEvent.objects.exists()


def test_information_given_under_a_court_order(log_entry):
    entry = log_entry(
        kind=Kind.INFORMATION,
        judicial_warrant=True,
        response="complied_judicial",
        information_given=True,
        information_description="Booking record",
        legal_basis="court_order",
    )
    assert entry.information_given and entry.legal_basis == "court_order"


def test_an_edit_records_what_changed_and_nothing_when_nothing_did(log_entry, fr_people):
    entry = log_entry()
    officer = fr_people["records_officer"]
    services.entry_update(entry=entry, actor=officer, data={"agency": "hsi"})
    services.entry_update(entry=entry, actor=officer, data={"agency": "hsi"})
    services.entry_update(entry=entry, actor=officer, data={"person_address": "Elsewhere"})
    events = list(entry.events.order_by("pk"))
    assert [e.action for e in events] == ["entry_created", "entry_edited", "entry_edited"]
    assert events[1].changes == {"agency": ["ice", "hsi"]}
    assert events[2].changes == {"person_address": "changed"}
