from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FederalRequestsConfig(AppConfig):
    name = "federal_requests"
    verbose_name = "Federal immigration-agency requests (Sec. 50-103, 50-105)"

    def ready(self) -> None:
        from federal_requests.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self)
