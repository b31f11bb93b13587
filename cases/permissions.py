"""Who may do what to which request: the one module that owns the access policy.

Capability is a group permission (cases/roles.py grants them); scope is either the
capability ``view_all_requests`` (coordinator, Chief, auditor) or a guardian object
permission ``view_certificationrequest`` on the request (the advocate organisation's
group; the assigned detective). Every step requires both, and certifying or declining also
requires an active certifying-official designation (8 CFR 214.14(a)(3)).

Pages and services ask the same functions: a page shows a control only when the service
behind it would accept the call (tests/cases/test_page_service_agree.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils import timezone

from cases import clocks
from cases.roles import (
    ATTEST,
    DECIDE,
    REVIEW,
    SUBMIT,
    VIEW_ALL,
    VIEW_AUDIT,
    VIEW_PERM,
    has_capability,
)
from cases.selectors import requests_visible_to
from cases.states import PENDING_STATES, REVIEW_STATES, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.auth.models import User as Account

    from cases.models import Agency, CertificationRequest, CertifyingOfficial

    User = Account | AnonymousUser

__all__ = [
    "ATTEST",
    "DECIDE",
    "REVIEW",
    "SUBMIT",
    "VIEW_ALL",
    "VIEW_AUDIT",
    "VIEW_PERM",
    "has_capability",
]


def in_scope(user: User, request: CertificationRequest) -> bool:
    """May this user see this request at all? Cached on the instance per user."""
    if not (user.is_authenticated and user.is_active):
        return False
    cache: dict[int, bool] = request.__dict__.setdefault("_scope_cache", {})
    if user.pk not in cache:
        cache[user.pk] = requests_visible_to(user).filter(pk=request.pk).exists()
    return cache[user.pk]


def is_staff_reader(user: User) -> bool:
    """Department staff who read whole requests: coordinator, Chief, auditor, detectives."""
    return has_capability(user, VIEW_ALL) or has_capability(user, ATTEST)


def active_official(user: User, request: CertificationRequest) -> CertifyingOfficial | None:
    """The user's current designation to sign for the request's agency, if any."""
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    for official in request.agency.officials.filter(user=user):
        if official.is_active_on(today):
            return official
    return None


# --- the workflow's steps ---


def can_submit(request: CertificationRequest, user: User) -> bool:
    return has_capability(user, SUBMIT) and in_scope(user, request)


def can_review(request: CertificationRequest, user: User) -> bool:
    return has_capability(user, REVIEW) and in_scope(user, request)


def can_attest(request: CertificationRequest, user: User) -> bool:
    return has_capability(user, ATTEST) and in_scope(user, request)


def can_decide(request: CertificationRequest, user: User) -> bool:
    return (
        has_capability(user, DECIDE)
        and in_scope(user, request)
        and active_official(user, request) is not None
    )


def can_review_or_decide(request: CertificationRequest, user: User) -> bool:
    return can_review(request, user) or can_decide(request, user)


def can_record_ink_signature(request: CertificationRequest, user: User) -> bool:
    """The ink date, signer and scan of the signed pages: the coordinator or the Chief."""
    return request.status == Status.AWAITING_INK and (
        can_review(request, user) or can_decide(request, user)
    )


def can_act_for_requester(request: CertificationRequest, user: User) -> bool:
    """The advocate of the organisation; for a request recorded from another channel and not
    linked to an organisation, the coordinator records what the requester sent."""
    return can_submit(request, user) or (
        request.organization_id is None and can_review(request, user)
    )


# Who may take each step of the workflow declared on CertificationRequest. Whether the step
# is possible from the request's state (and its conditions) is the state machine's answer.
STEP_RULES: dict[str, Callable[[CertificationRequest, User], bool]] = {
    "submit": can_submit,
    "begin_crime_check": can_review,
    "confirm_qualifying_crime": can_review,
    "refer_not_qualifying": can_review,
    "attest_helpfulness": can_attest,
    "return_for_review": can_decide,
    "certify": can_decide,
    "record_ink_signature": can_record_ink_signature,
    "void_unsigned_form": can_decide,
    "decline": can_decide,
    # A referral declines to certify for lack of jurisdiction (c. 258F s. 3(ii)): the
    # certifying official's answer, as a denial is.
    "refer_to_agency": can_decide,
    "request_reconsideration": can_act_for_requester,
    "withdraw_reconsideration": can_act_for_requester,
    "request_information": can_review_or_decide,
    "answer_information": can_act_for_requester,
    "issue_delay_notice": can_review_or_decide,
    "withdraw": can_act_for_requester,
    "withdraw_certification": can_decide,
}


def may_take_step(name: str, request: CertificationRequest, user: User) -> bool:
    """The step is possible from the request's state and this user may take it."""
    rule = STEP_RULES.get(name)
    return (
        rule is not None
        and any(t.name == name for t in request.get_available_status_transitions())
        and rule(request, user)
    )


