"""Every persona x every transition: allowed only where capability and scope both hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import permissions, services
from cases.documents import issuing
from cases.models import (
    CaseEvent,
    CertificationRequest,
    CertifierDirectoryEntry,
    CertifyingOfficial,
    DeclineReason,
    IssuedForm,
    Status,
)
from cases.services.reconsideration import (
    request_ask_reconsideration,
    request_withdraw_reconsideration,
)
from cases.services.referral import request_refer_to_agency
from tests.conftest import PERSONAS, record_ink

# transition -> (a source state, the personas allowed to take it)
MATRIX = {
    "submit": (Status.DRAFT, {"advocate"}),
    "begin_crime_check": (Status.RECEIVED, {"coordinator"}),
    "confirm_qualifying_crime": (Status.CRIME_CHECK, {"coordinator"}),
    "refer_not_qualifying": (Status.CRIME_CHECK, {"coordinator"}),
    "attest_helpfulness": (Status.HELPFULNESS_REVIEW, {"detective"}),
    "return_for_review": (Status.CHIEF_DECISION, {"chief"}),
    "certify": (Status.CHIEF_DECISION, {"chief"}),
    "record_ink_signature": (Status.AWAITING_INK, {"coordinator", "chief"}),
    "void_unsigned_form": (Status.AWAITING_INK, {"chief"}),
    "decline": (Status.CHIEF_DECISION, {"chief"}),
    "refer_to_agency": (Status.CHIEF_DECISION, {"chief"}),
    "request_reconsideration": (Status.DECLINED, {"advocate"}),
    "withdraw_reconsideration": (Status.RECONSIDERATION, {"advocate"}),
    "request_information": (Status.CRIME_CHECK, {"coordinator", "chief"}),
    "answer_information": (Status.INFO_REQUESTED, {"advocate"}),
    "issue_delay_notice": (Status.HELPFULNESS_REVIEW, {"coordinator", "chief"}),
    "withdraw": (Status.RECEIVED, {"advocate"}),
    "withdraw_certification": (Status.CERTIFIED, {"chief"}),
}


def _issue(request):
    """A request made directly in "awaiting ink" gets the decision and the issued form first."""
    official = CertifyingOfficial.objects.get(user__username="chief")
    now = timezone.now()
    CertificationRequest.objects.filter(pk=request.pk).update(
        certifying_official=official, decided_at=now, decided_by=official.user
    )
    request.refresh_from_db()
    if not IssuedForm.objects.filter(request=request).exists():
        issuing.issue_form(request=request, actor=official.user, at=now)


def _record_ink(request, user):
    _issue(request)
    return record_ink(request, user)


def _void(request, user):
    _issue(request)
    return issuing.request_void_unsigned_form(
        request=request, actor=user, reason="The Chief will not sign this form."
    )


def _refer(request, user):
    entry = CertifierDirectoryEntry.objects.create(
        agency=request.agency,
        name="Malden Police Department",
        kind="police",
        jurisdiction="Malden, MA",
        mailing_address="Malden, MA",
    )
    return request_refer_to_agency(
        request=request, actor=user, entry=entry.pk, reason="The crime was in Malden."
    )


SERVICES = {
    "submit": lambda r, u: services.request_submit(request=r, actor=u),
    "begin_crime_check": lambda r, u: services.request_begin_crime_check(request=r, actor=u),
    "confirm_qualifying_crime": lambda r, u: services.request_confirm_qualifying_crime(
        request=r, actor=u
    ),
    "refer_not_qualifying": lambda r, u: services.request_refer_not_qualifying(
        request=r, actor=u, reason="Larceny only."
    ),
    "attest_helpfulness": lambda r, u: services.request_attest_helpfulness(request=r, actor=u),
    "return_for_review": lambda r, u: services.request_return_for_review(
        request=r, actor=u, note="Check the dates."
    ),
    "certify": lambda r, u: issuing.request_certify(request=r, actor=u),
    "record_ink_signature": lambda r, u: _record_ink(r, u),
    "void_unsigned_form": lambda r, u: _void(r, u),
    "decline": lambda r, u: services.request_decline(
        request=r, actor=u, reason=DeclineReason.NOT_HELPFUL
    ),
    "refer_to_agency": _refer,
    "request_information": lambda r, u: services.request_ask_information(
        request=r, actor=u, text="Send the report number."
    ),
    "answer_information": lambda r, u: services.request_answer_information(
        request=r, actor=u, text="It is MPD-2025-12345."
    ),
    "issue_delay_notice": lambda r, u: services.request_issue_delay_notice(
        request=r,
        actor=u,
        reason="The file is with the DA.",
        process="We asked for it.",
        projected_date=timezone.localdate() + timedelta(days=20),
    ),
    "withdraw": lambda r, u: services.request_withdraw(request=r, actor=u, reason="Moved away."),
    "request_reconsideration": lambda r, u: request_ask_reconsideration(
        request=r, actor=u, reasons="She testified in March."
    ),
    "withdraw_reconsideration": lambda r, u: request_withdraw_reconsideration(
        request=r, actor=u, reason="She moved away."
    ),
    "withdraw_certification": lambda r, u: services.request_withdraw_certification(
        request=r, actor=u, reason="Refused to testify."
    ),
}


def test_matrix_covers_every_transition():
    from tests.cases.test_transition_table import all_transitions

    assert set(MATRIX) == {t.name for t in all_transitions()} == set(SERVICES)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_transition_permission_per_persona(name, make_request, people):
    state, allowed = MATRIX[name]
    request = make_request(state)
    granted = {
        persona for persona in PERSONAS if permissions.STEP_RULES[name](request, people[persona])
    }
    assert granted == allowed


@pytest.mark.parametrize(
    "name, persona",
    [(n, p) for n in sorted(MATRIX) for p in PERSONAS if p not in MATRIX[n][1]],
)
def test_refused_persona_changes_nothing(name, persona, make_request, people):
    state, _allowed = MATRIX[name]
    request = make_request(state)
    with pytest.raises(PermissionDenied):
        SERVICES[name](request, people[persona])
    request.refresh_from_db()
    assert request.status == state
    assert not CaseEvent.objects.filter(request=request).exists()


@pytest.mark.parametrize(
    "name, persona",
    [(n, p) for n in sorted(MATRIX) for p in sorted(MATRIX[n][1])],
)
def test_allowed_persona_transitions_and_writes_one_event(
    name, persona, make_request, people, django_capture_on_commit_callbacks
):
    state, _allowed = MATRIX[name]
    request = make_request(state)
    with django_capture_on_commit_callbacks(execute=True):
        result = SERVICES[name](request, people[persona])
    request.refresh_from_db()
    assert request.status == result.status
    event = CaseEvent.objects.get(request=request)
    assert (event.actor, event.transition, event.from_state, event.to_state) == (
        people[persona],
        name,
        state,
        request.status,
    )
