"""Tracked sessions and re-authentication (C2, C19).

- Every sign-in is a ``UserSession`` row; a user sees and ends their sessions, and disabling an
  account or changing its roles ends them all.
- ``mark_fresh_auth`` / ``has_fresh_auth`` / ``consume_fresh_auth``: one re-authentication right
  before one sensitive step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

if TYPE_CHECKING:
    pass

from cases.lib.http import client_ip, user_agent
from cases.models import UserSession
from cases.reauth import (  # noqa: F401  (the re-authentication lives in cases/reauth.py)
    FRESH_AT,
    FRESH_GRANT,
    consume_fresh_auth,
    has_fresh_auth,
    mark_fresh_auth,
    now_ts,
)

AUTH_AT = "uvisa_auth_at"  # when the password was accepted (absolute limit)


SEEN_AT = "uvisa_seen_at"  # last request (idle limit)


def touch_tracked_session(request: HttpRequest) -> None:

    key = request.session.session_key
    if not key:
        return
    UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
        last_seen=timezone.now()
    )


def end_tracked_session(session_key: str | None, *, reason: str) -> None:
    """Delete the server-side session (the cookie becomes worthless) and record why."""

    if not session_key:
        return
    Session.objects.filter(session_key=session_key).delete()
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )


def active_sessions(user: Any) -> Any:
    """The user's tracked sessions whose server-side session is still alive."""

    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, ended_at__isnull=True, session_key__in=alive)


def end_sessions_of(user: Any, *, reason: str) -> int:

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
            "user_agent": user_agent(request),
            "created_at": timezone.now(),
            "last_seen": timezone.now(),
        },
    )


@receiver(user_logged_out, dispatch_uid="uvisa_track_logout")
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:

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

    User = get_user_model()
    changed = action in {"post_add", "post_remove", "post_clear"}
    if sender is User.groups.through and changed and isinstance(instance, User):
        end_sessions_of(instance, reason="role changed")
