"""Per-request security: session limits, the second factor, response headers (C1-C3, C22).

- ``SessionLimitsMiddleware``: 30 minutes idle and 12 hours in all, then sign in again.
- ``SecondFactorRequiredMiddleware``: a signed-in user who has not passed the second factor
  (TOTP or a recovery code) only reaches the second-factor pages and sign-out.
- ``SecurityHeadersMiddleware``: Content-Security-Policy without inline script, and
  ``Cache-Control: no-store`` on every page served to a signed-in user.
- ``PublicUploadGuardMiddleware``: the anonymous verification page refuses an upload by its
  Content-Length, and beyond a per-address rate, before a byte of the body is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import devices_for_user

if TYPE_CHECKING:
    pass

from cases.accounts import lockout
from cases.accounts.sessions import (
    AUTH_AT,
    SEEN_AT,
    end_tracked_session,
    now_ts,
    touch_tracked_session,
)

# Reachable before the second factor is passed.
SECOND_FACTOR_PATHS = ("mfa_verify", "mfa_setup", "logout", "login")


class SessionLimitsMiddleware:
    """End the session after the idle or the absolute limit; both measured server-side."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = now_ts()
            seen = request.session.get(SEEN_AT, now)
            started = request.session.get(AUTH_AT, now)
            reason = ""
            if now - seen > settings.UVISA_SESSION_IDLE_SECONDS:
                reason = "Your session ended after 30 minutes without activity."
            elif now - started > settings.UVISA_SESSION_ABSOLUTE_SECONDS:
                reason = "Your session reached its 12-hour limit."
            if reason:
                end_tracked_session(request.session.session_key, reason="timeout")
                logout(request)
                messages.info(request, reason + " Please sign in again.")
                return redirect(f"{reverse('login')}?next={request.path}")
            # Written at most once a minute, so most requests do not save the session.
            if now - seen >= 60 or SEEN_AT not in request.session:
                request.session[SEEN_AT] = now
                request.session.setdefault(AUTH_AT, now)
                touch_tracked_session(request)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Password alone is not enough: without a verified device only MFA pages are reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():
            match = getattr(request, "resolver_match", None)
            name = match.url_name if match else None
            if name is None:
                try:
                    name = resolve(request.path_info).url_name
                except Resolver404:
                    name = None
            if name not in SECOND_FACTOR_PATHS and name != "healthz":
                target = "mfa_verify" if any(devices_for_user(user)) else "mfa_setup"
                return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """CSP (no inline script, no framing) everywhere; no-store on signed-in pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.UVISA_CSP)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.user.is_authenticated or request.path.startswith("/accounts/"):
            # Victim data must not stay in browser or proxy caches (ASVS V14.3.2).
            response.headers["Cache-Control"] = "no-store, max-age=0"
            response.headers["Pragma"] = "no-cache"
        return response


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
        if request.path_info != self.path or request.method != "POST":
            return self.get_response(request)
        ip = lockout.address(request)
        if lockout.over_rate("verify", ip, settings.UVISA_VERIFY_PER_MINUTE):
            return _refusal(429, "Too many verification requests from your address.", 60)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _refusal(411, "The upload must declare its length.")
        if declared > settings.UVISA_MAX_VERIFY_BYTES + self.OVERHEAD:
            limit = settings.UVISA_MAX_VERIFY_BYTES // (1024 * 1024)
            return _refusal(413, f"The file is larger than {limit} MB.")
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
