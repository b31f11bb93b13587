"""The workflow's steps as the web layer offers them: one registry, one entry a step.

The state machine on ``CertificationRequest`` declares the steps (states, conditions, labels);
``permissions.STEP_RULES`` says who may take each. This registry adds what a page needs: the
form that collects the step's input, the service call that takes it, whether it asks for
re-authentication first (C2), and whether it is shown folded below the stage's main step.
A test keeps the three in step (tests/cases/test_steps.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from cases import services
from cases.documents import issuing
from cases.documents.forms import InkSignatureForm
from cases.forms import (
    DeclineForm,
    DelayNoticeForm,
    InformationReceivedForm,
    NoteForm,
    OptionalReasonForm,
    ReasonForm,
    ReconsiderationForm,
    ReconsiderationReceivedForm,
    ReferralForm,
    RequiredNoteForm,
    TextForm,
    WithdrawCertificationForm,
)
from cases.models import CertificationRequest
from cases.reauth import SENSITIVE_STEPS
from cases.services import reconsideration, referral, staff_entry

ServiceCall = Callable[[CertificationRequest, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    name: str
    form: type[forms.Form] | None
    call: ServiceCall
    secondary: bool = False
    # The form for a request received outside the portal, when its requester's side of the
    # step differs (the coordinator records what came back by mail, e-mail or in person).
    outside_form: type[forms.Form] | None = None

    def form_for(self, request: CertificationRequest) -> type[forms.Form] | None:
        if self.outside_form is not None and request.organization_id is None:
            return self.outside_form
        return self.form

    @property
    def reauth(self) -> bool:
        """A fresh sign-in right before the step: listed in cases.reauth.SENSITIVE_STEPS."""
        return self.name in SENSITIVE_STEPS

    @property
    def label(self) -> str:
        meta = getattr(CertificationRequest, self.name)._django_fsm
        return str(next(iter(meta.transitions.values())).custom.get("label", self.name))

    def label_for(self, request: CertificationRequest) -> str:
        """The label in the request's own words (a T request's, cases/models/requests.py)."""
        return request.step_label(self.name)


_STEPS = [
    Step("submit", None, lambda r, u, d: services.request_submit(request=r, actor=u)),
    Step(
        "begin_crime_check",
        None,
        lambda r, u, d: services.request_begin_crime_check(request=r, actor=u),
    ),
    Step(
        "confirm_qualifying_crime",
        NoteForm,
        lambda r, u, d: services.request_confirm_qualifying_crime(
            request=r, actor=u, note=d["note"]
        ),
    ),
    Step(
        "refer_not_qualifying",
        ReasonForm,
        lambda r, u, d: services.request_refer_not_qualifying(
            request=r, actor=u, reason=d["reason"]
        ),
        secondary=True,
    ),
    Step(
        "attest_helpfulness",
        NoteForm,
        lambda r, u, d: services.request_attest_helpfulness(request=r, actor=u, note=d["note"]),
    ),
    Step(
        "return_for_review",
        RequiredNoteForm,
        lambda r, u, d: services.request_return_for_review(request=r, actor=u, note=d["note"]),
        secondary=True,
    ),
    Step(
        "certify",
        NoteForm,
        lambda r, u, d: issuing.request_certify(request=r, actor=u, note=d["note"]),
    ),
    Step(
        "record_ink_signature",
        InkSignatureForm,
        lambda r, u, d: issuing.request_record_ink_signature(request=r, actor=u, **d),
    ),
    Step(
        "void_unsigned_form",
        ReasonForm,
        lambda r, u, d: issuing.request_void_unsigned_form(request=r, actor=u, reason=d["reason"]),
        secondary=True,
    ),
    Step(
        "decline",
        DeclineForm,
        lambda r, u, d: services.request_decline(
            request=r, actor=u, reason=d["reason"], note=d["note"]
        ),
    ),
    Step(
        "refer_to_agency",
        ReferralForm,
        lambda r, u, d: referral.request_refer_to_agency(
            request=r,
            actor=u,
            entry=d["entry"],
            reason=d["reason"],
            forward_method=d["forward_method"],
        ),
        secondary=True,
    ),
    Step(
        "request_reconsideration",
        ReconsiderationForm,
        lambda r, u, d: reconsideration.request_ask_reconsideration(
            request=r,
            actor=u,
            reasons=d["reasons"],
            uploads=d["documents"],
            channel=d.get("channel", ""),
        ),
        outside_form=ReconsiderationReceivedForm,
    ),
    Step(
        "withdraw_reconsideration",
        OptionalReasonForm,
        lambda r, u, d: reconsideration.request_withdraw_reconsideration(
            request=r, actor=u, reason=d["reason"]
        ),
        secondary=True,
    ),
    Step(
        "request_information",
        TextForm,
        lambda r, u, d: services.request_ask_information(request=r, actor=u, text=d["text"]),
        secondary=True,
    ),
    Step(
        "answer_information",
        TextForm,
        lambda r, u, d: (
            staff_entry.request_record_information_received(
                request=r, actor=u, channel=d["channel"], text=d["text"], uploads=d["documents"]
            )
            if "channel" in d
            else services.request_answer_information(request=r, actor=u, text=d["text"])
        ),
        outside_form=InformationReceivedForm,
    ),
    Step(
        "issue_delay_notice",
        DelayNoticeForm,
        lambda r, u, d: services.request_issue_delay_notice(request=r, actor=u, **d),
        secondary=True,
    ),
    Step(
        "withdraw",
        OptionalReasonForm,
        lambda r, u, d: services.request_withdraw(request=r, actor=u, reason=d["reason"]),
        secondary=True,
    ),
    Step(
        "withdraw_certification",
        WithdrawCertificationForm,
        lambda r, u, d: services.request_withdraw_certification(
            request=r,
            actor=u,
            reason=d["reason"],
            kind=d.get("kind") or "withdraw",
            receipt_number=d.get("receipt_number", ""),
        ),
        secondary=True,
    ),
]

STEPS: dict[str, Step] = {step.name: step for step in _STEPS}
