"""E-mail after commit: who hears about which event.

Subjects carry the reference and the step, never victim details (8 U.S.C. 1367 stance).
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from cases.lib.base_url import absolute_url
from cases.models import CaseEvent, Status
from cases.roles import CHIEF, COORDINATOR, SUBMIT, has_capability

logger = logging.getLogger(__name__)


def _role_emails(role: str) -> list[str]:
    users = get_user_model().objects.filter(groups__name=role, is_active=True).exclude(email="")
    return list(users.values_list("email", flat=True))


def recipients_for(event: CaseEvent) -> list[str]:
    request = event.request
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


def notify_event(event_id: int) -> int:
    """Send the mail for one committed event; returns the number of messages sent."""
    event = CaseEvent.objects.select_related(
        "request__advocate", "request__assigned_detective"
    ).get(pk=event_id)
    to = recipients_for(event)
    if not to:
        return 0
    request = event.request
    context = {
        "event": event,
        "request": request,
        "url": absolute_url(request.get_absolute_url()),
    }
    subject = f"{request.reference}: {event.get_kind_display()}"
    if event.kind == CaseEvent.Kind.TRANSITION:
        subject = f"{request.reference}: {request.get_status_display()}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/event.txt", context),
        to=to,
    )
    message.attach_alternative(render_to_string("emails/event.html", context), "text/html")
    try:
        return message.send()
    except OSError:
        # The transition is committed; a mail-server outage must not turn it into an error page.
        logger.exception("Could not send notification for event %s", event_id)
        return 0
