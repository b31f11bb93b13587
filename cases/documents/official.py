"""The official USCIS form: loading a blank template, and filling it from a request.

USCIS requires its own form, executed according to its instructions (8 CFR 103.2(a)(1)). The
department cannot ship USCIS's file, so an administrator loads the blank PDF downloaded from
uscis.gov; ``load_template`` checks it before it is used:

- it is rewritten without JavaScript, actions, XFA or embedded files, or refused when it is too
  large, holds too many objects or a stream that inflates too far (cases/lib/pdf_clean.py,
  run in the bounded child process of pdf_sandbox.py): the form is printed and signed in ink,
  and nothing in it may run, fetch or submit anything in the certifying official's viewer;
- the SHA-256 of the cleaned file, the one stored and filled, is computed and kept;
- its AcroForm fields (pypdf) must be exactly the edition's field list (cases/data), else it is
  refused naming the missing and unexpected fields;
- every field the form map fills must have a tooltip that says that item's Part, number and
  question (i918b_fields.TOOLTIPS, read from USCIS's own file), else it is refused naming the
  item and quoting both texts: a field's name is only a hint;
- Part 3 item 1's 31 boxes are matched to the qualifying-crime categories by their tooltips,
  and every choice item's boxes to its options, else it is refused; the matches are stored;
- one template per form and edition is active; loading is an audit event.

``official_pdf`` fills the active template from the form map (cases/uscis/formmap.py) through the
edition's field map (i918b_fields.py; i914b_fields.py for a T request); Part 6 items 1 and 2
stay empty for the ink. The request's form type picks the template: a T request never gets an
I-918B, a U request never an I-914B.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.audit import (
    append_template_activated,
    append_template_loaded,
    append_template_mapped,
)
from cases.documents import pdf_sandbox
from cases.errors import WorkflowError
from cases.lib import pdf_clean
from cases.lib.crypto import encrypt_file_bytes
from cases.models import (
    CertificationRequest,
    FormFieldMapping,
    FormTemplate,
    FormType,
    QualifyingCrimeCategory,
)
from cases.uscis import acroform, formmap, i914b_02_27_17_fields, i914b_fields, tooltip_match
from cases.uscis import i918b_fields as fields_map
from cases.uscis.trafficking import TraffickingForm

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

# Each form's field map (the same names in every module), by form and edition.
FIELD_MAPS: dict[tuple[str, str], ModuleType] = {
    (FormType.U_VISA, fields_map.EDITION): fields_map.THIS,
    (FormType.T_VISA, i914b_fields.EDITION): i914b_fields.SPEC,
    (FormType.T_VISA, i914b_02_27_17_fields.EDITION): i914b_02_27_17_fields.SPEC,
}


def field_map(form_type: str, edition: str) -> ModuleType:
    """The edition's field map; the form's newest map for an edition without its own."""
    found = FIELD_MAPS.get((form_type, edition))
    if found is not None:
        return found
    return fields_map.THIS if form_type == FormType.U_VISA else i914b_fields.SPEC


WHERE_TO_GET_IT = (
    "Download the blank form from https://www.uscis.gov/i-918 (Form I-918, Supplement B, "
    "U Nonimmigrant Status Certification; the file is i-918supb.pdf). Check the edition date "
    "printed at the bottom left of each page"
)

WHERE_TO_GET_IT_T = (
    "Download the blank form from https://www.uscis.gov/i-914 (Form I-914, Supplement B, "
    "Declaration for Trafficking Victim; the file is i-914supb.pdf). Check the edition date "
    "printed at the bottom left of each page"
)


class TemplateRefused(WorkflowError):
    """A template file that cannot be used; the message names what is wrong."""


class TemplateMissing(WorkflowError):
    """No active template for the request's form and edition: nothing can be filled."""


class WrongForm(WorkflowError):
    """The request needs another form than this tracker can fill (a T-visa request)."""


def missing_template_message(edition: str, form_type: str = FormType.U_VISA) -> str:
    t_visa = form_type == FormType.T_VISA
    name = "Form I-914 Supplement B" if t_visa else "Form I-918 Supplement B"
    where = WHERE_TO_GET_IT_T if t_visa else WHERE_TO_GET_IT
    return (
        f"The official {name}, edition {edition}, is not loaded, so the form to "
        f"file cannot be prepared. {where} (it must read “Edition {edition}”). "
        "Then an administrator loads it: Administration › Official form templates › Add, or "
        f"`python manage.py load_form_template --form {form_type} --edition {edition} FILE`."
    )