def steps_for(request: CertificationRequest, user: User) -> list[str]:
    """The steps this user could take now, in the order the workflow declares them."""
    return [
        t.name
        for t in request.get_available_status_transitions()
        if (rule := STEP_RULES.get(t.name)) is not None and rule(request, user)
    ]


# --- other writes and reads on one request ---


def can_edit(request: CertificationRequest, user: User) -> bool:
    """Advocates edit their drafts and, while information is requested, their answers."""
    return request.status in (Status.DRAFT, Status.INFO_REQUESTED) and can_submit(request, user)


def can_assign_detective(request: CertificationRequest, user: User) -> bool:
    return request.status in (
        Status.RECEIVED,
        Status.CRIME_CHECK,
        Status.HELPFULNESS_REVIEW,
        Status.INFO_REQUESTED,
    ) and can_review(request, user)


def can_record_crime_check(request: CertificationRequest, user: User) -> bool:
    return request.status == Status.CRIME_CHECK and can_review(request, user)


def can_record_helpfulness(request: CertificationRequest, user: User) -> bool:
    return request.status == Status.HELPFULNESS_REVIEW and can_attest(request, user)


def can_ask_coordinator(request: CertificationRequest, user: User) -> bool:
    return can_record_helpfulness(request, user)


def can_add_document(request: CertificationRequest, user: User) -> bool:
    """The advocate while the request is a draft or open (the coordinator hears of it), the
    coordinator while an answer is owed, the detective during helpfulness review. A closed
    request takes no more documents."""
    return (
        can_edit(request, user)
        or (request.status in PENDING_STATES and can_submit(request, user))
        or (request.status in PENDING_STATES and can_review(request, user))
        or can_record_helpfulness(request, user)
    )


def can_recertify(request: CertificationRequest, user: User) -> bool:
    """A certified U request whose filing period ends soon or has ended (cases/clocks.py)."""
    return (
        request.status == Status.CERTIFIED
        and can_submit(request, user)
        and clocks.recertification_due(request.form_type, request.signed_on, now=timezone.now())
    )


def can_record_ink_original(request: CertificationRequest, user: User) -> bool:
    """The hand-over of the ink-signed original, once the ink signature is recorded."""
    return request.status == Status.CERTIFIED and can_review(request, user)


def can_see_issued_form(request: CertificationRequest, user: User) -> bool:
    """The filled official form as issued for ink: the department while it awaits the ink
    (the advocate must not file a copy nobody has signed), then everyone who sees the request."""
    if request.status == Status.AWAITING_INK:
        return has_capability(user, VIEW_ALL)
    return in_scope(user, request)


def can_see_draft(request: CertificationRequest, user: User) -> bool:
    """The review copy of Supplement B: department staff who read the whole request."""
    return has_capability(user, VIEW_ALL) or can_attest(request, user)


def can_download_letter(request: CertificationRequest, kind: str, user: User) -> bool:
    """Letters to the requester go to everyone who can see the request; the notice to USCIS
    (which names the victim to USCIS) and the cover letter forwarding a request to another
    agency stay with the department."""
    if kind in ("uscis_withdrawal", "referral_forwarding"):
        return has_capability(user, VIEW_ALL)
    return in_scope(user, request)


def can_record_letter_delivery(request: CertificationRequest, user: User) -> bool:
    """The coordinator or the Chief records how an issued letter was delivered."""
    return can_review(request, user) or (has_capability(user, DECIDE) and in_scope(user, request))


def can_read_audit(user: User) -> bool:
    """Reports and the access log."""
    return has_capability(user, VIEW_AUDIT)


# --- the department's own records: designations, written policy, intake, consistency ---


def active_head(user: User, agency: Agency) -> CertifyingOfficial | None:
    """The user's designation as the agency head in force today (8 CFR 214.14(a)(3))."""
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    for official in agency.officials.filter(user=user, is_agency_head=True):
        if official.is_active_on(today):
            return official
    return None


def can_manage_designations(user: User, agency: Agency) -> bool:
    """Only the head designates supervisors in writing, and revokes them (8 CFR 214.14(a)(3))."""
    return has_capability(user, DECIDE) and active_head(user, agency) is not None


def can_appoint_head(user: User, agency: Agency) -> bool:
    """The head hands the office to a successor (8 CFR 214.14(a)(3)); the very first head is
    appointed by an administrator with ``manage.py appoint_head``."""
    return can_manage_designations(user, agency)


def can_view_designations(user: User) -> bool:
    """Staff who read every request check who was authorised on any date."""
    return has_capability(user, VIEW_ALL)


def can_adopt_policy(user: User, agency: Agency) -> bool:
    """The written policy (c. 258F s. 2) is the department's: its head adopts each version."""
    return can_manage_designations(user, agency)


def can_record_intake(user: User) -> bool:
    """The coordinator records requests received by mail, e-mail, fax or in person."""
    return has_capability(user, REVIEW)


