from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "U-visa certification requests"

    def ready(self) -> None:
        from cases.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self)

        from cases import security  # noqa: F401  (session tracking and account-disable signals)
        from cases.page_cache import connect

        connect()  # the data version of cached pages (issue 7)
