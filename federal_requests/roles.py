"""Who may use the federal-request log: the records officer, the Chief and the auditor.

The permissions are this app's own; they are granted to the groups by name after every
``migrate`` (apps.py). ``cases.roles`` manages only the cases app's permissions, so the
Chief's and the auditor's groups keep these.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

RECORDS_OFFICER = "records_officer"
CHIEF = "chief"  # the same group names as the case workflow's roles
AUDITOR = "auditor"
ROLES = (RECORDS_OFFICER, CHIEF, AUDITOR)

VIEW = "view_federal_log"
RECORD = "record_federal_request"
DECIDE_DISCLOSURE = "decide_task_force_disclosure"
SUBMIT_REPORT = "submit_federal_report"
VIEW_AUDIT = "view_federal_audit"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    RECORDS_OFFICER: [VIEW, RECORD],
    CHIEF: [VIEW, DECIDE_DISCLOSURE, SUBMIT_REPORT, VIEW_AUDIT],
    AUDITOR: [VIEW, VIEW_AUDIT],
}


def sync_roles(**_: Any) -> None:
    """Create the groups if needed and set this app's permissions on them (only ours)."""

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        ours = set(group.permissions.filter(content_type__app_label="federal_requests"))
        wanted = set(
            Permission.objects.filter(
                content_type__app_label="federal_requests", codename__in=codenames
            )
        )
        group.permissions.remove(*(ours - wanted))
        group.permissions.add(*(wanted - ours))
