"""How a request's clock and progress are shown: plain data for templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cases.models import CLOSED_STATES, CertificationRequest, Status

DUE_SOON_DAYS = 14

PROGRESS = [
    (Status.RECEIVED, "Received"),
    (Status.CRIME_CHECK, "Crime check"),
    (Status.HELPFULNESS_REVIEW, "Helpfulness review"),
    (Status.CHIEF_DECISION, "Chief decision"),
    ("answered", "Answered"),
]


@dataclass(frozen=True)
class Clock:
    tone: str  # "ok", "soon", "overdue", "done", "none"
    label: str
    due: date | None


def clock_for(request: CertificationRequest, today: date) -> Clock:
    """The c. 258F s. 3 clock of one request, as a badge."""
    if request.due_on is None:
        return Clock("none", "Not submitted", None)
    if request.status in CLOSED_STATES:
        if request.decided_at is None:
            return Clock("done", "Closed", request.due_on)
        late = timezone.localdate(request.decided_at) > request.due_on  # issue 5: on time/late
        return Clock("done", "Answered late" if late else "Answered on time", request.due_on)
    days = (request.due_on - today).days
    if days < 0:
        return Clock(
            "overdue", f"Overdue by {-days} day{'s' if days != -1 else ''}", request.due_on
        )
    if days <= DUE_SOON_DAYS:
        return Clock("soon", f"Due in {days} day{'s' if days != 1 else ''}", request.due_on)
    return Clock("ok", f"Due in {days} days", request.due_on)


def progress_for(request: CertificationRequest) -> list[dict]:
    """Steps of the progress bar, each complete, current or to come."""
    status = request.status
    if status == Status.INFO_REQUESTED:
        status = request.info_return_state or Status.RECEIVED
    keys = [key for key, _label in PROGRESS]
    if status in (Status.CERTIFIED, Status.DECLINED, Status.CERTIFICATION_WITHDRAWN):
        current = len(keys) - 1
    elif status in keys:
        current = keys.index(status)
    else:  # draft or withdrawn
        current = -1
    return [
        {
            "label": label,
            "state": "complete" if i < current else "current" if i == current else "todo",
        }
        for i, (_key, label) in enumerate(PROGRESS)
    ]
