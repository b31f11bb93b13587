"""The annual report as CSV and PDF, in the full and the public version."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cases.audit import checkpoint
from cases.lib import csv_safe
from cases.reporting.annual import AnnualReport, sections_for, shown
from cases.reporting.charts import charts


def _title(report: AnnualReport, *, public: bool) -> str:
    version = "public version" if public else "internal version"
    who = f"{report.agency}: " if report.agency else ""
    return f"{who}U and T visa certification requests, {report.year} ({version})"


def to_csv(report: AnnualReport, *, public: bool) -> str:
    out = io.StringIO()
    writer = csv_safe.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "value"])
    for section in sections_for(report, public=public):
        for line in section.lines:
            writer.writerow([section.title, line.label, shown(line, public=public, report=report)])
    if not public:
        for label, value in _audit_heads():
            writer.writerow(["Audit chain checkpoint", label, value])
    return out.getvalue()


def _audit_heads() -> list[tuple[str, str]]:
    """The audit chains' heads and their MAC, printed on the internal report: a copy outside
    the database that a later rewrite of the history cannot match (C9, C10)."""
    point = checkpoint()
    rows = [("taken at (UTC)", point["at"])]
    for key, label in (("case_events", "case events"), ("access_log", "access log")):
        head = point[key]
        rows.append(
            (f"{label}: last row and hash", f"{head.get('last_id')} {head.get('last_hash')}")
        )
    rows.append(("MAC (UVISA_AUDIT_KEY)", point["mac"]))
    return rows


def to_pdf(report: AnnualReport, *, public: bool) -> bytes:
    buffer = io.BytesIO()
    title = _title(report, public=public)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=title,
        author=report.agency or "U-visa certification tracker",
        subject="M.G.L. c. 258F s. 4 annual report",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
    )
    styles = getSampleStyleSheet()
    part_of_row_above = ParagraphStyle("PartOfRowAbove", parent=styles["Normal"], leftIndent=14)
    story: list[Any] = [
        Paragraph(title.replace("&", "&amp;"), styles["Title"]),
        Paragraph(
            f"Calendar year {report.year}, figures as of {report.as_of:%m/%d/%Y}; generated "
            f"{timezone.localtime(report.generated_at):%m/%d/%Y %H:%M}. Due date: "
            f"{report.jurisdiction.response_days} days after receipt "
            f"({report.jurisdiction.source}); expedited requests "
            f"{report.jurisdiction.expedited_days} days "
            f"({report.jurisdiction.expedited_source}). No personal identifying information."
            + (
                " Counts from 1 to 4 are shown as &lt;5; where a total is &lt;5, its parts are"
                " shown as &lt;5 too, zeros included; a count marked * is withheld because"
                " it would let a reader work out a count under 5 (complementary suppression)."
                if public
                else ""
            ),
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    for number, section in enumerate(sections_for(report, public=public)):
        # The charts after the s. 4 figures, as on the web page.
        if number == len(report.s4_sections()) and not public:
            for chart in charts(report):
                story += [chart.drawing, Spacer(1, 12)]
        data = [[section.title, ""]] + [
            [
                # A label that starts with two spaces is a part of the row above it: indented.
                Paragraph(
                    line.label.strip().replace("&", "&amp;"),
                    part_of_row_above if line.label.startswith("  ") else styles["Normal"],
                ),
                shown(line, public=public, report=report),
            ]
            for line in section.lines
        ]
        table = Table(data, colWidths=[5.2 * inch, 1.4 * inch], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("SPAN", (0, 0), (-1, 0)),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [table, Spacer(1, 12)]
    if not public:
        heads = "<br/>".join(f"{label}: {value}" for label, value in _audit_heads())
        story.append(Paragraph(f"<b>Audit chain checkpoint</b><br/>{heads}", styles["Code"]))
    doc.build(story)
    return buffer.getvalue()
