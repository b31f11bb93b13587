"""The five roles as Django groups, each with its capability permissions.

Scope (which requests) is not here: it is a guardian object grant or ``view_all_requests``.
Synced after every ``migrate`` (cases/apps.py), so a fresh database has the groups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group, Permission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

ADVOCATE = "advocate"
COORDINATOR = "coordinator"
DETECTIVE = "detective"
CHIEF = "chief"
AUDITOR = "auditor"

# Capabilities: the permissions the groups below are granted.
VIEW_PERM = "cases.view_certificationrequest"  # the guardian scope grant (object level)
VIEW_ALL = "cases.view_all_requests"
SUBMIT = "cases.submit_request"
REVIEW = "cases.review_request"
ATTEST = "cases.attest_helpfulness"
DECIDE = "cases.decide_request"
VIEW_AUDIT = "cases.view_audit"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADVOCATE: ["submit_request"],
    COORDINATOR: ["review_request", "view_all_requests", "view_audit"],
    DETECTIVE: ["attest_helpfulness"],
    CHIEF: ["decide_request", "view_all_requests", "view_audit"],
    AUDITOR: ["view_all_requests", "view_audit"],
}


def sync_roles(**_: Any) -> None:

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        # Only this app's permissions: other apps grant theirs to the same groups by name.
        ours = set(group.permissions.filter(content_type__app_label="cases"))
        wanted = set(
            Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
        )
        group.permissions.remove(*(ours - wanted))
        group.permissions.add(*(wanted - ours))


def has_capability(user: User | AnonymousUser, perm: str) -> bool:
    """A role's permission. Superusers (IT staff) administer reference data and take no
    part in cases, so Django's "superuser has every permission" does not apply here."""
    return bool(
        user.is_authenticated and user.is_active and not user.is_superuser and user.has_perm(perm)
    )
