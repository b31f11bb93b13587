"""Signed-in sessions for the benchmark, made the way the test suite's ``sign_in`` makes them.

The benchmark users (``seed_bulk``'s ``bulk-...`` accounts) have no usable password, so a
session is written directly: Django's login, then, when the security layer is installed,
django-otp's verified device for a real confirmed TOTP device (honestly marked verified,
as after a correct code) and the fresh-authentication time.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.test import Client


def session_cookie(user: Any) -> str:
    """The session id of a new signed-in session for ``user``."""
    client = Client()
    client.force_login(user)
    if "django_otp" in settings.INSTALLED_APPS:
        import django_otp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(
            user=user, name="benchmark authenticator", confirmed=True
        )
        request = HttpRequest()
        request.session = client.session
        request.user = user
        django_otp.login(request, device)
        try:
            from cases.accounts.sessions import mark_fresh_auth
        except ImportError:
            pass
        else:
            mark_fresh_auth(request)
        request.session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value
