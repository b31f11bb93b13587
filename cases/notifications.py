"""Notices by e-mail: who hears about which event, and the outbox that sends them.

A step writes its notice as an ``OutboundMail`` row in its own transaction
(``enqueue_notice``, called by ``record_event``): the notice exists exactly when the step does,
and the step never waits for the mail server. The ``send_outbox`` worker sends due rows
(``deliver_due``): each row is claimed by one conditional UPDATE before it is sent, so two
workers never send the same row; a failure is retried with exponential back-off and, after the
last try, stays "not sent" on the coordinator's page of notices, with a button to send again.
A row left "being sent" by a worker that died is never sent again on its own (it may have gone
out): it turns "not sent" for the coordinator to judge.

Subjects carry the reference and the step, never victim details (8 U.S.C. 1367 stance).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from cases.lib.base_url import absolute_url
from cases.models import CaseEvent, CertificationRequest, OutboundMail, Status
from cases.roles import CHIEF, COORDINATOR, SUBMIT, has_capability

logger = logging.getLogger(__name__)

State = OutboundMail.State


def _role_emails(role: str) -> list[str]:
    users = get_user_model().objects.filter(groups__name=role, is_active=True).exclude(email="")
    return list(users.values_list("email", flat=True))


def recipients_for(event: CaseEvent, request: CertificationRequest) -> list[str]:
    to: set[str] = set()
    if event.kind == CaseEvent.Kind.TRANSITION:
        if request.advocate is not None and request.advocate.email:
            to.add(request.advocate.email)  # the advocate hears of every state change
        if event.to_state == Status.CHIEF_DECISION:
            to.update(_role_emails(CHIEF))
        if event.transition in {"submit", "answer_information", "withdraw"}:
            to.update(_role_emails(COORDINATOR))
    elif event.kind == CaseEvent.Kind.NOTE and event.data.get("question_for") == "coordinator":
        to.update(_role_emails(COORDINATOR))
    elif (
        event.kind == CaseEvent.Kind.DOCUMENT_ADDED
        and request.status != Status.DRAFT
        and event.actor is not None
        and has_capability(event.actor, SUBMIT)
    ):
        to.update(_role_emails(COORDINATOR))  # the advocate added a document to an open request
    elif event.kind == CaseEvent.Kind.ASSIGNED:
        detective = request.assigned_detective
        if detective is not None and detective.email:
            to.add(detective.email)
    return sorted(to)


def enqueue_notice(event: CaseEvent) -> OutboundMail | None:
    """Write the notice of one event, in the caller's transaction; None when nobody hears."""
    if event.request_id is None:
        return None
    request = CertificationRequest.objects.select_related("advocate", "assigned_detective").get(
        pk=event.request_id
    )
    to = recipients_for(event, request)
    if not to:
        return None
    context = {"event": event, "request": request, "url": absolute_url(request.get_absolute_url())}
    subject = f"{request.reference}: {event.get_kind_display()}"
    if event.kind == CaseEvent.Kind.TRANSITION:
        subject = f"{request.reference}: {request.get_status_display()}"
    return OutboundMail.objects.create(
        event=event,
        request=request,
        to=to,
        subject=subject,
        body=render_to_string("emails/event.txt", context),
        html=render_to_string("emails/event.html", context),
        created_at=event.created_at,
        next_attempt_at=timezone.now(),
    )


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the ``attempts``-th failed try: base, 2x, 4x ... up to the cap."""
    base = settings.UVISA_OUTBOX_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.UVISA_OUTBOX_MAX_DELAY))


def _claim(pk: int, now: datetime) -> bool:
    """One conditional UPDATE: True for the one worker that moved the row to "being sent"."""
    return (
        OutboundMail.objects.filter(pk=pk, state=State.PENDING, next_attempt_at__lte=now).update(
            state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def _due_ids(now: datetime, batch: int) -> list[int]:
    due = OutboundMail.objects.filter(state=State.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: rows another worker is claiming right now are skipped, not waited for.
        with transaction.atomic():
            return list(
                due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch]
            )
    return list(due.values_list("pk", flat=True)[:batch])


def abandon_stuck(now: datetime) -> int:
    """Rows "being sent" longer than the lease: the worker died mid-send. The message may have
    left, so it is not retried on its own; the coordinator sees it and may send it again."""
    lease = timedelta(seconds=settings.UVISA_OUTBOX_LEASE_SECONDS)
    return OutboundMail.objects.filter(state=State.SENDING, claimed_at__lt=now - lease).update(
        state=State.FAILED,
        last_error="The sender stopped while sending: it may or may not have gone out.",
    )


def _send(mail: OutboundMail) -> None:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        to=mail.to,
        # The same Message-ID on every try: a mail server that saw it already may drop the copy.
        headers={"Message-ID": f"<notice-{mail.pk}@{settings.UVISA_OUTBOX_MESSAGE_DOMAIN}>"},
        connection=get_connection(timeout=settings.UVISA_OUTBOX_SMTP_TIMEOUT),
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    message.send()


def deliver_due(*, now: datetime | None = None, batch: int = 50) -> dict[str, int]:
    """Send the notices due by ``now``; returns counts (sent, retry, failed, skipped, stuck)."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "stuck": abandon_stuck(now)}
    for pk in _due_ids(now, batch):
        if not _claim(pk, now):
            counts["skipped"] += 1  # another worker has it
            continue
        mail = OutboundMail.objects.get(pk=pk)
        try:
            _send(mail)
        except Exception as exc:
            logger.warning("Notice %s not sent (try %s): %s", pk, mail.attempts, exc)
            error = f"{type(exc).__name__}: {exc}"[:500]
            if mail.attempts >= settings.UVISA_OUTBOX_MAX_ATTEMPTS:
                OutboundMail.objects.filter(pk=pk, state=State.SENDING).update(
                    state=State.FAILED, last_error=error
                )
                counts["failed"] += 1
            else:
                OutboundMail.objects.filter(pk=pk, state=State.SENDING).update(
                    state=State.PENDING,
                    last_error=error,
                    next_attempt_at=now + retry_delay(mail.attempts),
                )
                counts["retry"] += 1
            continue
        OutboundMail.objects.filter(pk=pk, state=State.SENDING).update(
            state=State.SENT, sent_at=timezone.now(), last_error=""
        )
        counts["sent"] += 1
    return counts


def undelivered() -> list[OutboundMail]:
    """What the coordinator sees: notices not sent, and those still being retried."""
    return list(
        OutboundMail.objects.filter(state__in=[State.FAILED, State.PENDING, State.SENDING])
        .exclude(state=State.PENDING, attempts=0)
        .select_related("request")
        .order_by("-created_at", "-pk")
    )
