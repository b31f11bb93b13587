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
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.accounts.sessions import end_tracked_session
from cases.documents.letters import wording_digest
from cases.documents.official import (
    WHERE_TO_GET_IT,
    WHERE_TO_GET_IT_T,
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
# (cases/services/designations.py, 8 CFR 214.14(a)(3)); the admin only shows them.
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


@login_not_required
def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin has no sign-in form of its own: one sign-in, with the system-use notice,
    the lockout and the second factor, for everyone (C1, C5, C14)."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return redirect(f"{reverse('login')}?next={target}")


admin.site.login = admin_login  # type: ignore[method-assign]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    """Events without their notes: a note may hold victim details, which administrators do
    not read (8 U.S.C. 1367; the case page shows notes to those in the request's scope)."""

    exclude = ["note"]
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

    file = forms.FileField(
        label="Blank PDF from uscis.gov",
        help_text=WHERE_TO_GET_IT + " (I-918B); " + WHERE_TO_GET_IT_T + " (I-914B).",
    )

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
                categories=category_names(data["form_type"], data["edition"]),
            )
        except TemplateRefused as exc:
            raise ValidationError(str(exc)) from exc
        current = active_template(data["form_type"], data["edition"])
        if current is not None and current.sha256 == prepared.sha256:
            raise ValidationError(_("This file is already the active template."))
        data["prepared"] = prepared
        return data


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    """Templates are added (uploaded and checked) and read; never changed or deleted."""

    list_display = [
        "form_type",
        "edition",
        "active",
        "loaded_at",
        "loaded_by",
        "uploaded_sha256",
        "sha256",
    ]
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
            prepared=data["prepared"],
        )
        obj.pk = loaded.pk  # the admin's messages and redirect name the stored row
        self.message_user(
            request,
            f"Active content in the file: {data['prepared'].cleaning} (SHA-256 as uploaded "
            f"{data['prepared'].uploaded_sha256}, as stored {loaded.sha256}).",
        )


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


# --- second-factor devices: never a key, a QR code or a recovery code (C1, ASVS V2.9.1) ---

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)  # django-otp's admins show the key and a QR code


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Administrators see who has an authenticator and may remove it (the user enrols again
    at the next sign-in); the secret never leaves the server."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StaticDevice)
class RecoveryCodesAdmin(admin.ModelAdmin):
    """Recovery codes: how many are left, never the codes."""

    list_display = ["user", "name", "confirmed", "codes_left"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user"]
    search_fields = ["user__username"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="codes left")
    def codes_left(self, device: StaticDevice) -> int:
        return device.token_set.count()
