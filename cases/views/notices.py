"""The coordinator's page of notices the outbox has not sent, with a button to send one again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.notifications import undelivered
from cases.services import notices


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    if not notices.may_resend_notices(request.user):
        raise PermissionDenied(_("Only the coordinator sees the notices not sent."))
    return render(request, "cases/notices.html", {"mails": undelivered()})


@require_POST
def notice_resend(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        mail = notices.mail_resend(mail_id=pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The notice “%(subject)s” will be sent again within a minute.")
            % {"subject": mail.subject},
        )
    return redirect("notice_list")
