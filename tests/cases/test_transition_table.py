"""The workflow graph, enumerated: for every state, exactly which transitions leave it."""

from __future__ import annotations

import pytest
from django_fsm import ANY_OTHER_STATE, ANY_STATE

from cases.models import CertificationRequest, Status

REVIEW = {"request_information", "issue_delay_notice", "withdraw"}

EXPECTED = {
    Status.DRAFT: {"submit", "withdraw"},
    Status.RECEIVED: {"begin_crime_check"} | REVIEW,
    Status.CRIME_CHECK: {"confirm_qualifying_crime", "refer_not_qualifying"} | REVIEW,
    Status.HELPFULNESS_REVIEW: {"attest_helpfulness"} | REVIEW,
    # A referral to the agency with jurisdiction is an answer of its own (c. 258F s. 3(ii)).
    Status.CHIEF_DECISION: {"certify", "decline", "refer_to_agency", "return_for_review"} | REVIEW,
    Status.INFO_REQUESTED: {"answer_information", "issue_delay_notice", "withdraw"},
    # The decision is made: the ink signature or a delay notice moves it on, or the unsigned
    # form is voided and the decision made again.
    Status.AWAITING_INK: {"record_ink_signature", "issue_delay_notice", "void_unsigned_form"},
    Status.CERTIFIED: {"withdraw_certification"},
    # A denial may be reconsidered at the requester's ask; the reconsideration is decided by
    # certifying (the usual ink path follows) or by declining again.
    Status.DECLINED: {"request_reconsideration"},
    Status.RECONSIDERATION: {"certify", "decline", "withdraw_reconsideration"},
    Status.REFERRED: set(),
    Status.WITHDRAWN: set(),
    Status.CERTIFICATION_WITHDRAWN: set(),
}

TARGETS = {
    "submit": Status.RECEIVED,
    "begin_crime_check": Status.CRIME_CHECK,
    "confirm_qualifying_crime": Status.HELPFULNESS_REVIEW,
    "refer_not_qualifying": Status.CHIEF_DECISION,
    "attest_helpfulness": Status.CHIEF_DECISION,
    "return_for_review": Status.HELPFULNESS_REVIEW,
    "certify": Status.AWAITING_INK,
    "record_ink_signature": Status.CERTIFIED,
    "void_unsigned_form": Status.CHIEF_DECISION,
    "decline": Status.DECLINED,
    "refer_to_agency": Status.REFERRED,
    "request_information": Status.INFO_REQUESTED,
    "request_reconsideration": Status.RECONSIDERATION,
    "withdraw_reconsideration": Status.DECLINED,
    "withdraw": Status.WITHDRAWN,
    "withdraw_certification": Status.CERTIFICATION_WITHDRAWN,
    "issue_delay_notice": None,  # stays in its state
}


def all_transitions():
    field = CertificationRequest._meta.get_field("status")
    return list(field.get_all_transitions(CertificationRequest))


def test_every_state_is_in_the_table():
    assert set(EXPECTED) == set(Status.values)


@pytest.mark.parametrize("state", Status.values)
def test_exactly_these_transitions_leave_each_state(state):
    names = {t.name for t in all_transitions() if t.source == state}
    assert names == EXPECTED[state]


def test_every_transition_names_its_source_explicitly():
    assert all(t.source not in (ANY_STATE, ANY_OTHER_STATE) for t in all_transitions())


def test_transition_targets():
    for t in all_transitions():
        if t.name == "answer_information":
            continue  # returns to the state it left (RETURN_VALUE), tested in test_services
        assert t.target == TARGETS[t.name], t.name


def test_closed_states_are_final_except_certified_and_declined():
    finals = {s for s, names in EXPECTED.items() if not names}
    assert finals == {Status.REFERRED, Status.WITHDRAWN, Status.CERTIFICATION_WITHDRAWN}
