"""Deciding a reconsideration, shared by the certify and decline services.

Where the department has another designated certifying official, the one who denied does not
decide the reconsideration of his own denial; where he is the only one, he may, and the audit
says so. Certifying is the usual certify and ink path (cases/documents/issuing.py); declining
again is a written denial like the first (c. 258F s. 3(ii)), with the outcome letter besides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.errors import TransitionRefused
from cases.issued_letters import issue_letter
from cases.models import CertificationRequest, Reconsideration, Status
from cases.services.common import lock_request

if TYPE_CHECKING:
    from django.contrib.auth.models import User

AfterSave = Callable[[CertificationRequest], dict[str, Any]]


def pending_reconsideration(request: CertificationRequest) -> Reconsideration | None:
    return request.reconsiderations.filter(outcome="").order_by("-requested_at", "-pk").first()


def other_officials(request: CertificationRequest, actor: User) -> list[str]:
    """The department's other certifying officials designated today, by name."""
    today = timezone.localdate()
    return [
        f"{o.given_name} {o.family_name}"
        for o in request.agency.officials.exclude(user=actor)
        if o.is_active_on(today)
    ]


def deciding(
    request: CertificationRequest,
    actor: User,
    outcome: str,
    at: datetime,
    then: AfterSave | None = None,
) -> AfterSave | None:
    """For a request under reconsideration: refuse the official who denied where another
    may decide, and return what closes the reconsideration after the step (its row and the
    outcome letter), followed by ``then``. None for any other request."""
    locked = lock_request(request)
    if locked.status != Status.RECONSIDERATION:
        return None
    pending = pending_reconsideration(locked)
    official = perms.active_official(actor, locked)
    same = bool(
        pending is not None
        and pending.denied_by is not None
        and official is not None
        and pending.denied_by.user_id == official.user_id
    )
    if same:
        others = other_officials(locked, actor)
        if others:
            raise TransitionRefused(
                _(
                    "You denied %(reference)s: its reconsideration is decided by another "
                    "certifying official (%(others)s). Nothing was changed."
                )
                % {"reference": locked.reference, "others": ", ".join(others)}
            )

    def close(saved: CertificationRequest) -> dict[str, Any]:
        facts: dict[str, Any] = dict(then(saved)) if then is not None else {}
        if pending is not None:
            pending.outcome = outcome
            pending.decided_at = at
            pending.decided_by = official
            pending.same_official = same
            pending.save(update_fields=["outcome", "decided_at", "decided_by", "same_official"])
        letter = issue_letter(saved, "reconsideration_decision", actor=actor, at=at)
        return {
            **facts,
            "reconsideration": pending.pk if pending else None,
            "reconsideration_outcome": outcome,
            # No other designated official: the one who denied decided again.
            "same_official_alone": same,
            "reconsideration_letter": letter.pk,
            "reconsideration_letter_sha256": letter.sha256,
        }

    return close
