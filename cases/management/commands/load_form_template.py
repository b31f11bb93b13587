"""Load a blank official form downloaded from uscis.gov as the template to fill.

    python manage.py load_form_template --form I-918B --edition 01/20/25 i-918supb.pdf

Every item of the form map is matched to the field whose tooltip names its Part, item and
words, whatever the field is called (cases/uscis/tooltip_match.py); the match report is printed.
Fields the tooltips leave to a person are chosen with ``--assign`` (repeatable) or
``--assign-file`` (one ``ITEM=FIELD`` a line), the item as the report names it:

    python manage.py load_form_template --form I-914B --edition 02/27/17 i-914supb.pdf \
        --assign "Part 2 item 2.a=GivenNameFirstName[4]"

The file is refused, with the reason, when a tooltip contradicts the map (naming the item), a
required item is left without a field, or it is too large to read safely; what is stored is
the file without JavaScript, actions, XFA or embedded files (cases/documents/official.py,
cases/lib/pdf_clean.py). ``--report`` prints the report and stores nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.documents.official import (
    TemplateRefused,
    category_names,
    clean_template,
    field_map,
    form_map_for,
    load_template,
    prepare_template,
    required_refs,
)
from cases.models import FormType
from cases.uscis import acroform, tooltip_match


class Command(BaseCommand):
    help = "Load the blank official form (e.g. Form I-918 Supplement B) for an edition."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the blank PDF downloaded from uscis.gov")
        parser.add_argument("--form", required=True, choices=FormType.values)
        parser.add_argument("--edition", required=True, help="edition date, e.g. 01/20/25")
        parser.add_argument("--by", help="username of the administrator loading it")
        parser.add_argument(
            "--assign", action="append", default=[], metavar="ITEM=FIELD",
            help='a field chosen by hand, e.g. "Part 2 item 2.a=GivenNameFirstName[4]"',
        )  # fmt: skip
        parser.add_argument("--assign-file", help="a file of ITEM=FIELD lines")
        parser.add_argument(
            "--report", action="store_true", help="print the match report; store nothing"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        actor = None
        if options["by"]:
            actor = get_user_model().objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"No user {options['by']}.")
        data = path.read_bytes()
        form, edition = options["form"], options["edition"]
        lines = list(options["assign"])
        if options["assign_file"]:
            listed = Path(options["assign_file"])
            if not listed.is_file():
                raise CommandError(f"No file {listed}.")
            lines += [
                line.strip()
                for line in listed.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
        who = actor.get_username() if actor else "command line"
        try:
            assigned = self._assigned(data, form, edition, lines, who)
            prepared = prepare_template(
                data,
                form_type=form,
                edition=edition,
                categories=category_names(form, edition),
                assigned=assigned,
                complete=not options["report"],
            )
            report = prepared.report.describe() if prepared.report else ""
            if options["report"]:
                return f"Match report for {path.name} ({form} edition {edition}):\n{report}"
            template = load_template(
                data,
                form_type=form,
                edition=edition,
                actor=actor,
                filename=path.name,
                prepared=prepared,
            )
        except TemplateRefused as exc:
            raise CommandError(f"Refused: {exc}") from exc
        return (
            f"Loaded {template.form_type} edition {template.edition} from {path.name}: "
            f"{len(template.inventory)} fields, SHA-256 {template.sha256}. It is now the active "
            f"template.\nActive content: {prepared.cleaning} (SHA-256 of the file as loaded "
            f"{prepared.uploaded_sha256}).\nMatch report:\n{report}"
        )

    def _assigned(
        self, data: bytes, form: str, edition: str, lines: list[str], who: str
    ) -> dict[str, tuple[str, str]]:
        """{item: (field, who)} from ITEM=FIELD lines, read against the file's fields."""
        if not lines:
            return {}
        cleaned, _report = clean_template(data)  # never read the file before it is cleaned
        try:
            inventory = acroform.read_inventory(cleaned)
        except Exception as exc:  # pypdf raises many kinds on damaged files
            raise TemplateRefused(f"The form fields of this PDF cannot be read ({exc}).") from exc
        slots = tooltip_match.slots(
            field_map(form, edition),
            required_refs(form_map_for(form, edition)),
            category_names(form, edition),
        )
        result = {}
        for line in lines:
            try:
                slot, name = tooltip_match.parse_assignment(line, slots, inventory)
            except tooltip_match.MatchRefused as exc:
                raise TemplateRefused(str(exc)) from exc
            result[slot] = (name, who)
        return result
