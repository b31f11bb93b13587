"""The outbox: every notice a step sends, written in the step's own transaction.

A step never talks to the mail server: it writes an ``OutboundMail`` row beside its audit
event, and the ``send_outbox`` worker sends the row after commit, retrying with back-off. A row
the worker could not send stays visible to the coordinator, who may send it again.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.events import CaseEvent
from cases.models.requests import CertificationRequest


class OutboundMail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    # One notice per audit event: writing the same event's notice twice fails here.
    event = models.OneToOneField(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="mail"
    )
    # None for a reminder about no single request (the c. 258F s. 4 report by February 1).
    request = models.ForeignKey(
        CertificationRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="mails"
    )
    # A deadline or validity reminder (cases/reminders.py): written with its claim, in one
    # transaction, so a reminder claimed is a reminder queued.
    reminder = models.OneToOneField(
        "cases.ReminderSent", null=True, blank=True, on_delete=models.PROTECT, related_name="mail"
    )
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_state_display()})"
