"""How a request's clock and progress are shown: plain data for templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases import clocks, permissions
from cases.certify_conditions import Obstacle, form_obstacles
from cases.clocks import ClockState
from cases.models import CertificationRequest, Status
from cases.roles import DECIDE, has_capability

PROGRESS = [
    (Status.RECEIVED, gettext_lazy("Received")),
    (Status.CRIME_CHECK, gettext_lazy("Crime check")),
    (Status.HELPFULNESS_REVIEW, gettext_lazy("Helpfulness review")),
    (Status.CHIEF_DECISION, gettext_lazy("Chief decision")),
    (Status.AWAITING_INK, gettext_lazy("Ink signature")),
    ("answered", gettext_lazy("Answered")),
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
    # The day the answer is due, and the one the days of ``label`` count to: the s. 3 due
    # date, or after a timely written delay notice its projected date (c. 258F s. 3(iii)).
    due: date | None
    delay: str = ""  # "Delay notice sent DATE, decision projected DATE" (c. 258F s. 3(iii))
    first_due: date | None = None  # the s. 3 due date before any delay notice


def clock_for(request: CertificationRequest, now: datetime) -> Badge:
    """The c. 258F s. 3 clock of one request (cases/clocks.py), as a badge with words."""
    clock = clocks.clock(request, now=now)
    days = clock.days_left
    if clock.state == ClockState.OVERDUE:
        label = ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", -days) % {
            "days": -days
        }
    elif clock.state in (ClockState.ON_TIME, ClockState.DUE_SOON):
        label = ngettext("Due in %(days)s day", "Due in %(days)s days", days) % {"days": days}
    elif clock.state == ClockState.NOT_STARTED:
        label = _("Not submitted")
    else:
        label = clock.label
    due = clock.deadline_on or clock.due_on
    return Badge(TONES[clock.state], label, due, clock.delay_text, clock.due_on)


def progress_for(request: CertificationRequest) -> list[dict]:
    """Steps of the progress bar, each complete, current, skipped or to come.

    A step the request passed without taking it (the helpfulness review of a request referred
    to the Chief as not qualifying) is "skipped", never shown as done (WCAG 2.1 SC 1.3.1: the
    indicator must say what happened)."""
    status = request.status
    if status == Status.INFO_REQUESTED:
        status = request.info_return_state or Status.RECEIVED
    if status == Status.RECONSIDERATION:  # the decision is taken again
        status = Status.CHIEF_DECISION
    keys = [key for key, _label in PROGRESS]
    if status in (
        Status.CERTIFIED,
        Status.DECLINED,
        Status.REFERRED,
        Status.CERTIFICATION_WITHDRAWN,
    ):
        current = len(keys) - 1
    elif status in keys:
        current = keys.index(status)
    else:  # draft or withdrawn
        current = -1
    steps = []
    for i, (key, label) in enumerate(PROGRESS):
        state = "complete" if i < current else "current" if i == current else "todo"
        if state == "complete" and key == Status.HELPFULNESS_REVIEW and not request.attested_at:
            state = "skipped"
        if (
            state == "complete"
            and key == Status.AWAITING_INK
            and request.status
            in (
                Status.DECLINED,
                Status.REFERRED,
                Status.WITHDRAWN,
            )
        ):
            state = "skipped"  # a denial or a referral is not signed in ink
        steps.append({"label": label, "state": state})
    return steps


# Who holds the request in each state, for the message after a step.
HOLDER = {
    Status.DRAFT: gettext_lazy("is a draft with the advocate"),
    Status.RECEIVED: gettext_lazy("is with the coordinator"),
    Status.CRIME_CHECK: gettext_lazy("is with the coordinator for the qualifying-crime check"),
    Status.CHIEF_DECISION: gettext_lazy("is with the Chief for the decision"),
    Status.INFO_REQUESTED: gettext_lazy("waits for the advocate's answer"),
    Status.AWAITING_INK: gettext_lazy("waits for the Chief's ink signature"),
}


def step_message(request: CertificationRequest, label: str) -> str:
    """What a step did and what comes next, e.g. "Submit request: done. MPD-UV-2026-0038 is
    with the coordinator; answer due by 02/23/2027." (WCAG 2.1 SC 4.1.3, status messages)."""
    ref = request.reference
    status = request.status
    due = request.due_on.strftime("%m/%d/%Y") if request.due_on else ""
    if status == Status.HELPFULNESS_REVIEW:
        detective = request.assigned_detective
        name = (detective.get_full_name() or detective.get_username()) if detective else ""
        where = (
            _("is with detective %(name)s for the helpfulness review") % {"name": name}
            if name
            else ""
        )
        where = where or _("is in the helpfulness review")
    elif status == Status.CERTIFIED:
        where = _("is certified")
        last_day = clocks.valid_until(request.form_type, request.signed_on)
        if last_day:
            where += _("; the signed form can be filed with USCIS until %(last_day)s") % {
                "last_day": format(last_day, "%m/%d/%Y")
            }
        return _("%(label)s: done. %(ref)s %(where)s.") % {
            "label": label,
            "ref": ref,
            "where": where,
        }
    elif status == Status.DECLINED:
        return _("%(label)s: done. %(ref)s is declined; the denial letter is ready below.") % {
            "label": label,
            "ref": ref,
        }
    elif status == Status.REFERRED:
        return _(
            "%(label)s: done. %(ref)s is referred to the agency with jurisdiction; the "
            "referral letter is ready below."
        ) % {"label": label, "ref": ref}
    elif status == Status.WITHDRAWN:
        return _("%(label)s: done. %(ref)s is withdrawn; nothing more is due.") % {
            "label": label,
            "ref": ref,
        }
    elif status == Status.CERTIFICATION_WITHDRAWN:
        return _("%(label)s: done. The certification of %(ref)s is withdrawn.") % {
            "label": label,
            "ref": ref,
        }
    elif status == Status.RECONSIDERATION:
        pending = request.reconsiderations.filter(outcome="").order_by("-requested_at").first()
        where = _("is with a certifying official for reconsideration of the denial")
        if pending is not None:
            return _("%(label)s: done. %(ref)s %(where)s; answer due by %(due)s.") % {
                "label": label,
                "ref": ref,
                "where": where,
                "due": pending.due_on.strftime("%m/%d/%Y"),
            }
    elif status == Status.INFO_REQUESTED and request.advocate_id is None:
        # Received by mail, e-mail, fax or in person: the requester answers, not an advocate.
        where = _("waits for the requester's answer by mail, e-mail or in person")
    else:
        where = str(
            HOLDER.get(status) or _("is “%(status)s”") % {"status": request.get_status_display()}
        )
    if request.delay_projected_date:
        projected = request.delay_projected_date.strftime("%m/%d/%Y")
        return _(
            "%(label)s: done. %(ref)s %(where)s; projected answer %(projected)s (delay notice)."
        ) % {
            "label": label,
            "ref": ref,
            "where": where,
            "projected": projected,
        }
    if due:
        return _("%(label)s: done. %(ref)s %(where)s; answer due by %(due)s.") % {
            "label": label,
            "ref": ref,
            "where": where,
            "due": due,
        }
    return _("%(label)s: done. %(ref)s %(where)s.") % {"label": label, "ref": ref, "where": where}


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


