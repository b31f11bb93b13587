"""Session, user and second-factor device read in one query instead of three, on every
signed-in request (docs/performance.md).

Every signed-in request needs three rows: the server-side session, the user and the TOTP
device that verified the session. Django reads them with three primary-key queries (the
session store, ``ModelBackend.get_user``, django-otp's ``Device.from_persistent_id``). Here
the session store reads all three at once: the session row, joined through its tracked
session (``UserSession``, written at every sign-in) to the user and the user's TOTP devices.

Nothing is kept beyond the request: the rows are read from the database on every request,
as before, so signing out, ending a session, disabling an account, changing a password or
removing a device takes effect on the very next request. What the join found is only used
when it matches what the session itself says (the user id, the device's persistent id);
anything else (no tracked session, a recovery-code device, a user id that differs) falls
back to Django's and django-otp's own queries. Django still checks the session's password
hash and ``is_active``; django-otp still checks the device's owner and confirmation.

``CURRENT_SESSION`` ties the preloaded rows to the request being served: set by
``PreloadingSessionMiddleware`` for the duration of one request, read by the auth backend
(cases/accounts/backends.py) and ``PreloadingOTPMiddleware``.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import UserSession


def _columns(model: Any, alias: str) -> tuple[list[str], str]:
    names = [f.attname for f in model._meta.concrete_fields]
    sql = ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)
    return names, sql


class SessionStore(DBStore):
    """Django's database sessions; ``load`` also reads the session's user and devices."""

    preloaded_user: Any = None
    preloaded_devices: tuple[Any, ...] = ()

    def _get_session_from_db(self) -> Session | None:
        self.preloaded_user, self.preloaded_devices = None, ()
        User = get_user_model()
        user_names, user_sql = _columns(User, "u")
        device_names, device_sql = _columns(TOTPDevice, "d")
        db = router.db_for_read(Session)
        # Table and column names come from the models; values are parameters.
        sql = (
            f"SELECT s.session_data, s.expire_date, {user_sql}, {device_sql} "  # noqa: S608  # nosec B608
            f"FROM {Session._meta.db_table} s "
            f"LEFT JOIN {UserSession._meta.db_table} us "
            "ON us.session_key = s.session_key AND us.ended_at IS NULL "
            f'LEFT JOIN {User._meta.db_table} u ON u."{User._meta.pk.column}" = us.user_id '
            f'LEFT JOIN {TOTPDevice._meta.db_table} d ON d."user_id" = u."{User._meta.pk.column}" '
            "WHERE s.session_key = %s AND s.expire_date > %s"
        )
        with connections[db].cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            rows = cursor.fetchall()
        if not rows:
            self._session_key = None
            return None
        first = rows[0]
        session = Session(session_key=self.session_key, session_data=first[0])
        session.expire_date = first[1]
        width = len(user_names)
        if first[2] is not None:
            self.preloaded_user = User.from_db(db, user_names, first[2 : 2 + width])
            self.preloaded_devices = tuple(
                TOTPDevice.from_db(db, device_names, row[2 + width :])
                for row in rows
                if row[2 + width] is not None
            )
        return session


CURRENT_SESSION: ContextVar[SessionStore | None] = ContextVar("uvisa_session", default=None)


def preloaded_user(user_id: Any) -> Any:
    """The user read with this request's session, when it is the session's user."""
    store = CURRENT_SESSION.get()
    user = getattr(store, "preloaded_user", None)
    if user is not None and user.pk == user_id:
        return user
    return None


class PreloadingSessionMiddleware(SessionMiddleware):
    """Django's session middleware; the request's session is ``CURRENT_SESSION`` meanwhile."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = CURRENT_SESSION.set(None)
        try:
            return super().__call__(request)
        finally:
            CURRENT_SESSION.reset(token)

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        store = request.session
        CURRENT_SESSION.set(store if isinstance(store, SessionStore) else None)


class PreloadingOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, taking the device from the session's own read when it is
    the device the session names."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        persistent_id = self._normalize_persistent_id(persistent_id)
        store = CURRENT_SESSION.get()
        for device in getattr(store, "preloaded_devices", ()):
            if device.persistent_id == persistent_id:
                return device
        return super()._device_from_persistent_id(persistent_id)
