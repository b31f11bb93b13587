"""Deadline and validity reminders, each sent exactly once (``manage.py send_reminders``).

Who hears what (c. 258F s. 3 clock; alerts at 30, 60 and 75 days; the six-month filing validity):

- pending requests, standard track: the coordinators and whoever holds the request
  (the assigned detective in helpfulness review, the Chief in Chief decision) at each
  ``UVISA_REMINDER_DAYS`` threshold after receipt, and once more when overdue;
- expedited requests: the same people when the answer is due soon, and when overdue;
- decisions awaiting the ink signature more than 3 working days: the certifying official
  who decided (and the coordinators), once;
- certified requests: the advocate when the ink-signed form's filing validity ends within
  30 days;
- after a timely delay notice (c. 258F s. 3(iii)): the same people when the projected date
  is near (``PROJECTED_REMINDER_DAYS``), once per projected date, and when it has passed;
- in January: the coordinators and the designated Chiefs, until the c. 258F s. 4(a) report
  of the year before is recorded as submitted to EOPSS (due February 1).

Only the latest threshold a request has crossed is sent, so a person who takes over a
request does not get the earlier ones in a burst. Each (request, kind, recipient) row of
``ReminderSent`` is claimed together with its mail in the outbox (``OutboundMail``), in one
transaction: the unique constraint makes a second run, or a second copy running at the same
moment, skip it, and a reminder claimed is a reminder queued. The outbox worker
(cases/notifications.py) sends it like every notice: retried with back-off while the mail
server refuses, and shown to the coordinator under *Notices not sent* after the last try.

Subjects and bodies carry the reference, the dates and the step, never victim details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cases import clocks
from cases.clocks import ClockState
from cases.lib.base_url import base_url
from cases.models import (
    PENDING_STATES,
    AnnualReportSubmission,
    CertificationRequest,
    FormType,
    OutboundMail,
    ReminderSent,
    Status,
)
from cases.roles import CHIEF, COORDINATOR

if TYPE_CHECKING:
    from django.contrib.auth.models import User


VALIDITY_KIND = "validity_expires_soon"
INK_KIND = "ink_signature_pending"

# Days before a delay notice's projected date when the holders are reminded (c. 258F s. 3(iii)).
PROJECTED_REMINDER_DAYS = 14


@dataclass(frozen=True)
class Reminder:
    request: CertificationRequest
    kind: str
    recipient: User
    subject: str
    body: str


@dataclass(frozen=True)
class AgencyReminder:
    """A reminder about no single request (the annual report)."""

    request: None
    kind: str
    recipient: User
    subject: str
    body: str


def deadline_kind(
    clock: clocks.Clock, *, expedited: bool, thresholds: list[int] | None = None
) -> str | None:
    """Which deadline reminder a pending request is due now, if any (pure)."""
    if clock.state == ClockState.OVERDUE:
        return "overdue"
    if clock.state not in (ClockState.ON_TIME, ClockState.DUE_SOON):
        return None
    if clock.notice_sent_on and clock.projected_on and clock.days_left is not None:
        # Held to a projected date: one reminder before each projected date.
        if clock.days_left <= PROJECTED_REMINDER_DAYS:
            return f"projected_{clock.projected_on:%Y%m%d}"
        return None
    if expedited:
        return "due_soon" if clock.state == ClockState.DUE_SOON else None
    days = settings.UVISA_REMINDER_DAYS if thresholds is None else thresholds
    crossed = [d for d in days if clock.days_elapsed is not None and clock.days_elapsed >= d]
    return f"day_{max(crossed)}" if crossed else None


def _role_users(role: str) -> list[User]:
    users = get_user_model().objects.filter(groups__name=role, is_active=True).exclude(email="")
    return list(users.order_by("pk").prefetch_related("designations"))


def holders(
    request: CertificationRequest, *, coordinators: list[User], chiefs: list[User]
) -> list[User]:
    """The coordinators, plus whoever has the request on their desk now."""
    people = list(coordinators)
    if request.status == Status.HELPFULNESS_REVIEW and request.assigned_detective:
        people.append(request.assigned_detective)
    elif request.status == Status.CHIEF_DECISION:
        people.extend(chiefs)
    elif request.status == Status.AWAITING_INK and request.decided_by:
        people.append(request.decided_by)  # the official who must sign in ink
    unique = {p.pk: p for p in people if p.is_active and p.email}
    return list(unique.values())


def _deadline_subject(request: CertificationRequest, kind: str, clock: clocks.Clock) -> str:
    due = f"{clock.due_on:%m/%d/%Y}"
    if kind.startswith("projected_"):
        projected = f"{clock.projected_on:%m/%d/%Y}"
        return f"{request.reference}: decision projected by {projected} (delay notice)"
    if kind == "overdue" and clock.notice_sent_on:
        return f"{request.reference}: answer overdue (projected {clock.projected_on:%m/%d/%Y})"
    if kind == "overdue":
        return f"{request.reference}: answer overdue (was due {due})"
    if kind == "due_soon":
        return f"{request.reference}: expedited request, answer due {due}"
    return f"{request.reference}: day {clock.days_elapsed} since receipt, answer due {due}"


def pending_reminders(*, now: datetime) -> list[Reminder | AgencyReminder]:
    """Every reminder that ought to have gone out by ``now`` (sent or not)."""
    coordinators = _role_users(COORDINATOR)
    # The Chief's reminder goes to those who may decide now (8 CFR 214.14(a)(3)).
    today = timezone.localdate(now)
    chiefs = [
        u for u in _role_users(CHIEF) if any(d.is_active_on(today) for d in u.designations.all())
    ]
    site = base_url()
    result: list[Reminder | AgencyReminder] = []
    pending = (
        CertificationRequest.objects.filter(status__in=PENDING_STATES, received_at__isnull=False)
        .select_related("assigned_detective", "advocate", "decided_by")
        .prefetch_related("delay_notices")
    )
    for request in pending.order_by("pk"):
        clock = clocks.clock(request, now=now)
        kind = deadline_kind(clock, expedited=request.expedited)
        if kind is None:
            continue
        subject = _deadline_subject(request, kind, clock)
        context = {
            "request": request,
            "clock": clock,
            "kind": kind,
            "url": site + request.get_absolute_url(),
        }
        body = render_to_string("emails/reminder.txt", context)
        for person in holders(request, coordinators=coordinators, chiefs=chiefs):
            result.append(Reminder(request, kind, person, subject, body))
    result += _ink_reminders(now=now, coordinators=coordinators, site=site)
    # Forms signed in the last seven months are the only ones that can be about to expire.
    recent = timezone.localdate(now) - timedelta(days=215)
    # Only a U-visa certification has a filing period (8 CFR 214.14(c)(2)(i)); a T declaration
    # (Form I-914 Supplement B) has none.
    certified = CertificationRequest.objects.filter(
        status=Status.CERTIFIED, signed_on__gte=recent, form_type=FormType.U_VISA
    ).select_related("advocate")
    for request in certified.order_by("pk"):
        if clocks.validity(request.signed_on, now=now) != clocks.ValidityState.EXPIRES_SOON:
            continue
        advocate = request.advocate
        if advocate is None or not (advocate.is_active and advocate.email):
            continue
        last_day: date = clocks.filing_valid_until(request.signed_on)
        subject = f"{request.reference}: signed form can be filed until {last_day:%m/%d/%Y}"
        context = {
            "request": request,
            "kind": VALIDITY_KIND,
            "last_day": last_day,
            "url": site + request.get_absolute_url(),
        }
        body = render_to_string("emails/reminder.txt", context)
        result.append(Reminder(request, VALIDITY_KIND, advocate, subject, body))
    result += annual_report_reminders(today, [*coordinators, *chiefs])
    return result


def _ink_reminders(*, now: datetime, coordinators: list[User], site: str) -> list[Reminder]:
    """A decision waiting for the ink signature more than 3 working days (department policy):
    the Chief who decided signs, and the request stays unanswered until then (c. 258F s. 3(i))."""
    today = timezone.localdate(now)
    result = []
    waiting = CertificationRequest.objects.filter(
        status=Status.AWAITING_INK, decided_at__isnull=False
    ).select_related("decided_by")
    for request in waiting.order_by("pk"):
        decided = timezone.localdate(request.decided_at)
        waited = clocks.working_days_between(decided, today)
        if waited <= clocks.INK_REMINDER_WORKING_DAYS:
            continue
        subject = (
            f"{request.reference}: decided {decided:%m/%d/%Y}, "
            "the form still awaits the ink signature"
        )
        context = {
            "request": request,
            "kind": INK_KIND,
            "decided_on": decided,
            "working_days": waited,
            "url": site + request.get_absolute_url(),
        }
        body = render_to_string("emails/reminder.txt", context)
        people = [request.decided_by, *coordinators] if request.decided_by else coordinators
        unique = {p.pk: p for p in people if p.is_active and p.email}
        result += [Reminder(request, INK_KIND, p, subject, body) for p in unique.values()]
    return result


def annual_report_kind(year: int) -> str:
    return f"annual_report_{year}"


def annual_report_reminders(today: date, people: list[User]) -> list[AgencyReminder]:
    """c. 258F s. 4(a): the report of the year before goes to EOPSS by February 1. In January,
    until its submission is recorded, the coordinators and designated Chiefs are reminded."""
    if today.month != 1:
        return []
    year = today.year - 1
    if AnnualReportSubmission.objects.filter(year=year).exists():
        return []
    site = base_url()
    subject = f"c. 258F s. 4 annual report {year}: due to EOPSS by February 1, {today.year}"
    body = render_to_string(
        "emails/annual_report_reminder.txt",
        {"year": year, "due": date(today.year, 2, 1), "url": f"{site}/reports/annual/{year}/"},
    )
    unique = {p.pk: p for p in people if p.is_active and p.email}
    return [
        AgencyReminder(None, annual_report_kind(year), p, subject, body) for p in unique.values()
    ]


def _queue(reminder: Reminder | AgencyReminder, *, now: datetime) -> ReminderSent | None:
    """Claim the reminder and write its mail to the outbox, both or neither; None when another
    run already has it."""
    try:
        with transaction.atomic():
            claim = ReminderSent.objects.create(
                request=reminder.request,
                kind=reminder.kind,
                recipient=reminder.recipient,
                claimed_at=now,
                sent_at=now,  # handed to the outbox; OutboundMail.sent_at says when it went
            )
            OutboundMail.objects.create(
                reminder=claim,
                request=reminder.request,
                to=[reminder.recipient.email],
                subject=reminder.subject,
                body=reminder.body,
                created_at=now,
                next_attempt_at=now,
            )
            return claim
    except IntegrityError:
        return None


def send_reminders(*, now: datetime) -> dict[str, Any]:
    """Queue every reminder due by ``now`` that nobody has queued; returns counts. The outbox
    worker sends them (``notifications.deliver_due``)."""
    due = pending_reminders(now=now)
    done = set(
        ReminderSent.objects.filter(
            Q(request__in={r.request.pk for r in due if r.request is not None})
            | Q(request__isnull=True, kind__in={r.kind for r in due if r.request is None})
        ).values_list("request_id", "kind", "recipient_id")
    )
    queued = skipped = 0
    for reminder in due:
        request_id = reminder.request.pk if reminder.request is not None else None
        if (request_id, reminder.kind, reminder.recipient.pk) in done:
            skipped += 1
            continue
        if _queue(reminder, now=now) is None:
            skipped += 1  # another copy of the command claimed it first
            continue
        queued += 1
    return {"due": len(due), "queued": queued, "skipped": skipped}
