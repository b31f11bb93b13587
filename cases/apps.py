from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "U-visa certification requests"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import the models, which Django loads
        # only after the app registry is ready.
        from cases.accounts import sessions  # noqa: F401  (session tracking, account-disable signals)
        from cases.documents.letters import render_issued
        from cases.issued_letters import set_renderer
        from cases.page_cache import connect
        from cases.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self)
        connect()  # the data version of cached pages
        # Letters are rendered by the document layer, which the domain never imports.
        set_renderer(render_issued)
