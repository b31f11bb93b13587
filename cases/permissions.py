"""Who may do what to which request: the one module that owns the access policy.

Capability is a group permission (cases/roles.py grants them); scope is either the
capability ``view_all_requests`` (coordinator, Chief, auditor) or a guardian object
permission ``view_certificationrequest`` on the request (the advocate organisation's
group; the assigned detective). Transition permissions require both, and certifying or
declining also requires an active certifying-official designation (8 CFR 214.14(a)(3)).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from cases.models import CertificationRequest, CertifyingOfficial

    User = AbstractBaseUser | AnonymousUser

VIEW_PERM = "cases.view_certificationrequest"  # the guardian scope grant (object level)
VIEW_ALL = "cases.view_all_requests"
SUBMIT = "cases.submit_request"
REVIEW = "cases.review_request"
ATTEST = "cases.attest_helpfulness"
DECIDE = "cases.decide_request"
VIEW_AUDIT = "cases.view_audit"


def has_capability(user: User, perm: str) -> bool:
    """A role's permission. Superusers (IT staff) administer reference data and take no
    part in cases, so Django's "superuser has every permission" does not apply here."""
    return bool(
        user.is_authenticated and user.is_active and not user.is_superuser and user.has_perm(perm)
    )


def in_scope(user: User, request: CertificationRequest) -> bool:
    """May this user see this request at all? Cached on the instance per user."""
    if not (user.is_authenticated and user.is_active):
        return False
    cache: dict[int, bool] = request.__dict__.setdefault("_scope_cache", {})
    if user.pk not in cache:
        from cases.selectors import requests_visible_to

        cache[user.pk] = requests_visible_to(user).filter(pk=request.pk).exists()
    return cache[user.pk]


def active_official(user: User, request: CertificationRequest) -> CertifyingOfficial | None:
    """The user's current designation to sign for the request's agency, if any."""
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    for official in request.agency.officials.filter(user=user):
        if official.is_active_on(today):
            return official
    return None


# --- transition permissions (callables: django-fsm-2 calls them as permission(instance, user)) ---


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


def can_edit(request: CertificationRequest, user: User) -> bool:
    """Advocates edit their drafts and, while information is requested, their answers."""
    from cases.models import Status

    return request.status in (Status.DRAFT, Status.INFO_REQUESTED) and can_submit(request, user)


def can_assign_detective(request: CertificationRequest, user: User) -> bool:
    from cases.models import Status

    return request.status in (
        Status.RECEIVED,
        Status.CRIME_CHECK,
        Status.HELPFULNESS_REVIEW,
        Status.INFO_REQUESTED,
    ) and can_review(request, user)


def can_record_crime_check(request: CertificationRequest, user: User) -> bool:
    from cases.models import Status

    return request.status == Status.CRIME_CHECK and can_review(request, user)


def can_record_helpfulness(request: CertificationRequest, user: User) -> bool:
    from cases.models import Status

    return request.status == Status.HELPFULNESS_REVIEW and can_attest(request, user)


# --- the access helper for views ---


def get_request_for_user(user: User, reference: str, **select: Any) -> CertificationRequest:
    """The request behind a URL, or 404 when it does not exist *or* is outside the user's scope.

    Callers check the action itself (a transition permission) and answer 403 when the
    user may see the request but not act on it.
    """
    from cases.selectors import requests_visible_to

    if len(reference) > 30 or "\x00" in reference:  # not a reference; PostgreSQL refuses NUL
        raise Http404("No such request.")
    found = list(requests_visible_to(user).filter(reference=reference)[:1])  # unique: no sort
    if not found:
        raise Http404("No such request.")
    request = found[0]
    request.__dict__.setdefault("_scope_cache", {})[user.pk] = True
    return request
