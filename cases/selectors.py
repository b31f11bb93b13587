"""Read queries. ``requests_visible_to`` is the one place that decides which rows a user sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from cases.lib.crypto import keyed_hash
from cases.models import (
    Agency,
    CaseEvent,
    CertificationRequest,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
)
from cases.roles import ATTEST, VIEW_ALL, VIEW_PERM, has_capability

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


VIEW_PERM_CODENAME = VIEW_PERM.split(".")[1]


def requests_visible_to(user: User | AnonymousUser) -> QuerySet[CertificationRequest]:
    """Every request the user may see: all of them with ``view_all_requests``, else the
    ones granted to the user or one of the user's groups (guardian object permission)."""
    # Not the agency: one row, read when a page needs it. Each join costs the planner more
    # than the extra primary-key read (docs/performance.md).
    base = CertificationRequest.objects.select_related(
        "organization", "advocate", "assigned_detective"
    )
    if not (user.is_authenticated and user.is_active) or user.is_superuser:
        return base.none()
    if has_capability(user, VIEW_ALL):
        return base
    # The object grants of the view permission to the user or one of the user's groups:
    # what guardian's get_objects_for_user(use_groups=True, with_superuser=False,
    # accept_global_perms=False) selects, so a global grant never widens the scope. Written
    # out because guardian's SQL also re-selects every request inside each subquery, which
    # with a million requests made every list read the whole table.
    content_type = ContentType.objects.get_for_model(CertificationRequest)
    grant = {"permission__content_type": content_type, "permission__codename": VIEW_PERM_CODENAME}
    by_user = RequestUserObjectPermission.objects.filter(user=user, **grant)
    by_group = RequestGroupObjectPermission.objects.filter(group__user=user, **grant)
    return base.filter(
        Q(pk__in=by_user.values("content_object_id"))
        | Q(pk__in=by_group.values("content_object_id"))
    )


def events_visible_to(
    user: User | AnonymousUser, request: CertificationRequest
) -> QuerySet[CaseEvent]:
    """The request's timeline; advocates do not see internal notes."""
    events = request.events.select_related("actor").order_by("created_at", "pk")
    if has_capability(user, VIEW_ALL) or has_capability(user, ATTEST):
        return events
    return events.filter(internal=False)


# --- lookup by number: the numbers are encrypted, their keyed hashes are not ---


def requests_by_number(user: User | AnonymousUser, number: str) -> QuerySet[CertificationRequest]:
    """Requests the user may see whose A-Number or police report number is ``number``."""
    a_digest = keyed_hash(number, purpose="a_number")
    report_digest = keyed_hash(number, purpose="report_number")
    if not a_digest:
        return requests_visible_to(user).none()
    return requests_visible_to(user).filter(
        Q(a_number_digest=a_digest) | Q(report_number_digest=report_digest)
    )


def the_agency() -> Agency | None:
    """The department this installation serves (one agency per installation)."""
    return Agency.objects.order_by("pk").first()
