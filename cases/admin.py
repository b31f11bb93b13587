"""Admin: reference data is editable; audit events are read-only; requests are not here.

Requests hold victim data and are reached only through the application's access helper;
IT staff who administer reference data do not need to read them.

The admin never runs transitions (django-fsm-2's admin button path skips permission
checks in 4.2.4; STYLE 5), so the workflow stays in the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cases.accounts.sessions import end_tracked_session
from cases.documents.official import (
    WHERE_TO_GET_IT,
    TemplateRefused,
    active_template,
    category_names,
    load_template,
    prepare_template,
)
from cases.models import (
    AccessLog,
    AdvocateOrganization,
    Agency,
    CaseEvent,
    CertifyingOfficial,
    DesignationEvent,
    FormTemplate,
    FormType,
    LetterTemplate,
    PolicyVersion,
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


# Designations are made and revoked by the agency head in the application, each change audited
# (cases/designations.py, 8 CFR 214.14(a)(3)); the admin only shows them.
@admin.register(CertifyingOfficial)
class CertifyingOfficialAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "agency",
        "is_agency_head",
        "designated_on",
        "expires_on",
        "revoked_on",
    ]
    list_filter = ["agency", "is_agency_head"]


@admin.register(DesignationEvent)
class DesignationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "official", "effective_on", "actor"]
    list_filter = ["action"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    """The written policy (c. 258F s. 2) is adopted by the agency head at /policy/manage/."""

    list_display = ["title", "number", "effective_on", "adopted_by_name", "is_sample"]


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


# --- official form templates: loaded here (checked, audited), never edited ---


class FormTemplateUploadForm(forms.ModelForm):
    """Upload the blank PDF: checked here (errors on the form), stored by ``load_template``."""

    file = forms.FileField(label="Blank PDF from uscis.gov", help_text=WHERE_TO_GET_IT + ".")

    class Meta:
        model = FormTemplate
        fields = ["form_type", "edition"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_type"].initial = FormType.U_VISA
        self.fields["edition"].initial = "01/20/25"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is None or self.errors:
            return data
        data["bytes"] = upload.read()
        try:
            prepared = prepare_template(
                data["bytes"],
                form_type=data["form_type"],
                edition=data["edition"],
                categories=category_names(),
            )
        except TemplateRefused as exc:
            raise ValidationError(str(exc)) from exc
        current = active_template(data["form_type"], data["edition"])
        if current is not None and current.sha256 == prepared.sha256:
            raise ValidationError("This file is already the active template.")
        return data


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    """Templates are added (uploaded and checked) and read; never changed or deleted."""

    list_display = ["form_type", "edition", "active", "loaded_at", "loaded_by", "sha256"]
    list_filter = ["form_type", "edition", "active"]
    fields = [
        "form_type",
        "edition",
        "sha256",
        "size",
        "filename",
        "active",
        "loaded_by",
        "loaded_at",
        "category_fields",
    ]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = FormTemplateUploadForm
            kwargs["fields"] = ["form_type", "edition", "file"]
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else ["form_type", "edition", "file"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # issued forms point at their template

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        loaded = load_template(
            data["bytes"],
            form_type=data["form_type"],
            edition=data["edition"],
            actor=request.user,
            filename=data["file"].name,
        )
        obj.pk = loaded.pk  # the admin's messages and redirect name the stored row


# --- letter wording the department edits; issued forms are not in the admin ---


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "updated_at"]


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
