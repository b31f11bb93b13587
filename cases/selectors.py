"""Read queries. ``requests_visible_to`` is the one place that decides which rows a user sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from cases.models import CaseEvent, CertificationRequest
from cases.permissions import ATTEST, VIEW_ALL, VIEW_PERM, has_capability

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def requests_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[CertificationRequest]:
    """Every request the user may see: all of them with ``view_all_requests``, else the
    ones granted to the user or one of the user's groups (guardian object permission)."""
    base = CertificationRequest.objects.select_related(
        "agency", "organization", "advocate", "assigned_detective"
    )
    if not (user.is_authenticated and user.is_active) or user.is_superuser:
        return base.none()
    if has_capability(user, VIEW_ALL):
        return base
    # Every flag explicit (STYLE 6): a global grant of the view permission must not
    # widen the scope, and superusers get no special path here.
    return get_objects_for_user(
        user,
        VIEW_PERM,
        klass=base,
        use_groups=True,
        any_perm=False,
        with_superuser=False,
        accept_global_perms=False,
    )


def events_visible_to(
    user: AbstractBaseUser | AnonymousUser, request: CertificationRequest
) -> QuerySet[CaseEvent]:
    """The request's timeline; advocates do not see internal notes."""
    events = request.events.select_related("actor").order_by("created_at", "pk")
    if has_capability(user, VIEW_ALL) or has_capability(user, ATTEST):
        return events
    return events.filter(internal=False)


# --- lookup by number (issue 6): the numbers are encrypted, their keyed hashes are not ---


def requests_by_number(
    user: AbstractBaseUser | AnonymousUser, number: str
) -> QuerySet[CertificationRequest]:
    """Requests the user may see whose A-Number or police report number is ``number``."""
    from django.db.models import Q

    from cases.crypto import keyed_hash

    a_digest = keyed_hash(number, purpose="a_number")
    report_digest = keyed_hash(number, purpose="report_number")
    if not a_digest:
        return requests_visible_to(user).none()
    return requests_visible_to(user).filter(
        Q(a_number_digest=a_digest) | Q(report_number_digest=report_digest)
    )
