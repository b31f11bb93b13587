"""Consistency before certification: blockers refuse certify; warnings need an acknowledgement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.consistency import certify_blockers, certify_warnings
from cases.documents import issuing
from cases.errors import TransitionRefused
from cases.models import CertifyingOfficial
from cases.permissions import may_take_step
from cases.services.acknowledgements import request_acknowledge_warnings
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_certify_refused_with_part_4_item_2_no(make_request, people):
    r = make_request("chief_decision", has_been_helpful="no")
    assert not may_take_step("certify", r, people["chief"])
    with pytest.raises(TransitionRefused) as exc:
        issuing.request_certify(request=r, actor=people["chief"])
    assert "Part 4, Item 2" in str(exc.value)
    r.refresh_from_db()
    assert r.status == "chief_decision" and not r.events.exists()


def test_certify_refused_with_part_4_item_1_no_or_part_3_item_1_empty(make_request, people):
    r = make_request("chief_decision", possesses_information="no")
    with pytest.raises(TransitionRefused, match="Part 4, Item 1"):
        issuing.request_certify(request=r, actor=people["chief"])
    empty = make_request("chief_decision")
    empty.crime_categories.clear()
    assert [b.code for b in certify_blockers(empty)] == ["part3_item1_empty"]
    with pytest.raises(TransitionRefused, match="Part 3, Item 1"):
        issuing.request_certify(request=empty, actor=people["chief"])


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"occurred_in_us": "no", "extraterritorial": "no",
          "occurred_in_us_explanation": "Abroad"}, "outside_us_no_extraterritorial"),
        ({"incident_date": timezone.localdate() + timedelta(days=1)}, "incident_after_received"),
        # I-918B Part 4 item 3 asks whether the victim REFUSED: "Yes" is worth a second look.
        ({"refused_or_failed": "yes"}, "part4_item3_refused"),
    ],
)  # fmt: skip
def test_a_warning_must_be_acknowledged_and_is_recorded(make_request, people, fields, code):
    r = make_request("chief_decision", **fields)
    assert [w.code for w in certify_warnings(r)] == [code]
    with pytest.raises(TransitionRefused, match="not yet acknowledged"):
        issuing.request_certify(request=r, actor=people["chief"])
    with pytest.raises(PermissionDenied):
        request_acknowledge_warnings(request=r, actor=people["coordinator"], codes=[code])
    with pytest.raises(ValidationError):
        request_acknowledge_warnings(request=r, actor=people["chief"], codes=["made_up"])
    r = request_acknowledge_warnings(request=r, actor=people["chief"], codes=[code])
    event = r.events.latest("pk")
    assert event.actor == people["chief"] and event.data == {"acknowledged_warnings": [code]}
    r = issuing.request_certify(request=r, actor=people["chief"])
    assert r.status == "awaiting_ink"  # the decision; the ink signature answers the request


def test_an_expired_head_designation_warns(make_request, people):
    CertifyingOfficial.objects.filter(is_agency_head=True).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    r = make_request("chief_decision")
    assert [w.code for w in certify_warnings(r)] == ["head_designation_expired"]


def test_no_warning_on_a_consistent_request(make_request):
    r = make_request("chief_decision", incident_date=date(2025, 3, 14))
    assert certify_warnings(r) == [] and certify_blockers(r) == []


def test_the_case_page_shows_blockers_and_the_acknowledgement(client, make_request, people):
    r = make_request("chief_decision", occurred_in_us="no", extraterritorial="no",
                     occurred_in_us_explanation="Abroad", has_been_helpful="no")  # fmt: skip
    sign_in(client, people["chief"])
    text = client.get(f"/requests/{r.reference}/").content.decode()
    assert "Part 4, Item 2 is" in text
    assert "Acknowledge the warnings" in text
    response = client.post(
        f"/requests/{r.reference}/acknowledge/", {"codes": ["outside_us_no_extraterritorial"]}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.acknowledged_warnings == ["outside_us_no_extraterritorial"]
    client.logout()
    sign_in(client, people["coordinator"])
    assert client.post(f"/requests/{r.reference}/acknowledge/", {"codes": []}).status_code == 403
    sign_in(client, people["other_advocate"])
    assert client.post(f"/requests/{r.reference}/acknowledge/", {"codes": []}).status_code == 404
