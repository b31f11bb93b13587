"""How a request's clock and progress are shown: plain data for templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases import clocks
from cases.clocks import ClockState
from cases.models import CertificationRequest, Status

PROGRESS = [
    (Status.RECEIVED, "Received"),
    (Status.CRIME_CHECK, "Crime check"),
    (Status.HELPFULNESS_REVIEW, "Helpfulness review"),
    (Status.CHIEF_DECISION, "Chief decision"),
    ("answered", "Answered"),
]


TONES = {
    ClockState.NOT_STARTED: "none",
    ClockState.ON_TIME: "ok",
    ClockState.DUE_SOON: "soon",
    ClockState.OVERDUE: "overdue",
    ClockState.ANSWERED_ON_TIME: "done",
    ClockState.ANSWERED_LATE: "done",
    ClockState.WITHDRAWN: "done",
}


@dataclass(frozen=True)
class Badge:
    tone: str  # "ok", "soon", "overdue", "done", "none": the colour (app.css .clock-*)
    label: str
    due: date | None
    delay: str = ""  # "Delay notice sent DATE, decision projected DATE" (c. 258F s. 3(iii))
    deadline: date | None = None  # the due date, or the projected date of a timely notice


def clock_for(request: CertificationRequest, now: datetime) -> Badge:
    """The c. 258F s. 3 clock of one request (cases/clocks.py), as a badge with words."""
    clock = clocks.clock(request, now=now)
    days = clock.days_left
    if clock.state == ClockState.OVERDUE:
        label = f"Overdue by {-days} day{'s' if days != -1 else ''}"
    elif clock.state in (ClockState.ON_TIME, ClockState.DUE_SOON):
        label = f"Due in {days} day{'s' if days != 1 else ''}"
    elif clock.state == ClockState.NOT_STARTED:
        label = "Not submitted"
    else:
        label = clock.label
    return Badge(TONES[clock.state], label, clock.due_on, clock.delay_text, clock.deadline_on)


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


def empty_fields_html(form_class: Any, prefix: str) -> SafeString:
    """The fields of an empty form: the same HTML on every case page, so built once per
    worker. Forms with errors are rendered from the bound form instead."""
    key = f"empty-fields:v1:{form_class.__module__}.{form_class.__qualname__}:{prefix}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "cases/includes/form_fields.html", {"form": form_class(prefix=prefix)}
        )
        cache.set(key, html, None)
    return html
