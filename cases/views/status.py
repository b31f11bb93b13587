"""The public status page (/status/): a requester without an account types the reference and
the code of the acknowledgement letter and sees the stage of the request, its dates and what
comes next; never a name, the crime, the narrative or a document (cases/public_status.py).

No oracle: a reference that does not exist, a request without a code and a wrong code get the
same page, the same status and the same work (cases/services/status_codes.py). Rate-limited
like /verify/ (the shared-memory window of cases/documents/guard.py): per client address on
every request, and per reference looked up; 429 with Retry-After beyond. Every look-up is in
the access log (reference, result), never the code. The code travels in the POST body only.
"""

from __future__ import annotations

from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions
from cases.audit import log_access
from cases.documents.guard import rate_count
from cases.forms import StatusLookupForm
from cases.lib.http import client_ip
from cases.lib.status_codes import normalize_reference
from cases.models import AccessLog
from cases.permissions import get_request_for_user
from cases.public_status import public_status
from cases.services.status_codes import request_new_status_code, request_with_code

RETRY_AFTER_SECONDS = 60


def _page(request: HttpRequest, context: dict[str, object], status: int = 200) -> HttpResponse:
    response = render(request, "cases/status.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    if status == 429:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _limited(request: HttpRequest) -> HttpResponse:
    return _page(request, {"form": StatusLookupForm(), "limited": True}, status=429)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    AxesProxyHandler.update_request(request)  # the client address behind the proxy
    ip = client_ip(request)
    ip_hits = rate_count("status", ip) if ip else 0
    over_ip = ip_hits > settings.UVISA_STATUS_PER_MINUTE
    if request.method != "POST":
        if over_ip:
            return _limited(request)
        return _page(request, {"form": StatusLookupForm()})
    form = StatusLookupForm(request.POST)
    if not form.is_valid():
        if over_ip:
            return _limited(request)
        return _page(request, {"form": form}, status=400)
    reference = normalize_reference(form.cleaned_data["reference"])
    ref_hits = rate_count("status-reference", reference)
    over_reference = ref_hits > settings.UVISA_STATUS_PER_REFERENCE
    if over_ip or over_reference:
        # One access-log row per address or reference and minute for the refusals: a flood
        # is refused without writing a row for each of its requests.
        first = ip_hits == settings.UVISA_STATUS_PER_MINUTE + 1 or (
            ref_hits == settings.UVISA_STATUS_PER_REFERENCE + 1
        )
        if first:
            log_access(
                request,
                action=AccessLog.Action.STATUS_LOOKUP,
                reference=reference,
                detail="limited",
            )
        return _limited(request)
    found = request_with_code(reference, form.cleaned_data["code"])
    log_access(
        request,
        action=AccessLog.Action.STATUS_LOOKUP,
        obj=found,
        reference=reference,
        detail="found" if found else "not found",
    )
    if found is None:
        # The same page whichever part was wrong; nothing typed is shown back.
        return _page(request, {"form": StatusLookupForm(), "not_found": True})
    language = form.cleaned_data["language"]
    return _page(
        request,
        {
            "form": StatusLookupForm(initial={"language": language}),
            "status": public_status(found, now=timezone.now(), language=language),
        },
    )


@require_POST
def status_code_new(request: HttpRequest, reference: str) -> HttpResponse:
    """The coordinator replaces a requester's lost status code (a new acknowledgement letter
    carries the new code; the old one stops working)."""
    user = cast(User, request.user)  # signed in (LoginRequiredMiddleware)
    obj = get_request_for_user(user, reference)
    if not permissions.can_issue_status_code(obj, user):
        raise PermissionDenied(_("Only the coordinator issues a new status code."))
    letter, _code = request_new_status_code(request=obj, actor=user)
    messages.success(
        request,
        _(
            "New status code issued; the earlier one no longer works. It is printed only in the "
            "new acknowledgement letter dated %(dated)s: send that letter to the requester."
        )
        % {"dated": f"{letter.dated:%m/%d/%Y}"},
    )
    return redirect(obj)
