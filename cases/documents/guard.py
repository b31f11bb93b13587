"""The public verification page's guard, in front of everything that reads a request body.

/verify/ takes files from anyone (ASVS V12.1.1, V13.4.1; finding 5 of the security review):
every request (the form page and its POST) is refused with 429 beyond
``UVISA_VERIFY_PER_MINUTE`` per address; a POST with 411 without a declared length, with 413
when the declared length is over ``UVISA_MAX_VERIFY_BYTES``, and with 503 when every parsing
slot is busy (cases/documents/pdf_sandbox.py), all before the CSRF check or the form parser
reads a byte of the body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from cases.documents import pdf_sandbox
from cases.lib.http import client_ip
from cases.models import RateLimitWindow

# Addresses already over the limit in this minute, per worker: refusing them again costs no
# database write (a flood is refused at the price of a dictionary lookup).
_over: dict[tuple[str, str], object] = {}


def over_rate(scope: str, ip: str | None, per_minute: int) -> bool:
    """Count one request from ``ip`` to ``scope`` in this minute; True beyond ``per_minute``.

    Shared by every worker (a database row per address and minute); rows of earlier minutes
    are dropped when a new minute starts."""
    if ip is None:
        return False
    minute = timezone.now().replace(second=0, microsecond=0)
    if _over.get((scope, ip)) == minute:
        return True
    window = RateLimitWindow.objects.filter(scope=scope, address=ip, minute=minute)
    if not window.update(hits=F("hits") + 1):
        try:
            with transaction.atomic():
                RateLimitWindow.objects.create(scope=scope, address=ip, minute=minute, hits=1)
        except IntegrityError:  # another worker created it first
            window.update(hits=F("hits") + 1)
        RateLimitWindow.objects.filter(minute__lt=minute - timedelta(minutes=5)).delete()
    hits = window.values_list("hits", flat=True).first() or 0
    if hits > per_minute:
        if len(_over) > 10_000:
            _over.clear()
        _over[(scope, ip)] = minute
        return True
    return False


class PublicUploadGuardMiddleware:
    """/verify/ takes files from anyone (ASVS V12.1.1, V13.4.1): refuse a POST whose declared
    size is over the limit or absent, and a client over ``UVISA_VERIFY_PER_MINUTE``, before
    anything (CSRF check, form parsing) reads the body. Placed before CsrfViewMiddleware."""

    # Multipart framing and the code field around the file.
    OVERHEAD = 64 * 1024

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = reverse("verify")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != self.path:
            return self.get_response(request)
        AxesProxyHandler.update_request(request)  # the client address behind the proxy
        if over_rate("verify", client_ip(request), settings.UVISA_VERIFY_PER_MINUTE):
            return _refusal(429, "Too many verification requests from your address.", 60)
        if request.method != "POST":
            return self.get_response(request)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _refusal(411, "The upload must declare its length.")
        if declared > settings.UVISA_MAX_VERIFY_BYTES + self.OVERHEAD:
            limit = settings.UVISA_MAX_VERIFY_BYTES // (1024 * 1024)
            return _refusal(413, f"The file is larger than {limit} MB.")
        if declared > self.OVERHEAD and pdf_sandbox.all_busy(settings.UVISA_VERIFY_CONCURRENCY):
            # An upload that could not be parsed now is not read at all.
            return _refusal(503, "Many files are being checked right now; try again shortly.", 5)
        return self.get_response(request)


def _refusal(status: int, text: str, retry_after: int | None = None) -> HttpResponse:
    # Plain text: no session, user or template is touched for a refused upload.
    response = HttpResponse(
        text + " Nothing was read or kept.\n", status=status, content_type="text/plain"
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    # The unread body is not drained: the server closes the connection instead.
    response["Connection"] = "close"
    return response
