"""Personas for the federal-request log: the shared ones (tests/conftest.py) plus a records
officer, and a helper that logs an entry through the service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from federal_requests import services
from federal_requests.models import Entry
from federal_requests.roles import RECORDS_OFFICER, sync_roles
from tests.conftest import totp_device

PERSON = {
    "person_name": "Zebulon Quartermaine",
    "person_date_of_birth": date(1987, 3, 19),
    "person_address": "4417 Wobbleberry Lane, Medford, MA 02155",
    "person_identifiers": "A-204-118-733",
    "agency_reference": "ICE-DET-778812",
}


@pytest.fixture
def fr_people(people: dict) -> dict:
    sync_roles()
    officer = get_user_model().objects.create_user(
        username="records_officer",
        password="correct-horse-battery",
        email="records@example.org",
        first_name="Rita",
    )
    officer.groups.add(Group.objects.get(name=RECORDS_OFFICER))
    totp_device(officer)
    return {**people, "records_officer": officer}


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def log_entry(fr_people: dict):
    def make(**fields: Any) -> Entry:
        data: dict[str, Any] = {
            "received_at": at("2026-02-10 09:30"),
            "agency": "ice",
            "kind": "detainer",
            "response": "declined",
            **PERSON,
        }
        data.update(fields)
        return services.entry_create(actor=fr_people["records_officer"], data=data)

    return make