@dataclass
class PreparedTemplate:
    """A checked template, not yet stored."""

    form_type: str
    edition: str
    data: bytes
    sha256: str
    inventory: list[dict[str, Any]] = field(default_factory=list)
    category_fields: dict[str, str] = field(default_factory=dict)
    choice_fields: dict[str, dict[str, str]] = field(default_factory=dict)
    uploaded_sha256: str = ""  # the file as loaded, before cleaning
    cleaning: str = ""  # what cleaning removed, in words
    form_map: str = ""  # the form map's edition the fields answer
    field_map: dict[str, str] = field(default_factory=dict)  # text item's map name -> field
    report: tooltip_match.MatchReport | None = None


def form_map_for(form_type: str, edition: str) -> formmap.Edition:
    """The form map a file of this form and edition answers: the edition's own, else (a new
    USCIS edition) the form's newest map, matched to the file by its tooltips."""
    own = formmap.FORM_EDITIONS.get((form_type, edition))
    if own is not None:
        return own
    maps = [e for (form, _code), e in formmap.FORM_EDITIONS.items() if form == form_type]
    if not maps:
        raise TemplateRefused(f"There is no form map for {form_type}.")
    # The newest by its edition date (USCIS's "MM/DD/YY"), not the last one registered.
    return max(maps, key=lambda e: datetime.strptime(e.code, "%m/%d/%y").date())


def required_refs(edition: formmap.Edition) -> set[tuple[int, str]]:
    """The items the form map requires (a signature is the ink's, never a field's)."""
    return {
        (part.number, item.number)
        for part in edition.parts
        for item in part.items
        if item.required and item.kind != "signature"
    }


def match_report(
    inventory: list[acroform.Field],
    form_type: str,
    edition: str,
    categories: Mapping[str, str],
    assigned: Mapping[str, tuple[str, str]] | None = None,
) -> tooltip_match.MatchReport:
    """Every item of the form map matched to the file's fields by tooltip (and ``assigned``,
    an administrator's choices); refused when a tooltip contradicts the map."""
    fmap = field_map(form_type, edition)
    try:
        report = tooltip_match.match(
            inventory,
            fmap,
            required_refs(form_map_for(form_type, edition)),
            categories,
            assigned=assigned,
        )
    except tooltip_match.MatchRefused as exc:
        raise TemplateRefused(str(exc)) from exc
    if report.contradictions:
        # Each item's meaning read from the file: a field whose tooltip asks another question
        # is refused, whatever its name (I-918B Part 4 item 3 asks whether the victim refused).
        raise TemplateRefused(
            "This file's fields do not ask what the form map fills into them, so it would be "
            "answered wrongly:\n" + "\n".join(report.contradictions)
        )
    return report


def _mapped(report: tooltip_match.MatchReport) -> tuple[dict, dict, dict]:
    """(text field map, choice boxes "part|item" -> {option: box}, category code -> box)."""
    texts: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    cats: dict[str, str] = {}
    for m in report.matched:
        slot = m.slot
        if slot.kind == "text":
            texts[slot.key] = m.field
        elif slot.kind == "option" and slot.ref:
            option = slot.key.split("|", 2)[2]
            choices.setdefault(f"{slot.ref[0]}|{slot.ref[1]}", {})[option] = m.field
        else:
            cats[slot.key.split("|", 2)[2]] = m.field
    return texts, choices, cats


def unmatched_message(report: tooltip_match.MatchReport) -> str:
    missing = report.required_unmatched()
    return (
        "These required items match no field of this file; choose their fields "
        '(Administration › Form editions, or `load_form_template --assign "ITEM=FIELD"`):\n'
        + "\n".join(f"  {m.slot.label}" for m in missing)
    )


def _inventory_rows(inventory: list[acroform.Field]) -> list[dict[str, Any]]:
    return [
        {"name": f.name, "type": f.type, "tooltip": f.tooltip, "on_states": list(f.on_states)}
        for f in inventory
    ]


