"""The five roles as Django groups, each with its capability permissions.

Scope (which requests) is not here: it is a guardian object grant or ``view_all_requests``.
Synced after every ``migrate`` (cases/apps.py), so a fresh database has the groups.
"""

from __future__ import annotations

from typing import Any

ADVOCATE = "advocate"
COORDINATOR = "coordinator"
DETECTIVE = "detective"
CHIEF = "chief"
AUDITOR = "auditor"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADVOCATE: ["submit_request"],
    COORDINATOR: ["review_request", "view_all_requests", "view_audit"],
    DETECTIVE: ["attest_helpfulness"],
    CHIEF: ["decide_request", "view_all_requests", "view_audit"],
    AUDITOR: ["view_all_requests", "view_audit"],
}


def sync_roles(**_: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        # Only this app's permissions: other apps grant theirs to the same groups by name.
        ours = set(group.permissions.filter(content_type__app_label="cases"))
        wanted = set(
            Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
        )
        group.permissions.remove(*(ours - wanted))
        group.permissions.add(*(wanted - ours))
