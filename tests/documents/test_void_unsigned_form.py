"""A form issued for the ink signature that nobody signs: voided, and the decision made again.

The certifying official may refuse to sign what was issued, or another official must decide.
The request goes back to the Chief's decision; the sealed file stays stored and /verify/ says
it is void; a new certification issues a new form with its own verification code.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import errors, services
from cases.documents import issuing, verification
from cases.models import CaseEvent, DeclineReason, IssuedForm, Status, VoidedForm
from tests.conftest import record_ink, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    return issuing.request_certify(request=r, actor=people["chief"])


def void(r, people, reason="The Chief will not sign: the dates in Part 3 are wrong."):
    return issuing.request_void_unsigned_form(request=r, actor=people["chief"], reason=reason)


def test_voiding_returns_the_request_to_the_decision_and_keeps_the_file(awaiting, people):
    first = IssuedForm.objects.get(request=awaiting)
    r = void(awaiting, people)
    assert r.status == Status.CHIEF_DECISION
    assert r.decided_by is None and r.decided_at is None and r.certifying_official is None
    record = VoidedForm.objects.get(issued_form=first)
    assert record.voided_by == people["chief"] and "will not sign" in record.reason
    assert IssuedForm.objects.current_for(r) is None
    assert IssuedForm.objects.filter(request=r).count() == 1  # never deleted
    event = CaseEvent.objects.filter(request=r, transition="void_unsigned_form").get()
    assert event.from_state == Status.AWAITING_INK and event.to_state == Status.CHIEF_DECISION
    assert event.data["voided_verification_code"] == first.verification_code


def test_a_new_certification_issues_a_new_form_with_its_own_code(awaiting, people):
    first = IssuedForm.objects.get(request=awaiting)
    r = void(awaiting, people)
    r = issuing.request_certify(request=r, actor=people["chief"])
    second = IssuedForm.objects.current_for(r)
    assert second is not None and second.pk != first.pk
    assert second.verification_code != first.verification_code
    assert issuing.verification_code_for(r) == second.verification_code
    r = record_ink(r, people["coordinator"])
    assert r.status == Status.CERTIFIED
    assert r.ink_signature.issued_form == second


def test_verify_says_the_voided_file_is_no_certification(awaiting, people):
    first = IssuedForm.objects.get(request=awaiting)
    void(awaiting, people)
    verdict = verification.verify_pdf(first.data)
    facts = verdict.facts()
    assert facts["voided"] and facts["valid_until"] is None and not facts["ink_recorded"]
    assert "VOIDED" in facts["ink"] and "must not be filed" in verdict.line()
    assert verification.verify_code(first.verification_code).facts()["voided"]


def test_after_voiding_the_chief_may_decline(awaiting, people):
    r = void(awaiting, people)
    r = services.request_decline(request=r, actor=people["chief"], reason=DeclineReason.NOT_HELPFUL)
    assert r.status == Status.DECLINED


def test_a_reason_is_required_and_nothing_changes_without_it(awaiting, people):
    with pytest.raises(ValidationError):
        void(awaiting, people, reason="   ")
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_INK and not VoidedForm.objects.exists()


def test_only_a_certifying_official_may_void(awaiting, people):
    for who in ("coordinator", "detective", "auditor"):
        with pytest.raises(PermissionDenied):
            issuing.request_void_unsigned_form(request=awaiting, actor=people[who], reason="x")
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_INK and not VoidedForm.objects.exists()


def test_a_signed_form_cannot_be_voided(certify_and_ink, people):
    r = certify_and_ink()
    with pytest.raises(errors.TransitionRefused):
        void(r, people)
    assert not VoidedForm.objects.exists()


def test_a_voided_record_is_never_changed(awaiting, people):
    void(awaiting, people)
    record = VoidedForm.objects.get()
    with pytest.raises(ValueError):
        record.save()
    with pytest.raises(ValueError):
        record.delete()


def test_the_chief_voids_from_the_case_page(client, awaiting, people):
    sign_in(client, people["chief"])
    page = client.get(awaiting.get_absolute_url()).content.decode()
    assert "Void the unsigned form" in page
    url = reverse("request_transition", args=[awaiting.reference, "void_unsigned_form"])
    refused = client.post(url, {"void_unsigned_form-reason": ""})
    assert refused.status_code == 400
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_INK
    done = client.post(url, {"void_unsigned_form-reason": "Another official will decide."})
    assert done.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == Status.CHIEF_DECISION


def test_the_coordinator_sees_no_void_button(client, awaiting, people):
    sign_in(client, people["coordinator"])
    assert "Void the unsigned form" not in client.get(awaiting.get_absolute_url()).content.decode()
    url = reverse("request_transition", args=[awaiting.reference, "void_unsigned_form"])
    assert client.post(url, {"void_unsigned_form-reason": "x"}).status_code == 403