def prepare_template(
    data: bytes,
    *,
    form_type: str,
    edition: str,
    categories: Mapping[str, str],
    assigned: Mapping[str, tuple[str, str]] | None = None,
    complete: bool = True,
) -> PreparedTemplate:
    """Clean a blank template and map its fields to the form map by their tooltips.

    ``categories`` is {category code: name} (Part 3 item 1); ``assigned`` {item: (field, who)}
    an administrator's choices. With ``complete``, a file leaving a required item without a
    field is refused naming the items. Raises ``TemplateRefused``.
    """
    if form_type not in {form for form, _ in FIELD_MAPS}:
        raise TemplateRefused(f"There is no form map for {form_type}.")
    if not data.startswith(b"%PDF-"):
        raise TemplateRefused("This file is not a PDF.")
    uploaded_sha256 = hashlib.sha256(data).hexdigest()
    data, cleaning = clean_template(data)
    try:
        inventory = acroform.read_inventory(data)
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise TemplateRefused(f"The form fields of this PDF cannot be read ({exc}).") from exc
    report = match_report(inventory, form_type, edition, categories, assigned)
    if complete and report.required_unmatched():
        raise TemplateRefused(unmatched_message(report))
    texts, choices, cats = _mapped(report)
    return PreparedTemplate(
        form_type=form_type,
        edition=edition,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        inventory=_inventory_rows(inventory),
        category_fields=cats,
        choice_fields=choices,
        uploaded_sha256=uploaded_sha256,
        cleaning=cleaning.describe(),
        form_map=form_map_for(form_type, edition).code,
        field_map=texts,
        report=report,
    )


def mapping_entries(report: tooltip_match.MatchReport) -> list[dict[str, str]]:
    """The report as a mapping version stores it."""
    return [
        {
            "slot": m.slot.key,
            "label": m.slot.label,
            "field": m.field,
            "how": m.how,
            "by": m.by,
            "tooltip": m.tooltip,
        }
        for m in report.matches
    ]


def clean_template(data: bytes) -> tuple[bytes, pdf_clean.Report]:
    """The template without active content, cleaned in a bounded child process; or refused."""
    try:
        return pdf_sandbox.clean(
            data,
            cpu_seconds=settings.UVISA_CLEAN_CPU_SECONDS,
            memory_mb=settings.UVISA_CLEAN_MEMORY_MB,
            limits=pdf_clean.Limits(max_bytes=settings.UVISA_MAX_TEMPLATE_BYTES),
        )
    except pdf_clean.Refused as exc:
        raise TemplateRefused(f"This file cannot be used as the form template: {exc}") from exc


def category_names(form_type: str = FormType.U_VISA, edition: str = "") -> dict[str, str]:
    """Part 3 item 1's boxes: the U-visa categories, or the severe forms of trafficking (the
    I-914B 02/27/17 prints five boxes of its own, Part C item 1)."""
    if form_type == FormType.T_VISA:
        labels = getattr(field_map(form_type, edition), "CATEGORY_LABELS", None)
        return dict(labels) if labels else dict(TraffickingForm.choices)
    return dict(QualifyingCrimeCategory.objects.values_list("code", "name"))


def store_template(
    prepared: PreparedTemplate,
    *,
    actor: User | None,
    filename: str = "",
    at: datetime | None = None,
    draft: bool = False,
) -> FormTemplate:
    """Store a checked template as the active one, or as a ``draft`` of a new edition to be
    completed and activated on the form editions page (the caller's transaction; no audit)."""
    if not draft:
        FormTemplate.objects.filter(
            form_type=prepared.form_type, edition=prepared.edition, active=True
        ).update(active=False)
    at = at or timezone.now()
    template = FormTemplate.objects.create(
        form_type=prepared.form_type,
        edition=prepared.edition,
        sha256=prepared.sha256,
        uploaded_sha256=prepared.uploaded_sha256,
        size=len(prepared.data),
        pdf=encrypt_file_bytes(prepared.data),
        filename=filename[:255],
        inventory=prepared.inventory,
        category_fields=prepared.category_fields,
        choice_fields=prepared.choice_fields,
        loaded_by=actor,
        loaded_at=at,
        active=not draft,
        draft=draft,
        activated_at=None if draft else at,
        form_map=prepared.form_map,
        field_map=prepared.field_map,
    )
    if prepared.report is not None:
        FormFieldMapping.objects.create(
            template=template,
            version=1,
            entries=mapping_entries(prepared.report),
            made_by=actor,
            made_at=at,
        )
    return template


