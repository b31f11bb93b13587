"""The written policy (c. 258F s. 2): versions, clauses, denials that cite the version in force."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import policy, services
from cases.documents.letters import render_text
from cases.forms import DeclineForm
from cases.models import PolicyVersion
from tests.conftest import at, sign_in

pytestmark = pytest.mark.django_db

CLAUSES_V1 = """1. [not_helpful] The victim has not been helpful
The department certifies only when the victim has been, is being or is likely to be helpful.

2. [no_jurisdiction] Not our case
The department did not detect or investigate the criminal activity."""

CLAUSES_V2 = """1. [not_helpful] No helpfulness
Version two: no helpfulness, past, present or likely, to this department.

2. Culpable requester
The requester was culpable in the criminal activity."""


def adopt(people, agency, effective_on, clauses, **kw):
    return policy.policy_adopt(
        actor=people["chief"],
        agency=agency,
        title="Medford Police U/T certification policy",
        preamble="How the department answers requests.",
        effective_on=effective_on,
        clauses=policy.parse_clauses(clauses),
        **kw,
    )


def test_parse_clauses_numbers_codes_and_headings():
    clauses = policy.parse_clauses(CLAUSES_V2)
    assert [(c["number"], c["code"], c["heading"]) for c in clauses] == [
        ("1", "not_helpful", "No helpfulness"),
        ("2", "culpable_requester", "Culpable requester"),
    ]
    assert clauses[1]["text"] == "The requester was culpable in the criminal activity."
    with pytest.raises(ValidationError):
        policy.parse_clauses("No number here")
    with pytest.raises(ValidationError):
        policy.parse_clauses("   ")


def test_a_denial_cites_the_clause_of_the_version_in_force_on_its_date(
    agency, people, make_request
):
    v1 = adopt(people, agency, date(2026, 1, 1), CLAUSES_V1)
    v2 = adopt(people, agency, date(2026, 6, 1), CLAUSES_V2)
    assert policy.policy_in_force(agency, date(2026, 5, 31)) == v1
    assert policy.policy_in_force(agency, date(2026, 6, 1)) == v2

    early = make_request("chief_decision")
    services.request_decline(
        request=early, actor=people["chief"], reason="not_helpful", at=at("2026-05-20 10:00")
    )
    early.refresh_from_db()
    assert early.decline_policy == v1
    assert early.decline_clause.text.startswith("The department certifies only")
    assert early.decline_reason == "not_helpful"  # the code, as before, for the annual report
    event = early.events.latest("pk")
    assert event.data["policy_version"] == 1 and event.data["clause"] == "1"

    late = make_request("chief_decision")
    services.request_decline(
        request=late, actor=people["chief"], reason="not_helpful", at=at("2026-06-02 10:00")
    )
    late.refresh_from_db()
    assert late.decline_policy == v2
    assert late.decline_clause.text.startswith("Version two")
    _subject, body = render_text(late, "denial")
    assert "version 2" in body
    assert '"Version two: no helpfulness, past, present or likely, to this department."' in body


def test_a_clause_of_another_version_is_refused(agency, people, make_request):
    adopt(people, agency, date(2026, 1, 1), CLAUSES_V1)
    adopt(people, agency, date(2026, 6, 1), CLAUSES_V2)
    r = make_request("chief_decision")
    with pytest.raises(ValidationError) as exc:  # "no_jurisdiction" is a clause of version 1
        services.request_decline(
            request=r, actor=people["chief"], reason="no_jurisdiction", at=at("2026-06-02 10:00")
        )
    assert "reason" in exc.value.message_dict
    r.refresh_from_db()
    assert r.status == "chief_decision"


def test_without_any_policy_the_old_list_still_works(people, make_request):
    r = make_request("chief_decision")
    services.request_decline(request=r, actor=people["chief"], reason="not_helpful")
    r.refresh_from_db()
    assert r.decline_policy is None and r.decline_reason == "not_helpful"
    _subject, body = render_text(r, "denial")
    assert "No helpfulness, past, present or likely" in body


@pytest.mark.parametrize("who", ["coordinator", "auditor", "undesignated_chief", "advocate"])
def test_only_the_head_adopts_the_policy(agency, people, who):
    with pytest.raises(PermissionDenied):
        policy.policy_adopt(
            actor=people[who],
            agency=agency,
            title="T",
            preamble="",
            effective_on=timezone.localdate(),
            clauses=policy.parse_clauses(CLAUSES_V1),
        )
    assert not PolicyVersion.objects.exists()


def test_history_is_not_rewritten(agency, people):
    adopt(people, agency, date(2026, 6, 1), CLAUSES_V1)
    with pytest.raises(ValidationError) as exc:
        adopt(people, agency, date(2026, 5, 1), CLAUSES_V2)
    assert "effective_on" in exc.value.message_dict
    version = PolicyVersion.objects.get()
    version.title = "changed"
    with pytest.raises(ValueError):
        version.save()


def test_the_public_page_shows_the_current_and_earlier_versions_without_sign_in(
    client, agency, people
):
    today = timezone.localdate()
    adopt(people, agency, today - timedelta(days=100), CLAUSES_V1)
    adopt(people, agency, today - timedelta(days=10), CLAUSES_V2)
    adopt(people, agency, today + timedelta(days=10), CLAUSES_V1.replace("Not our", "Future"))
    response = client.get("/policy/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Version two: no helpfulness" in text  # the current version in full
    assert "Future" not in text  # not yet in force
    assert "Version 1" in text  # earlier versions listed by date
    earlier = client.get("/policy/1/")
    assert earlier.status_code == 200
    assert "Not our case" in earlier.content.decode()
    assert client.get("/policy/3/").status_code == 404  # not in force yet
    assert client.get("/policy/99/").status_code == 404


def test_decline_form_offers_the_clauses_in_force(agency, people):
    assert ("not_helpful", "No helpfulness, past, present or likely") in DeclineForm().fields[
        "reason"
    ].choices
    adopt(people, agency, timezone.localdate(), CLAUSES_V2)
    choices = DeclineForm().fields["reason"].choices
    assert ("culpable_requester", "2. Culpable requester") in choices


def test_the_head_adopts_a_version_on_the_page(client, agency, people):
    sign_in(client, people["chief"])
    assert client.get("/policy/adopt/").status_code == 200
    response = client.post(
        "/policy/adopt/",
        {
            "title": "Policy",
            "effective_on": timezone.localdate().isoformat(),
            "clauses": CLAUSES_V1,
        },
    )
    assert response.status_code == 302
    assert PolicyVersion.objects.get().adopted_by == people["chief"]
    bad = client.post(
        "/policy/adopt/",
        {"title": "Policy", "effective_on": "2020-01-01", "clauses": "no number"},
    )
    assert bad.status_code == 400
    sign_in(client, people["coordinator"])
    assert client.get("/policy/adopt/").status_code == 403


def test_the_public_page_states_the_time_limits_with_the_expedited_rule(client, agency, people):
    adopt(people, agency, timezone.localdate(), CLAUSES_V1)
    text = " ".join(client.get("/policy/").content.decode().split())
    assert "no later than 90 days after the department receives it (M.G.L. c. 258F, section 3)" in (
        text
    )
    assert "removal proceedings" in text and "answers within 30 days of receipt" in text
    assert "at least 14 days before the family member's age-out date" in text
    assert "written policy under M.G.L. c. 258F, section 2; the statute sets none" in text
    assert "section 3(iii)" in text


def test_the_demo_policy_states_the_expedited_rule():
    from cases.management.commands.seed_demo import SAMPLE_POLICY_PREAMBLE

    preamble = " ".join(SAMPLE_POLICY_PREAMBLE.split())
    assert "removal proceedings" in preamble and "within 30 days of receipt" in preamble
    assert "within 90 days" in preamble and "s. 3(iii)" in preamble
