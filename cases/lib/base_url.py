"""The address links in e-mails and PDFs start with.

``UVISA_BASE_URL`` when it is set (production: the address users type). Unset, a link made while
a page is being answered uses that request's own scheme and host (validated against
``ALLOWED_HOSTS`` by Django), so a development server on any port or address links to itself;
a link made outside a request (cron jobs) uses the first allowed host.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

_request_base: ContextVar[str] = ContextVar("uvisa_request_base_url", default="")


def base_url() -> str:
    """Scheme, host and port, without a trailing slash."""
    configured = (getattr(settings, "UVISA_BASE_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    current = _request_base.get()
    if current:
        return current
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*"]
    host = hosts[0].lstrip(".") if hosts else "127.0.0.1:8000"
    if settings.DEBUG and host in ("localhost", "127.0.0.1"):
        host = f"{host}:8000"
    return f"{'http' if settings.DEBUG else 'https'}://{host}"


def absolute_url(path: str) -> str:
    return base_url() + path


class BaseUrlMiddleware:
    """Remember the request's own address while it is answered (for links made meanwhile)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            here = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            here = ""
        token = _request_base.set(here)
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