def load_template(
    data: bytes,
    *,
    form_type: str,
    edition: str,
    actor: User | None,
    filename: str = "",
    at: datetime | None = None,
    prepared: PreparedTemplate | None = None,
    draft: bool = False,
) -> FormTemplate:
    """Check, store and audit a blank official form; it becomes the active template, or with
    ``draft`` waits on the form editions page for the items left and the activation.

    ``prepared`` is ``prepare_template``'s result for ``data`` when the caller has it already
    (the admin checks the upload before saving it)."""
    at = at or timezone.now()
    if prepared is None or prepared.uploaded_sha256 != hashlib.sha256(data).hexdigest():
        prepared = prepare_template(
            data,
            form_type=form_type,
            edition=edition,
            categories=category_names(form_type, edition),
            complete=not draft,
        )
    with transaction.atomic():
        current = (
            FormTemplate.objects.select_for_update()
            .filter(form_type=form_type, edition=edition, active=True)
            .first()
        )
        if current is not None and current.sha256 == prepared.sha256:
            raise TemplateRefused(
                f"This file (SHA-256 {prepared.sha256[:16]}…) is already the active template."
            )
        template = store_template(prepared, actor=actor, filename=filename, at=at, draft=draft)
        append_template_loaded(
            actor=actor,
            at=at,
            form_type=form_type,
            edition=edition,
            sha256=template.sha256,
            template_id=template.pk,
            uploaded_sha256=template.uploaded_sha256,
        )
    return template


def latest_mapping(template: FormTemplate) -> FormFieldMapping | None:
    return template.mappings.order_by("-version").first()


def _assigned_of(template: FormTemplate) -> dict[str, tuple[str, str]]:
    """The administrator's choices so far, from the latest mapping version."""
    latest = latest_mapping(template)
    entries = latest.entries if latest else []
    return {e["slot"]: (e["field"], e["by"]) for e in entries if e["how"] == "hand" and e["field"]}


def remap(
    template: FormTemplate, assigned: Mapping[str, tuple[str, str]]
) -> tooltip_match.MatchReport:
    """The template's match report with ``assigned`` over the earlier choices (not stored)."""
    inventory = acroform.read_inventory(template.data)
    choices = {**_assigned_of(template), **assigned}
    form, edition = template.form_type, template.edition
    return match_report(inventory, form, edition, category_names(form, edition), choices)


def assign_fields(
    template: FormTemplate,
    assigned: Mapping[str, str],
    *,
    actor: User | None,
    at: datetime | None = None,
) -> FormFieldMapping:
    """An administrator's choices ({item: field}) as a new mapping version, audited; the
    template fills through it from then on. Refused naming what cannot be used."""
    at = at or timezone.now()
    who = getattr(actor, "username", "") or "command line"
    report = remap(template, {slot: (name, who) for slot, name in assigned.items()})
    texts, choices, cats = _mapped(report)
    with transaction.atomic():
        locked = FormTemplate.objects.select_for_update().get(pk=template.pk)
        latest = latest_mapping(locked)
        version = FormFieldMapping.objects.create(
            template=locked,
            version=(latest.version + 1) if latest else 1,
            entries=mapping_entries(report),
            made_by=actor,
            made_at=at,
        )
        FormTemplate.objects.filter(pk=locked.pk).update(
            field_map=texts, choice_fields=choices, category_fields=cats
        )
        append_template_mapped(
            actor=actor,
            at=at,
            template_id=locked.pk,
            version=version.version,
            assigned={slot: name for slot, name in assigned.items()},
        )
    template.refresh_from_db()
    return version


def activate_edition(
    template: FormTemplate, *, actor: User | None, at: datetime | None = None
) -> FormTemplate:
    """A draft edition becomes the active template of its form and edition: refused while a
    required item has no field, naming them."""
    at = at or timezone.now()
    report = remap(template, {})
    if report.required_unmatched():
        raise TemplateRefused(unmatched_message(report))
    with transaction.atomic():
        locked = FormTemplate.objects.select_for_update().get(pk=template.pk)
        if not locked.draft:
            raise TemplateRefused("This edition is already active or was replaced.")
        FormTemplate.objects.filter(
            form_type=locked.form_type, edition=locked.edition, active=True
        ).update(active=False)
        FormTemplate.objects.filter(pk=locked.pk).update(active=True, draft=False, activated_at=at)
        append_template_activated(
            actor=actor,
            at=at,
            template_id=locked.pk,
            form_type=locked.form_type,
            edition=locked.edition,
            sha256=locked.sha256,
        )
    template.refresh_from_db()
    return template


