"""Facts about the HTTP client: its address and user agent, as logs record them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    pass


def client_ip(request: HttpRequest) -> str | None:
    # Behind the reverse proxy (docs/security.md), axes resolves the client address.
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return ip or None


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]
