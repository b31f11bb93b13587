"""The coordinator sends a notice again (one the outbox could not send, or one interrupted)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseEvent, OutboundMail
from cases.roles import REVIEW, has_capability
from cases.services.common import record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def may_resend_notices(user: User) -> bool:
    """The coordinator (the review capability) watches the notices; superusers do not."""
    return has_capability(user, REVIEW)


@transaction.atomic
def mail_resend(*, mail_id: int, actor: User) -> OutboundMail:
    """Put a notice that was not sent back in the queue, with the resend in the case's audit."""
    if not may_resend_notices(actor):
        raise PermissionDenied(_("Only the coordinator sends a notice again."))
    mail = OutboundMail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is None:
        raise PermissionDenied(_("No such notice."))
    if mail.state not in (OutboundMail.State.FAILED, OutboundMail.State.PENDING):
        raise ValidationError(
            _("This notice is “%(state)s”: nothing to send again.")
            % {"state": mail.get_state_display()}
        )
    OutboundMail.objects.filter(pk=mail.pk).update(
        state=OutboundMail.State.PENDING, next_attempt_at=timezone.now(), last_error=""
    )
    record_event(
        mail.request,
        actor=actor,
        kind=CaseEvent.Kind.MAIL_RESENT,
        internal=True,
        data={"mail": mail.pk, "to": mail.to, "subject": mail.subject, "attempts": mail.attempts},
    )
    mail.refresh_from_db()
    return mail