def current_edition(form_type: str) -> str:
    """The edition new requests of this form take: the last one activated, else the
    form map's own."""
    latest = (
        FormTemplate.objects.filter(form_type=form_type, active=True)
        .order_by("-activated_at", "-loaded_at", "-pk")
        .values_list("edition", flat=True)
        .first()
    )
    return latest or form_map_for(form_type, "").code


def active_template(form_type: str, edition: str) -> FormTemplate | None:
    return FormTemplate.objects.filter(form_type=form_type, edition=edition, active=True).first()


def template_for(request: CertificationRequest) -> FormTemplate:
    """The active template for the request's form and edition, or a refusal saying what to do."""
    template = active_template(request.form_type, request.form_edition)
    if template is None:
        raise TemplateMissing(missing_template_message(request.form_edition, request.form_type))
    if template.form_type != request.form_type:  # never an I-918B for a T request, nor the reverse
        raise WrongForm(
            f"A {template.form_type} template cannot answer a {request.form_type} request."
        )
    return template


def template_problem(request: CertificationRequest) -> str:
    """Why the form to file cannot be prepared for this request, or ""."""
    try:
        template_for(request)
    except WorkflowError as exc:
        return str(exc)
    return ""


def official_values(
    request: CertificationRequest, template: FormTemplate
) -> tuple[dict[str, str | bool], acroform.Continuation]:
    """{official field name: value} and the Part 7 continuation, from the form map through the
    template's mapping."""
    fmap = field_map(template.form_type, template.edition)
    triples = fields_map.triples_from_filled(formmap.fill(request), spec=fmap)
    names = category_names(template.form_type, template.edition)
    by_name = {
        names[code]: name for code, name in template.category_fields.items() if code in names
    }
    choices = fields_map.choice_boxes_from(template)
    values = fields_map.official_values(triples, by_name, choices, spec=fmap)
    continuation = fields_map.continuation(triples, values, spec=fmap)
    if not template.field_map:  # loaded before mapping by tooltip: the map's own names
        return values, continuation
    return on_file(values, continuation, template.field_map, fmap)


_EMPTY = ("", "N/A", "None")


def on_file(
    values: Mapping[str, str | bool],
    continuation: acroform.Continuation,
    field_map: Mapping[str, str],
    fmap: ModuleType,
) -> tuple[dict[str, str | bool], acroform.Continuation]:
    """The values and continuation under the file's own field names.

    Boxes are already the file's (the template's choice and category boxes). A text item
    whose field the file lacks continues on the additional sheet; items an administrator
    gave one field (a single "Name of Certifying Official" box) share it, in form order."""
    boxes = {k: v for k, v in values.items() if isinstance(v, bool)}
    texts: dict[str, str | bool] = {}
    refs = fields_map.field_refs(fmap)
    entries = list(continuation.entries)
    for name, value in values.items():
        if isinstance(value, bool):
            continue
        target = field_map.get(name)
        if target is None:
            if name in refs and str(value) not in _EMPTY:
                part, item = refs[name]
                entries.append(acroform.ContinuationEntry(part, item, str(value)))
            continue
        if target in texts:
            before = str(texts[target])
            joined = [v for v in (before, str(value)) if v not in _EMPTY]
            texts[target] = " ".join(joined) or before
        else:
            texts[target] = value
    blocks = tuple(
        tuple(field_map[n] for n in block)
        for block in continuation.blocks
        if all(n in field_map for n in block)
    )
    moved = dataclasses.replace(
        continuation,
        blocks=blocks,  # type: ignore[arg-type]
        refs={field_map[n]: ref for n, ref in continuation.refs.items() if n in field_map},
        entries=tuple(
            dataclasses.replace(e, anchor=field_map.get(e.anchor or "")) for e in entries
        ),
    )
    return {**texts, **boxes}, moved


def ink_fields(template: FormTemplate) -> frozenset[str]:
    """The file's fields left for the ink (Part 6 items 1 and 2), never filled."""
    names = field_map(template.form_type, template.edition).INK_ONLY_ITEMS.values()
    if not template.field_map:
        return frozenset(names)
    return frozenset(template.field_map[n] for n in names if n in template.field_map)


def official_pdf(
    request: CertificationRequest,
    template: FormTemplate,
    *,
    metadata: Mapping[str, str] | None = None,
) -> bytes:
    """The filled official form (not sealed): every item by field name, Part 6 items 1-2 empty."""
    values, continuation = official_values(request, template)
    return acroform.fill(
        template.data,
        values,
        continuation=continuation,
        ink_only=ink_fields(template),
        metadata=metadata,
    )
