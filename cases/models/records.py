"""Records kept beside the workflow: the audit chain's head, the access log, tracked sessions and
sent reminders.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.chain import KeySegmentBase
from cases.models.requests import CertificationRequest


class AuditChainHead(models.Model):
    """The head of a keyed hash chain (cases/audit.py): row 1 the CaseEvent chain (and the data
    version), row 2 the AccessLog chain. Locked while a link is appended, so the chain stays
    linear when two writers append at once; it also reveals a cut-off tail."""

    last_hash = models.CharField(max_length=64, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    # Raised by every write a page may show (cases/page_cache.py).
    data_version = models.BigIntegerField(default=0)
    # The audit key the chain's links are written with (cases/lib/chain.py: key rotation).
    key_id = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return f"audit chain head: {self.last_event_id}"


class AuditKeySegment(KeySegmentBase):
    """A rotation of ``UVISA_AUDIT_KEY`` in one chain, bound to the old head under both keys
    (cases/lib/chain.py). Written by ``manage.py audit_rotate_key``."""


class PageScopeVersion(models.Model):
    """The data version of one part of the data (cases/page_cache.py): ``requests`` (every
    request), ``group:<id>`` and ``user:<id>`` (the requests granted to that group or user),
    ``report`` (what the c. 258F s. 4 annual report counts). Raised with the writer's own
    transaction by every write about one request (``report`` only by those that can change
    the report)."""

    scope = models.CharField(max_length=64, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"


class AccessLog(models.Model):
    """Who looked at what, when, from where (C9, C15). Append-only, like CaseEvent."""

    class Action(models.TextChoices):
        VIEW_REQUEST = "view_request", _("Viewed a request")
        DOWNLOAD_DOCUMENT = "download_document", _("Downloaded a document")
        DOWNLOAD_FORM = "download_form", _("Downloaded a form or letter")
        VIEW_ACCESS_LOG = "view_access_log", _("Read the access log")
        EXPORT = "export", _("Exported data")
        # The public status page (/status/): the reference asked about and the result, never
        # the code typed.
        STATUS_LOOKUP = "status_lookup", _("Looked up a request's status")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=30, choices=Action.choices)
    request = models.ForeignKey(
        CertificationRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=30, blank=True, db_index=True)
    document = models.ForeignKey(
        "Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    # Tamper evidence (cases/audit.py): a keyed chain of its own, like CaseEvent's (C9).
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.reference}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("The access log is append-only.")


class ReauthGrant(models.Model):
    """One re-authentication (password and code), good for one decision (C2).

    Claimed with a single conditional UPDATE (cases/accounts/sessions.py): of two decisions
    posted at the same moment in one session, exactly one gets it; the session's copy of the
    grant is only a pointer to this row."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class RateLimitWindow(models.Model):
    """Requests from one address to one rate-limited page in one minute (cases/accounts/
    lockout.py). In the database, so that every worker and server shares the count."""

    scope = models.CharField(max_length=30)
    address = models.CharField(max_length=45)
    minute = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "address", "minute"], name="one_window")
        ]
        indexes = [models.Index(fields=["minute"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.address} {self.minute:%H:%M} {self.hits}"


class UserSession(models.Model):
    """A signed-in session, so users can see and end theirs and administrators anyone's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class ReminderSent(models.Model):
    """One reminder to one person about one request, claimed before the mail goes out.

    The unique constraint is what makes ``send_reminders`` exactly-once: a second run, or
    a second copy running at the same moment, fails to claim the row and sends nothing.
    """

    # None for reminders about no single request (the c. 258F s. 4 report by February 1).
    request = models.ForeignKey(
        CertificationRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(max_length=30, help_text="e.g. day_30, due_soon, overdue, validity")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "recipient"], name="one_reminder_per_kind_and_person"
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient"],
                condition=models.Q(request__isnull=True),
                name="one_agency_reminder_per_kind_and_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} -> {self.recipient_id}"


class SubmittedIntent(models.Model):
    """One submission of a form that creates something: its token is unique, so a form posted
    twice (a double click, a resent page) creates one object. Written in the same transaction
    as the object, so a refused submission leaves the token free for the corrected one."""

    token = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)  # which form: "request_create", "intake", a step
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # What the first submission made: the request's reference (no victim data).
    reference = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "token"], name="submitted_intent_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:8]}"
