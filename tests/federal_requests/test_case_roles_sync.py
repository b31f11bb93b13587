"""cases.roles.sync_roles manages the cases app's permissions only: other apps' grants to the
same groups (the Chief's and the auditor's) survive every migrate."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from cases.roles import CHIEF, sync_roles


def test_sync_roles_leaves_other_apps_permissions_alone(reference_rows):
    chief = Group.objects.get(name=CHIEF)
    foreign = Permission.objects.get(content_type__app_label="auth", codename="view_user")
    chief.permissions.add(foreign)

    sync_roles()

    assert chief.permissions.filter(pk=foreign.pk).exists()


def test_sync_roles_still_adds_and_removes_its_own(reference_rows):
    chief = Group.objects.get(name=CHIEF)
    stray = Permission.objects.get(content_type__app_label="cases", codename="submit_request")
    wanted = Permission.objects.get(content_type__app_label="cases", codename="decide_request")
    chief.permissions.add(stray)
    chief.permissions.remove(wanted)

    sync_roles()

    codenames = set(chief.permissions.values_list("codename", flat=True))
    assert "submit_request" not in codenames
    assert "decide_request" in codenames
