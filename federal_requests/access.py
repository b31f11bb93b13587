"""Who may open this part of the application: the records officer, the Chief, the auditor.

Everyone else, superusers included (IT staff administer the system and take no part in the
log), gets 404 on every page, as if the pages did not exist. Inside the three roles, an
action the role may not take is 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from federal_requests import roles

APP = "federal_requests"


def can(user: Any, codename: str) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.has_perm(f"{APP}.{codename}")
    )


def is_member(user: Any) -> bool:
    return can(user, roles.VIEW)


def require_member(user: Any) -> None:
    if not is_member(user):
        raise Http404("Page not found.")


def require(user: Any, codename: str) -> None:
    require_member(user)
    if not can(user, codename):
        raise PermissionDenied(_("Your role cannot do this here."))


def capabilities(user: Any) -> dict[str, bool]:
    """For templates: which actions to offer."""
    return {
        "record": can(user, roles.RECORD),
        "decide": can(user, roles.DECIDE_DISCLOSURE),
        "submit": can(user, roles.SUBMIT_REPORT),
        "audit": can(user, roles.VIEW_AUDIT),
    }
