"""The public verification page's guard, in front of everything that reads a request body.

/verify/ takes files from anyone (ASVS V12.1.1, V13.4.1; finding 5 of the security review):
every request (the form page and its POST) is refused with 429 beyond
``UVISA_VERIFY_PER_MINUTE`` per address, counted in shared memory rather than the database; a
POST with 411 without a declared length, with 413 when the declared length is over
``UVISA_MAX_VERIFY_BYTES``, and with 503 when every parsing slot is busy
(cases/documents/pdf_sandbox.py), all before the session, the CSRF check or the form parser
reads a byte of the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from cases.documents import pdf_sandbox
from cases.lib import rate_window
from cases.lib.http import client_ip


def window_path() -> str:
    """This machine's counter file: ``UVISA_RATE_WINDOW_PATH``, or one per database."""
    configured = getattr(settings, "UVISA_RATE_WINDOW_PATH", "")
    name = f"{settings.BASE_DIR}:{settings.DATABASES['default'].get('NAME')}"
    return configured or rate_window.default_path(name)


def over_rate(scope: str, ip: str | None, per_minute: int) -> bool:
    """Count one request from ``ip`` to ``scope`` in this minute; True beyond ``per_minute``.

    A fixed window in shared memory for every worker of this machine (cases/lib/rate_window.py):
    no database write, so a flood never queues signed-in pages behind its commits."""
    if ip is None:
        return False
    return rate_count(scope, ip) > per_minute


def rate_count(scope: str, value: str) -> int:
    """Count one request for ``value`` (an address, a reference) to ``scope`` in this minute
    and return the minute's count, in the same shared-memory window."""
    key = hashlib.sha256(f"uvisa-rate:{settings.SECRET_KEY}".encode()).digest()
    return rate_window.hits(window_path(), key, f"{scope}:{value}")


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
    # A page like the others, rendered without the request: no session, user or database is
    # touched for a refusal. Its security headers come from SecurityHeadersMiddleware, which
    # sits outside this guard.
    body = render_to_string("refused.html", {"text": text})
    response = HttpResponse(body, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    # The unread body is not drained: the server closes the connection instead.
    response["Connection"] = "close"
    return response
