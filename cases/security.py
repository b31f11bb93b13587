"""Sign-in, session and response security (docs/security.md, C1-C3, C9, C19, C22).

- ``SessionLimitsMiddleware``: 30 minutes idle and 12 hours in all, then sign in again.
- ``SecondFactorRequiredMiddleware``: a signed-in user who has not passed the second factor
  (TOTP or a recovery code) only reaches the second-factor pages and sign-out.
- ``SecurityHeadersMiddleware``: Content-Security-Policy without inline script, and
  ``Cache-Control: no-store`` on every page served to a signed-in user.
- ``log_access``: the one helper views call to write the access log.
- ``fresh_auth`` / ``needs_fresh_auth``: re-authentication right before sensitive steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from cases.models import AccessLog, CertificationRequest, Document

AUTH_AT = "uvisa_auth_at"  # when the password was accepted (absolute limit)
SEEN_AT = "uvisa_seen_at"  # last request (idle limit)
FRESH_AT = "uvisa_fresh_at"  # last full authentication: password and second factor

# Reachable before the second factor is passed.
SECOND_FACTOR_PATHS = ("mfa_verify", "mfa_setup", "logout", "login")


def now_ts() -> float:
    return timezone.now().timestamp()


def client_ip(request: HttpRequest) -> str | None:
    # Behind the reverse proxy (docs/security.md), axes resolves the client address.
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return ip or None


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


# --- middleware ---


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
                _touch_tracked_session(request)
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
                from django.urls import Resolver404, resolve

                try:
                    name = resolve(request.path_info).url_name
                except Resolver404:
                    name = None
            if name not in SECOND_FACTOR_PATHS and name != "healthz":
                from django_otp import devices_for_user

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


# --- re-authentication before sensitive steps (C2) ---


def mark_fresh_auth(request: HttpRequest) -> None:
    request.session[FRESH_AT] = now_ts()


def has_fresh_auth(request: HttpRequest) -> bool:
    at = request.session.get(FRESH_AT)
    return at is not None and now_ts() - at <= settings.UVISA_REAUTH_SECONDS


def consume_fresh_auth(request: HttpRequest) -> None:
    """One re-authentication covers one sensitive step."""
    request.session.pop(FRESH_AT, None)


# --- the access log (C9, C15) ---


def log_access(
    request: HttpRequest,
    *,
    action: str,
    obj: CertificationRequest | None = None,
    document: Document | None = None,
    detail: str = "",
) -> AccessLog:
    """Record who saw or downloaded what, when and from where. Never the victim's details."""
    from cases.models import AccessLog

    user = request.user if request.user.is_authenticated else None
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        request=obj,
        reference=obj.reference if obj else "",
        document=document,
        detail=detail[:300],
        ip_address=client_ip(request),
        user_agent=_user_agent(request),
        path=request.path[:300],
    )


# --- tracked sessions (C19: see and end sessions; disabling an account ends them) ---


def _touch_tracked_session(request: HttpRequest) -> None:
    from cases.models import UserSession

    key = request.session.session_key
    if not key:
        return
    UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
        last_seen=timezone.now()
    )


def end_tracked_session(session_key: str | None, *, reason: str) -> None:
    """Delete the server-side session (the cookie becomes worthless) and record why."""
    from cases.models import UserSession

    if not session_key:
        return
    Session.objects.filter(session_key=session_key).delete()
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )


def active_sessions(user: Any) -> Any:
    """The user's tracked sessions whose server-side session is still alive."""
    from cases.models import UserSession

    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, ended_at__isnull=True, session_key__in=alive)


def end_sessions_of(user: Any, *, reason: str) -> int:
    from cases.models import UserSession

    keys = list(
        UserSession.objects.filter(user=user, ended_at__isnull=True).values_list(
            "session_key", flat=True
        )
    )
    for key in keys:
        end_tracked_session(key, reason=reason)
    return len(keys)


@receiver(user_logged_in, dispatch_uid="uvisa_track_login")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from cases.models import UserSession

    if request is None or not hasattr(request, "session"):
        return
    now = now_ts()
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": _user_agent(request),
            "created_at": timezone.now(),
            "last_seen": timezone.now(),
        },
    )


@receiver(user_logged_out, dispatch_uid="uvisa_track_logout")
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from cases.models import UserSession

    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
                ended_at=timezone.now(), end_reason="signed out"
            )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="uvisa_disable_ends")
def _on_user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        end_sessions_of(instance, reason="account disabled")


@receiver(m2m_changed, dispatch_uid="uvisa_role_change_ends")
def _on_groups_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    """A role change takes effect at the next sign-in (C2: re-authenticate on role change)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    changed = action in {"post_add", "post_remove", "post_clear"}
    if sender is User.groups.through and changed and isinstance(instance, User):
        end_sessions_of(instance, reason="role changed")