def can_link_organization(request: CertificationRequest, user: User) -> bool:
    """A request recorded from another channel joins a portal organisation later."""
    return request.organization_id is None and can_review(request, user)


def can_acknowledge_warnings(request: CertificationRequest, user: User) -> bool:
    return request.status == Status.CHIEF_DECISION and can_decide(request, user)


def can_record_report_submission(user: User) -> bool:
    """The coordinator or the Chief records the c. 258F s. 4(a) report as sent to EOPSS."""
    return can_read_audit(user) and (has_capability(user, REVIEW) or has_capability(user, DECIDE))


def can_take_form_edition(user: User) -> bool:
    """The coordinator (the records clerk) or the Chief loads a new edition of USCIS's form,
    chooses the fields its tooltips leave open, and activates it (8 CFR 103.2(a)(1): USCIS's
    current edition, filed as its instructions say)."""
    return has_capability(user, REVIEW) or has_capability(user, DECIDE)


def can_keep_certifier_directory(user: User) -> bool:
    """The coordinator or the Chief keeps the directory of nearby certifiers the department
    refers requests to (cases/services/referral.py)."""
    return has_capability(user, REVIEW) or has_capability(user, DECIDE)


# --- the department's own text of the items it attests (Supplement B Parts 2-5) ---

# Before the decision: the department is still writing the form it will sign.
DEPARTMENT_TEXT_STATES = (*REVIEW_STATES, Status.INFO_REQUESTED)
# Answered by a decision (not awaiting the ink, as for the issued form; not withdrawn by the
# requester, which no decision answered).
DECIDED_STATES = (Status.CERTIFIED, Status.DECLINED, Status.CERTIFICATION_WITHDRAWN)


def can_write_department_text(request: CertificationRequest, user: User, owner: str) -> bool:
    """Adopt or rewrite the department's text of an item in a Part whose ``owner`` (the form
    map's) is "coordinator" (the coordinator: Parts 2-3 of I-918B) or "detective" (the
    assigned detective: Parts 4-5); the certifying official (the head or a designee) any Part.
    Only before the decision."""
    if request.status not in DEPARTMENT_TEXT_STATES or not owner:
        return False
    if can_decide(request, user):
        return True
    if owner == "coordinator":
        return can_review(request, user)
    if owner == "detective":
        return (
            user.is_authenticated
            and request.assigned_detective_id == user.pk
            and can_attest(request, user)
        )
    return False


def can_enter_for_requester(request: CertificationRequest, user: User) -> bool:
    """Supplement B's requester-supplied items (Part 1; the incident as told) of a request
    recorded from another channel and not linked to an organisation: the coordinator enters
    and corrects what the requester sent, until the decision."""
    return (
        request.organization_id is None
        and request.status in DEPARTMENT_TEXT_STATES
        and can_review(request, user)
    )


def can_see_department_text(request: CertificationRequest, user: User) -> bool:
    """Staff who read the whole request see it always; the requester once the decision is made
    (the final text, never a draft of it)."""
    if is_staff_reader(user):
        return in_scope(user, request)
    return request.status in DECIDED_STATES and in_scope(user, request)


# --- the access helper for views ---


PEOPLE = ("organization", "advocate", "assigned_detective")


def case_page_related(user: User) -> tuple[str, ...]:
    """What the case page reads with the request: the people, and for staff, who see how the
    request was received, its intake record (one-to-one)."""
    return (*PEOPLE, "intake") if is_staff_reader(user) else PEOPLE


def get_request_for_user(
    user: User, reference: str, *, related: tuple[str, ...] = PEOPLE
) -> CertificationRequest:
    """The request behind a URL, or 404 when it does not exist *or* is outside the user's scope.

    Callers check the action itself and answer 403 when the user may see the request but not
    act on it. ``related``: the rows read in the same query (``select_related``), by default
    the organisation, the advocate and the detective; a page that shows none of them asks for
    none, since building the joined query costs more than the request itself (profiled on
    the case page, docs/performance.md).
    """
    if len(reference) > 30 or "\x00" in reference:  # not a reference; PostgreSQL refuses NUL
        raise Http404("No such request.")
    # Unsorted: the reference is unique, and compiling the default sort costs a fifth of
    # building this query, on every case page (docs/performance.md).
    visible = requests_visible_to(user).filter(reference=reference).order_by()
    visible = visible.select_related(None)
    if related:
        visible = visible.select_related(*related)
    found = list(visible[:1])  # unique: no sort
    if not found:
        raise Http404("No such request.")
    request = found[0]
    request.__dict__.setdefault("_scope_cache", {})[user.pk] = True
    return request


def can_issue_status_code(request: CertificationRequest, user: User) -> bool:
    """The coordinator gives a requester a new code for the public status page (/status/)."""
    return request.received_at is not None and can_review(request, user)
