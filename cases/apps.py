from __future__ import annotations

import os
from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "U-visa certification requests"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import the models, which Django loads
        # only after the app registry is ready.
        from cases.accounts import (
            otp_keys,
            recovery_codes,
            sessions,  # noqa: F401  (session tracking, account-disable signals)
        )
        from cases.documents.letters import render_issued
        from cases.issued_letters import set_renderer
        from cases.page_cache import connect
        from cases.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self)
        otp_keys.install()  # TOTP secrets encrypted at rest
        recovery_codes.install()  # recovery codes kept as keyed hashes only
        # last_login moves when the second factor is passed (cases/accounts/views.py), never at
        # the password step alone: the inactivity rule (C8) counts real sign-ins only.
        # django.contrib.auth's ready() (earlier in INSTALLED_APPS) has connected it by now.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        connection_created.connect(_private_sqlite_file, dispatch_uid="uvisa_sqlite_0600")
        connect()  # the data version of cached pages
        # Letters are rendered by the document layer, which the domain never imports.
        set_renderer(render_issued)


def _private_sqlite_file(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A SQLite database file (and its journal) readable by its owner only (C12)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    for path in (name, name + "-wal", name + "-shm", name + "-journal"):
        if path and not path.startswith(":memory:") and os.path.isfile(path):
            os.chmod(path, 0o600)
