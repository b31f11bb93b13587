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
