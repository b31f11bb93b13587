"""Admin: the audit trail and access log, read-only. Entries, documents and reports are not
here: they are reached only through the log's own pages, which check the role and log
every view."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from federal_requests.models import AccessLog, AuditEvent, TaskForce


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "action", "actor"]
    list_filter = ["action"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "reference", "ip_address"]
    list_filter = ["action"]


@admin.register(TaskForce)
class TaskForceAdmin(ReadOnlyAdmin):
    list_display = ["name", "started_on", "ended_on", "disclosure"]
