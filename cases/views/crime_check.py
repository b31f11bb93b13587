"""The coordinator's crime check (Form I-918 Supplement B Part 3; a T request: the forms of
trafficking) with its statute search, and the detective's assignment.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import page_cache, permissions, services
from cases.errors import WorkflowError
from cases.forms import AssignForm, CrimeCheckForm
from cases.lib.names import user_name
from cases.models import FormType, QualifyingCrimeCategory, Statute
from cases.permissions import get_request_for_user
from cases.roles import DETECTIVE
from cases.uscis import formmap
from cases.uscis.trafficking import STATUTE_FORMS, TraffickingForm
from cases.views.common import form_errors, refused


def statute_search(q: str) -> QuerySet[Statute]:
    """Statutes by citation or words of the offense (each word must match)."""
    rows = Statute.objects.filter(active=True).prefetch_related("categories")
    for word in q.split()[:8]:
        rows = rows.filter(
            Q(citation__icontains=word) | Q(offense__icontains=word) | Q(notes__icontains=word)
        )
    return rows


@require_http_methods(["GET", "POST"])
def crime_check(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference, related=())
    if not permissions.can_record_crime_check(obj, request.user):
        raise PermissionDenied(_("The crime check is open to the coordinator during the check."))
    q = request.GET.get("q", "").strip()[:100]
    t_visa = obj.form_type == FormType.T_VISA
    # Reference data: the same answer until a statute or category changes (shared version).
    results = (
        page_cache.shared_value(
            f"statute-search:{q}", lambda: list(statute_search(q)), user=request.user
        )
        if q
        else []
    )
    if t_visa and not q:  # c. 265 ss. 50, 51 and the related offences, shown first
        results = list(Statute.objects.filter(active=True, citation__in=STATUTE_FORMS))
    cited = list(obj.statutes.prefetch_related("categories"))
    statutes = {s.pk: s for s in [*cited, *results]}.values()
    categories = (
        []
        if t_visa
        else page_cache.shared_value(
            "crime-categories",
            lambda: list(QualifyingCrimeCategory.objects.all()),
            user=request.user,
        )
    )
    initial = {
        "categories": list(obj.trafficking_forms)
        if t_visa
        else [c.code for c in obj.crime_categories.all()],
        "statutes": [str(s.pk) for s in cited],
        **{name: getattr(obj, name) for name in services.CRIME_CHECK_FIELDS},
    }
    form = CrimeCheckForm(
        request.POST or None,
        initial={**initial, "supervisor_name": obj.supervisor_name},
        categories=categories,
        statutes=list(statutes),
        edition=formmap.edition_of(obj),
    )
    if t_visa:
        form.for_trafficking()
    if request.method == "POST":
        # Statutes ticked on the page may come from an earlier search: accept any active one.
        form.fields["statutes"].choices = [
            (str(s.pk), str(s)) for s in Statute.objects.filter(active=True)
        ]
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_record_crime_check(
                    request=obj,
                    actor=request.user,
                    categories=QualifyingCrimeCategory.objects.filter(code__in=data["categories"]),
                    statutes=Statute.objects.filter(pk__in=data["statutes"]),
                    values={
                        n: data[n]
                        for n in (*services.CRIME_CHECK_FIELDS, "supervisor_name")
                        if n in form.fields
                    },
                    trafficking_forms=data["categories"] if t_visa else (),
                )
            except WorkflowError as exc:
                return refused(request, obj, exc)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Crime check saved."))
                return redirect(obj)
    if t_visa:
        suggested = sorted({f for s in statutes for f in STATUTE_FORMS.get(s.citation, ())})
        boxes = TraffickingForm.choices
    else:
        suggested = sorted({c.code for s in statutes for c in s.categories.all()})
        boxes = [(c.code, c.name) for c in categories]
    # The categories the cited or found statutes suggest say so in their own label.
    form.fields["categories"].choices = [
        (code, f"{name} (suggested)" if code in suggested else name) for code, name in boxes
    ]
    return render(
        request,
        "cases/crime_check.html",
        {
            "obj": obj,
            "form": form,
            "q": q,
            "results": results,
            "suggested": suggested,
            "t_visa": t_visa,
            "statute_forms": STATUTE_FORMS,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def assign_detective(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_assign_detective(obj, request.user):
        raise PermissionDenied(_("You may not assign this request."))
    detectives = _detectives()
    form = AssignForm(request.POST, detectives=detectives)
    if not form.is_valid():
        messages.error(request, _("Choose a detective."))
        return redirect(obj)
    detective = next(d for d in detectives if str(d.pk) == form.cleaned_data["detective"])
    try:
        services.request_assign_detective(request=obj, actor=request.user, detective=detective)
    except (WorkflowError, ValidationError) as exc:
        return refused(request, obj, exc)
    messages.success(request, _("Assigned to %(user_name)s.") % {"user_name": user_name(detective)})
    return redirect(obj)


def _detectives() -> list[Any]:
    users = get_user_model().objects.filter(groups__name=DETECTIVE, is_active=True)
    return list(users.order_by("last_name", "first_name"))


def detective_options(user: Any, selected_id: int | None) -> str:
    """The <option>s of the assign form, built once per data version (a county may have
    hundreds of detectives; cases/page_cache.py says when anything changed)."""
    key = f"detective-options:{page_cache.versions(user).shared}"
    options = cache.get(key)
    if options is None:
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((d.pk, user_name(d)) for d in _detectives()),
        )
        cache.set(key, options, page_cache.CONTENT_SECONDS)
    if selected_id is not None:
        mark = f'<option value="{selected_id}">'
        options = options.replace(mark, f'<option value="{selected_id}" selected>', 1)
    return mark_safe(options)  # noqa: S308  # nosec B308 B703: format_html_join escaped the names
