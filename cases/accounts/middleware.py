"""Per-request security: session limits, the second factor, response headers (C1-C3, C22).

- ``SessionLimitsMiddleware``: 30 minutes idle and 12 hours in all, then sign in again.
- ``SecondFactorRequiredMiddleware``: a signed-in user who has not passed the second factor
  (TOTP or a recovery code) only reaches the second-factor pages and sign-out.
- ``SecurityHeadersMiddleware``: Content-Security-Policy without inline script, and
  ``Cache-Control: no-store`` on every page served to a signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user

if TYPE_CHECKING:
    pass

from cases.accounts.sessions import (
    AUTH_AT,
    SEEN_AT,
    end_tracked_session,
    now_ts,
    touch_tracked_session,
)
from cases.lib.headers import add_security_headers

# Reachable before the second factor is passed.
SECOND_FACTOR_PATHS = ("mfa_verify", "mfa_setup", "logout", "login")
# Pages for everyone, signed in or not: health check, the written policy (c. 258F s. 2).
PUBLIC_PATHS = ("healthz", "public_policy", "public_policy_version")


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
                reason = _("Your session ended after 30 minutes without activity.")
            elif now - started > settings.UVISA_SESSION_ABSOLUTE_SECONDS:
                reason = _("Your session reached its 12-hour limit.")
            if reason:
                end_tracked_session(request.session.session_key, reason="timeout")
                logout(request)
                messages.info(request, reason + " " + _("Please sign in again."))
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
            if name not in SECOND_FACTOR_PATHS and name not in PUBLIC_PATHS:
                target = "mfa_verify" if any(devices_for_user(user)) else "mfa_setup"
                return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """CSP (no inline script, no framing) everywhere, error pages included; no-store on
    signed-in pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_security_headers(response)  # the same set on every response (cases/lib/headers.py)
        # Early in MIDDLEWARE: a response made before AuthenticationMiddleware ran has no user.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/accounts/"):
            # Victim data must not stay in browser or proxy caches (ASVS V14.3.2).
            response.headers["Cache-Control"] = "no-store, max-age=0"
            response.headers["Pragma"] = "no-cache"
        return response
