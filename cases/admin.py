"""Admin: reference data is editable; audit events are read-only; requests are not here.

Requests hold victim data and are reached only through the application's access helper;
IT staff who administer reference data do not need to read them.

The admin never runs transitions (django-fsm-2's admin button path skips permission
checks in 4.2.4; STYLE 5), so the workflow stays in the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from cases.accounts.sessions import end_tracked_session
from cases.documents.letters import wording_digest
from cases.models import (
    AccessLog,
    AdvocateOrganization,
    Agency,
    CaseEvent,
    CertifyingOfficial,
    LetterTemplate,
    QualifyingCrimeCategory,
    Statute,
    UserSession,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "city", "phone"]


@admin.register(CertifyingOfficial)
class CertifyingOfficialAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agency", "is_agency_head", "designated_on", "revoked_on"]
    list_filter = ["agency", "is_agency_head"]
    raw_id_fields = ["user"]


@admin.register(AdvocateOrganization)
class AdvocateOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone"]


@admin.register(QualifyingCrimeCategory)
class QualifyingCrimeCategoryAdmin(admin.ModelAdmin):
    list_display = ["form_order", "name", "kind"]


@admin.register(Statute)
class StatuteAdmin(admin.ModelAdmin):
    list_display = ["citation", "offense", "similar_activity_only", "mapping_confidence", "active"]
    list_filter = ["active", "similar_activity_only", "mapping_confidence", "categories"]
    search_fields = ["citation", "offense", "notes"]
    filter_horizontal = ["categories"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "request",
        "kind",
        "transition",
        "from_state",
        "to_state",
        "actor",
    ]
    list_filter = ["kind", "transition"]
    search_fields = ["request__reference"]


# --- letter wording the department edits; issued forms are not in the admin ---


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """Wording per letter and language. A translation reads "to be reviewed by a qualified
    translator" until this exact wording is marked reviewed; editing it clears that."""

    list_display = ["kind", "language", "subject", "reviewed", "updated_at"]
    list_filter = ["language", "kind"]
    readonly_fields = ["reviewed_sha256", "reviewed_by", "reviewed_on"]
    actions = ["mark_reviewed"]

    @admin.display(boolean=True, description="Translation reviewed")
    def reviewed(self, obj: LetterTemplate) -> bool:
        return obj.language == "en" or obj.reviewed_sha256 == wording_digest(obj.subject, obj.body)

    @admin.action(description="Mark this wording reviewed by a qualified translator")
    def mark_reviewed(self, request: HttpRequest, queryset: Any) -> None:
        for row in queryset:
            row.reviewed_sha256 = wording_digest(row.subject, row.body)
            row.reviewed_by = request.user.get_username()
            row.reviewed_on = timezone.localdate()
            row.save(update_fields=["reviewed_sha256", "reviewed_by", "reviewed_on"])


# --- Security: sessions anyone's, read-only access log ---


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "reference", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "reference"]


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Administrators see every session and end any of them (C19, ASVS V7.4.5)."""

    list_display = ["user", "created_at", "last_seen", "ip_address", "ended_at", "end_reason"]
    list_filter = ["ended_at"]
    actions = ["end_sessions"]
    readonly_fields = [f.name for f in UserSession._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="End the selected sessions")
    def end_sessions(self, request: HttpRequest, queryset: Any) -> None:

        for row in queryset.filter(ended_at__isnull=True):
            end_tracked_session(row.session_key, reason=f"ended by {request.user.get_username()}")
