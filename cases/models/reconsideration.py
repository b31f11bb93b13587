"""A requester's ask that the department reconsider its denial, and the decision on it.

Kept beside the request: the request's state says a reconsideration is pending
(``Status.RECONSIDERATION``); this row keeps what was asked, by whom and through which
channel, the denial it reconsiders (its official and day), its own clock
(``clocks.reconsideration_due``) and the outcome. A request may be reconsidered more than
once, one row each time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.lib.crypto import EncryptedTextField
from cases.models.reference import CertifyingOfficial
from cases.models.requests import CertificationRequest


class Reconsideration(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        MAIL = "mail", _("Mail")
        EMAIL = "email", _("E-mail")
        IN_PERSON = "in_person", _("In person")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted: certified")
        DENIED = "denied", _("Denied again")
        WITHDRAWN = "withdrawn", _("Withdrawn by the requester")

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.PROTECT, related_name="reconsiderations"
    )
    requested_at = models.DateTimeField()
    # Who recorded it: the advocate on the portal, or the coordinator for one received by mail.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    reasons = EncryptedTextField()
    due_on = models.DateField()
    # The denial reconsidered: its official (another one decides where there is one) and day.
    denied_by = models.ForeignKey(
        CertifyingOfficial, null=True, on_delete=models.PROTECT, related_name="+"
    )
    denied_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        CertifyingOfficial, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The department has no other designated official: the one who denied decided again.
    same_official = models.BooleanField(default=False)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} reconsideration {self.requested_at:%Y-%m-%d}"
