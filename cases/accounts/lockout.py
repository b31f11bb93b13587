"""Account lockout and the per-address throttle (C5, C20; CJIS 5.5.3 / NIST 800-53 AC-7).

- An account is locked by its user name, whatever the address or user agent of the
  failures: django-axes keeps one AccessAttempt row per (user name, address, agent) and sums
  them (``AXES_LOCKOUT_PARAMETERS = ["username"]``). 5 failures within 15 minutes lock it.
- A lock is held until an administrator releases it: failures older than 15 minutes are
  forgotten only while the account is *not* locked (forgetting them from a lock spread over
  several agents used to release it by itself).
- Wrong second-factor codes are failures too, and the counter is reset only when the second
  factor is passed, never by the password step alone.
- Password spraying (many user names from one address) is throttled per address:
  ``UVISA_ADDRESS_FAILURE_LIMIT`` failures within 15 minutes from one address refuse further
  sign-in attempts from it until the window has passed. It is a throttle, not a lock: a
  station behind one address is not shut out for longer than the window.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from cases.lib.http import client_ip


def _window_start() -> object:
    return timezone.now() - timedelta(seconds=settings.UVISA_FAILURE_WINDOW_SECONDS)


def failures(username: str) -> int:
    """Failures counted against the account now, over every address and agent."""
    total = AccessAttempt.objects.filter(username=username).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def is_locked(username: str) -> bool:
    return failures(username) >= settings.AXES_FAILURE_LIMIT


def forget_stale_failures(username: str) -> None:
    """C5 counts 5 failures *within 15 minutes*: older failures that did not lock are dropped.
    A lock stays until an administrator releases it (admin or ``axes_reset_username``)."""
    if is_locked(username):
        return
    AccessAttempt.objects.filter(username=username, attempt_time__lt=_window_start()).delete()


def second_factor_passed(username: str) -> None:
    """The whole sign-in succeeded: the failures before it no longer count."""
    if not is_locked(username):
        AccessAttempt.objects.filter(username=username).delete()


def address(request: HttpRequest) -> str | None:
    AxesProxyHandler.update_request(request)
    return client_ip(request)


def address_throttled(request: HttpRequest) -> bool:
    """Too many failed sign-ins from this address, for any user names, within 15 minutes."""
    ip = address(request)
    if ip is None:
        return False
    recent = AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=_window_start())
    return recent.count() >= settings.UVISA_ADDRESS_FAILURE_LIMIT