@dataclass(frozen=True)
class CertifyObstacle:
    """One thing that stands in the way of Certify, and where it is done."""

    text: str
    what: str  # what to do, in words
    url: str = ""  # where: a page or an anchor on the case page
    link: str = ""  # the link's words


def _where_item(request: CertificationRequest, user: Any, o: Obstacle) -> CertifyObstacle:
    """Where an empty item of Supplement B is filled in, for the one who sees the list."""
    if o.kind == "edition":
        return CertifyObstacle(o.text, _("An administrator loads the form's edition."))
    if o.kind == "to_adopt" or o.attested:
        return CertifyObstacle(
            o.text,
            _("The department's text is not adopted yet: adopt the proposal or write it.")
            if o.kind == "to_adopt"
            else _("The department's text of it is empty: write it."),
            reverse("department_text_rewrite", args=[request.reference, o.part, o.number]),
            _("Write the department's text"),
        )
    if o.part == 1:
        if permissions.can_enter_for_requester(request, user) or request.organization_id is None:
            return CertifyObstacle(
                o.text,
                _("The coordinator enters it from what the requester sent."),
                reverse("enter_for_requester", args=[request.reference]),
                _("What the requester sent (Part 1)"),
            )
        return CertifyObstacle(
            o.text,
            _("The advocate fills it in: ask with “Request information”."),
            "#step-request_information",
            _("Request information"),
        )
    if o.source.split(".")[0] in ("agency", "official", "head") or o.part == 6:
        return CertifyObstacle(
            o.text,
            _("From the agency's record and the designations: an administrator completes it."),
            reverse("designation_list") if o.source.startswith("head.") else "",
            _("Certifying officials") if o.source.startswith("head.") else "",
        )
    if o.part in (4, 5):
        return CertifyObstacle(
            o.text,
            _("The detective's attestation (Parts 4 and 5) is missing or incomplete."),
            "#step-return_for_review",
            _("Return for further review"),
        )
    return CertifyObstacle(
        o.text, _("Set in the qualifying-crime check (Parts 2 and 3), which is closed now.")
    )


def certify_obstacles(request: CertificationRequest, user: Any) -> list[CertifyObstacle]:
    """For one who decides: what still stands in the way of Certify while the request waits
    for the decision, each with where it is done. Empty when Certify is offered. Built from
    the lists the certify guards read (cases/certify_conditions.py) and the step's rule
    (cases/permissions.py), so it names exactly why the button is absent."""
    if request.status != Status.CHIEF_DECISION or not has_capability(user, DECIDE):
        return []
    if not permissions.in_scope(user, request) or permissions.may_take_step(
        "certify", request, user
    ):
        return []
    found: list[CertifyObstacle] = []
    if permissions.active_official(user, request) is None:
        found.append(
            CertifyObstacle(
                _("You hold no certifying-official designation in force today"),
                _("The agency head designates certifying officials in writing."),
                reverse("designation_list"),
                _("Certifying officials"),
            )
        )
    for o in form_obstacles(request):
        if o.kind in ("missing", "to_adopt", "edition"):
            found.append(_where_item(request, user, o))
        elif o.code == "head_designation_expired":
            found.append(
                CertifyObstacle(
                    o.text,
                    _("Acknowledge it below, or record the head's designation."),
                    "#consistency-h",
                    _("Consistency before certifying"),
                )
            )
        elif o.kind == "warning":
            found.append(
                CertifyObstacle(
                    f"{o.text} (not yet acknowledged)",
                    _("Read it and acknowledge it."),
                    "#consistency-h",
                    _("Consistency before certifying"),
                )
            )
        elif o.code == "part3_item1_empty":
            found.append(
                CertifyObstacle(
                    o.text, _("Set in the qualifying-crime check (Part 3), which is closed now.")
                )
            )
        else:  # Part 4 items 1-2 "No": the detective's attestation
            found.append(
                CertifyObstacle(
                    o.text,
                    _("The detective's attestation says so: return it for further review."),
                    "#step-return_for_review",
                    _("Return for further review"),
                )
            )
    return found
