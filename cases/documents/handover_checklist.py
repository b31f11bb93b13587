"""The checklist printed for the requester with the ink-signed form: what is enclosed, what the
requester must add, and the filing window.

- Enclosed: the original Supplement B signed in ink (USCIS takes no photocopied signature: the
  Supplement B instructions), the head's written designation when a designee signed (8 CFR
  214.14(a)(3); I-918B instructions), and the reports attached under Part 3 items 6-7, each
  with its pages, as recorded at the hand-over (OriginalHandover.enclosures).
- To add: the petition the supplement goes with (Form I-918 or I-914) and the evidence its own
  instructions list.
- When: a U certification is filed within six months of the ink signature (8 CFR
  214.14(c)(2)(i)); a T declaration has no such window (8 CFR 214.204).
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from cases import clocks
from cases.documents.render import escape, styles
from cases.models import FormType, OriginalHandover


def checklist_lines(handover: OriginalHandover) -> dict[str, Any]:
    request = handover.issued_form.request
    t_visa = request.form_type == FormType.T_VISA
    form = "Form I-914, Supplement B" if t_visa else "Form I-918, Supplement B"
    petition = (
        "Form I-914, Application for T Nonimmigrant Status"
        if t_visa
        else "Form I-918, Petition for U Nonimmigrant Status"
    )
    signed_on = request.signed_on or handover.issued_form.signed_on
    enclosed = [
        f"{form}, the original signed in ink"
        + (f" on {signed_on:%m/%d/%Y}" if signed_on else "")
        + " (1 original: USCIS does not accept a photocopy of the signature)"
    ]
    for item in handover.enclosures:
        pages = item["pages"]
        enclosed.append(f"{item['label']}: {pages} page{'s' if pages != 1 else ''}")
    to_add = [
        f"{petition}, completed and signed by the {'applicant' if t_visa else 'petitioner'}",
        f"The other evidence the instructions of the {petition.split(',')[0]} list",
        f"This {form} as it is: do not change, copy or re-sign it",
    ]
    last_day = clocks.valid_until(request.form_type, signed_on)
    if last_day is not None:
        when = (
            f"File it with USCIS so that it is received no later than {last_day:%m/%d/%Y}: "
            "a certification is valid for six months from the ink signature "
            "(8 CFR 214.14(c)(2)(i)). After that day, ask the department for a new one."
        )
    else:
        when = "This declaration has no filing deadline of its own (8 CFR 214.204)."
    return {"form": form, "enclosed": enclosed, "to_add": to_add, "when": when}


def render_checklist_pdf(handover: OriginalHandover) -> bytes:
    request = handover.issued_form.request
    lines = checklist_lines(handover)
    st = styles()
    story: list[Any] = [
        Paragraph(escape(request.agency.name), st["title"]),
        Paragraph(escape(f"Checklist for the requester: {lines['form']}"), st["bold"]),
        Paragraph(escape(f"Reference: {request.reference}"), st["base"]),
        Paragraph(
            escape(f"Handed over on {handover.received_on:%m/%d/%Y} to {handover.received_by}"),
            st["base"],
        ),
        Spacer(1, 5 * mm),
        Paragraph("Enclosed", st["bold"]),
        *[Paragraph(escape(f"[ ] {line}"), st["base"]) for line in lines["enclosed"]],
        Spacer(1, 4 * mm),
        Paragraph("What you must add", st["bold"]),
        *[Paragraph(escape(f"[ ] {line}"), st["base"]) for line in lines["to_add"]],
        Spacer(1, 4 * mm),
        Paragraph("When to file", st["bold"]),
        Paragraph(escape(lines["when"]), st["base"]),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=LETTER, title=f"Checklist {request.reference}", author=request.agency.name
    ).build(story)
    return buffer.getvalue()
