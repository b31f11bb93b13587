"""The Chief's six-monthly report to the Mayor (Sec. 50-105), as tables, PDF and CSV.

(a) requests received, by kind and agency; (b) each instance in which information was given
to a federal immigration agency, with names and other identifiers removed; (c) the task
forces the Chief decided may be disclosed. Beside those: the department's responses and the
Sec. 50-103(e) copies given to persons in custody.

The report reads no identity column: names, dates of birth, addresses and numbers stay in
the entries. The one free text it prints (what kind of information was given) is written
for the report, and anything in it that matches the entry's own identity fields, an
A-Number or a Social Security number is removed anyway.

Small counts, as in the annual report, by the one rule of cases/lib/suppression.py: the
public version shows 1 to 4 as "<5", and hides as "*" enough other counts that no hidden
count can be worked out from everything shown together: the rows and columns of (a), the
same total in (a) and in the responses, and the instances (b) lists one by one (each is a
count a reader can make). The grand total is hidden as a complement only when nothing
else would do. A row, column or table whose total is "<5" is not broken down: every count
in it reads "<5", zeros included (there "<5" means 0 to 4).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cases.lib import csv_safe, suppression
from federal_requests.models import (
    AGENCY_SHORT,
    COPY_KINDS,
    Agency,
    Entry,
    Kind,
    LegalBasis,
    Response,
    TaskForce,
)
from federal_requests.periods import Period

SUPPRESS_BELOW = 5
PRIMARY, SECONDARY = "primary", "secondary"
REMOVED = "[removed]"
# The columns the counts read: no identity field.
COUNT_FIELDS = [
    "pk",
    "reference",
    "agency",
    "kind",
    "response",
    "judicial_warrant",
    "in_custody",
    "copy_given_on",
]


# --- the figures ---


@dataclass
class Instance:
    number: int
    reference: str
    received_at: datetime
    agency: str
    kind: str
    judicial_warrant: bool
    response: str
    information: str
    legal_basis: str


@dataclass
class TaskForceLine:
    name: str
    description: str
    agencies: str
    participation: str
    dates: str


@dataclass
class PeriodReport:
    period: Period
    generated_at: datetime
    agency_name: str
    values: dict[str, int]  # every count by key (see ``relations``)
    instances: list[Instance]
    task_forces: list[TaskForceLine]
    withheld_task_forces: int
    undecided_task_forces: int
    missing_copies: list[str]  # entry references (internal version only)
    hidden: dict[str, str] = field(default_factory=dict)  # key -> PRIMARY/SECONDARY

    def shown(self, key: str, *, public: bool) -> str:
        value = self.values[key]
        if public and self.hidden.get(key) == PRIMARY:
            return f"<{SUPPRESS_BELOW}"
        if public and self.hidden.get(key) == SECONDARY:
            return "*"
        return str(value)


def cell(kind: str, agency: str) -> str:
    return f"cell:{kind}:{agency}"


def relations() -> list[suppression.Relation]:
    """Every sum a reader can check, and what the list of instances (b) tells: each count is
    at least the number of its instances listed (``listed:...``, see ``listed_counts``)."""
    kinds, agencies = Kind.values, Agency.values
    rows = [suppression.total(f"kind:{k}", [cell(k, a) for a in agencies]) for k in kinds]
    cols = [suppression.total(f"agency:{a}", [cell(k, a) for k in kinds]) for a in agencies]
    listed = [suppression.at_most(f"listed:{key}", key) for key in LISTED_KEYS]
    return [
        *rows,
        *cols,
        suppression.total("total", [f"kind:{k}" for k in Kind.values]),
        suppression.total("total", [f"agency:{a}" for a in Agency.values]),
        suppression.total("total", [f"response:{r}" for r in Response.values]),
        suppression.total("custody:needed", ["custody:given", "custody:missing"]),
        suppression.at_most("judicial_warrant", "total"),
        # Sec. 50-103(e): only detainers and administrative warrants need a copy
        suppression.at_most_sum("custody:needed", [f"kind:{k}" for k in COPY_KINDS]),
        *listed,
    ]


# The counts the instances (b) give a lower bound of.
LISTED_KEYS = [
    *(cell(k, a) for k in Kind.values for a in Agency.values),
    *(f"kind:{k}" for k in Kind.values),
    *(f"agency:{a}" for a in Agency.values),
    *(f"response:{r}" for r in Response.values),
    "judicial_warrant",
]


def listed_counts(entries: list[Any]) -> dict[str, int]:
    """What a reader can count in the list of instances (b): not printed as counts, but known
    to the reader, so the suppression takes them into account."""
    counts = dict.fromkeys((f"listed:{k}" for k in LISTED_KEYS), 0)
    for e in entries:
        for key in (cell(e.kind, e.agency), f"kind:{e.kind}", f"agency:{e.agency}"):
            counts[f"listed:{key}"] += 1
        counts[f"listed:response:{e.response}"] += 1
        counts["listed:judicial_warrant"] += int(bool(e.judicial_warrant))
    return counts


def suppress(values: dict[str, int], rels: list[suppression.Relation]) -> dict[str, str]:
    """The cells shown as "<5" (PRIMARY: 1 to 4, and every part of a total "<5", zeros too)
    and those withheld as "*" (SECONDARY), by the one rule (cases/lib/suppression.py); the
    ``listed:`` counts are known to the reader, not printed."""
    listed = [k for k in values if k.startswith("listed:")]
    primary, complementary = suppression.suppress(values, rels, context=listed, never=["total"])
    return {**dict.fromkeys(complementary, SECONDARY), **dict.fromkeys(primary, PRIMARY)}


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end, time.min, tzinfo=tz),
    )


def count_values(rows: list[Any]) -> dict[str, int]:
    """Every count of the report from the period's entries (anything with the COUNT_FIELDS
    and ``needs_copy``): the one place the figures are made, for the page, PDF and CSV and
    for the suppression test's generated data."""
    values: dict[str, int] = {}
    pairs = Counter((r.kind, r.agency) for r in rows)
    for k in Kind.values:
        for a in Agency.values:
            values[cell(k, a)] = pairs.get((k, a), 0)
        values[f"kind:{k}"] = sum(1 for r in rows if r.kind == k)
    for a in Agency.values:
        values[f"agency:{a}"] = sum(1 for r in rows if r.agency == a)
    for resp in Response.values:
        values[f"response:{resp}"] = sum(1 for r in rows if r.response == resp)
    values["total"] = len(rows)
    values["judicial_warrant"] = sum(1 for r in rows if r.judicial_warrant)
    needing = [r for r in rows if r.needs_copy]
    values["custody:needed"] = len(needing)
    values["custody:given"] = sum(1 for r in needing if r.copy_given_on)
    values["custody:missing"] = len(needing) - values["custody:given"]
    return values


def build_report(period: Period, *, now: datetime, agency_name: str = "") -> PeriodReport:
    start, end = period_bounds(period)
    in_period = Entry.objects.filter(received_at__gte=start, received_at__lt=end)
    rows = list(in_period.only(*COUNT_FIELDS).order_by("received_at", "pk"))
    values = count_values(rows)
    needing = [r for r in rows if r.needs_copy]
    given_entries = list(in_period.filter(information_given=True).order_by("received_at", "pk"))
    instances = [
        Instance(
            number=number,
            reference=e.reference,
            received_at=e.received_at,
            agency=AGENCY_SHORT.get(e.agency, e.agency),
            kind=Kind(e.kind).label,
            judicial_warrant=e.judicial_warrant,
            response=Response(e.response).label,
            information=redact(e.information_description, e),
            legal_basis=LegalBasis(e.legal_basis).label if e.legal_basis else "",
        )
        for number, e in enumerate(given_entries, start=1)
    ]
    forces = [t for t in TaskForce.objects.all() if t.active_between(period.start, period.end)]
    disclosed = [t for t in forces if t.disclosure == TaskForce.Disclosure.DISCLOSE]
    report = PeriodReport(
        period=period,
        generated_at=now,
        agency_name=agency_name,
        values=values,
        instances=instances,
        task_forces=[
            TaskForceLine(
                name=t.name,
                description=t.description,
                agencies=t.agency_labels,
                participation=t.participation,
                dates=f"since {t.started_on:%m/%d/%Y}"
                + (f", until {t.ended_on:%m/%d/%Y}" if t.ended_on else ""),
            )
            for t in disclosed
        ],
        withheld_task_forces=sum(
            1 for t in forces if t.disclosure == TaskForce.Disclosure.WITHHOLD
        ),
        undecided_task_forces=sum(
            1 for t in forces if t.disclosure == TaskForce.Disclosure.UNDECIDED
        ),
        missing_copies=[r.reference for r in needing if r.copy_given_on is None],
    )
    report.hidden = suppress({**values, **listed_counts(given_entries)}, relations())
    return report


# --- removing identifiers from the one free text the report prints ---

A_NUMBER = re.compile(r"\bA[- ]?\d{3}[- ]?\d{3}[- ]?\d{2,3}\b", re.IGNORECASE)
SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")


def _identity_terms(entry: Entry) -> list[str]:
    terms: list[str] = []
    name = (entry.person_name or "").strip()
    if name:
        terms.append(name)
        terms += [part for part in re.split(r"[\s,]+", name) if len(part) >= 3]
    address = (entry.person_address or "").strip()
    if address:
        terms.append(address)
        terms += [p.strip() for p in re.split(r"[\n,]+", address) if len(p.strip()) >= 4]
    for text in (entry.person_identifiers, entry.agency_reference):
        terms.append((text or "").strip())
        # the numbers in it, not the words around them ("Booking 12345": 12345)
        terms += [p for p in re.split(r"[\s,;:]+", text or "") if re.search(r"\d{3}", p)]
    born = entry.person_date_of_birth
    if born:
        terms += [
            born.isoformat(),
            f"{born:%m/%d/%Y}",
            f"{born.month}/{born.day}/{born.year}",
            f"{born:%m/%d/%y}",
            f"{born.month}/{born.day}/{born:%y}",
            f"{born:%B} {born.day}, {born.year}",
            f"{born.day} {born:%B} {born.year}",
        ]
    return sorted({t for t in terms if t}, key=len, reverse=True)


def redact(text: str, entry: Entry) -> str:
    """``text`` with the entry's own identity, A-Numbers and SSNs replaced by [removed]."""
    result = text or ""
    for term in _identity_terms(entry):
        result = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", REMOVED, result, flags=re.IGNORECASE)
    result = A_NUMBER.sub(REMOVED, result)
    return SSN.sub(REMOVED, result)


# --- one set of tables for the page, the PDF and the CSV ---


@dataclass
class ReportTable:
    key: str
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each cell with its column's heading: a stacked table (a phone's width) shows the
        heading beside each value."""
        return [list(zip(self.header, row, strict=False)) for row in self.rows]


def _received(instance: Instance, *, public: bool) -> str:
    local = timezone.localtime(instance.received_at)
    return f"{local:%B %Y}" if public else f"{local:%m/%d/%Y %H:%M}"


def tables(report: PeriodReport, *, public: bool) -> list[ReportTable]:
    show = report.shown
    agencies = [AGENCY_SHORT[a] for a in Agency.values]
    received = [
        [Kind(k).label]
        + [show(cell(k, a), public=public) for a in Agency.values]
        + [show(f"kind:{k}", public=public)]
        for k in Kind.values
    ]
    received.append(
        ["All requests"]
        + [show(f"agency:{a}", public=public) for a in Agency.values]
        + [show("total", public=public)]
    )
    instance_header = ["No.", "Received", "Agency", "Kind of request", "Warrant or order"]
    instance_header += ["Response", "Information given", "Legal basis"]
    if not public:
        instance_header.insert(1, "Entry")
    instance_rows = []
    for i in report.instances:
        row = [str(i.number), _received(i, public=public), i.agency, i.kind]
        row += ["Yes" if i.judicial_warrant else "No", i.response, i.information, i.legal_basis]
        if not public:
            row.insert(1, i.reference)
        instance_rows.append(row)
    result = [
        ReportTable(
            "received",
            "(a) Requests received from federal immigration agencies, by kind and agency",
            ["Kind of request", *agencies, "Total"],
            received,
        ),
        ReportTable(
            "responses",
            "The department's responses",
            ["Response", "Requests"],
            [[Response(r).label, show(f"response:{r}", public=public)] for r in Response.values]
            + [
                [
                    "Requests with a judicial warrant or court order",
                    show("judicial_warrant", public=public),
                ]
            ],
        ),
        ReportTable(
            "copies",
            "Sec. 50-103(e): copies given to persons in custody",
            ["Detainers and administrative warrants for a person in custody", "Number"],
            [
                ["Received", show("custody:needed", public=public)],
                ["Copy given to the person", show("custody:given", public=public)],
                ["No copy recorded", show("custody:missing", public=public)],
            ],
        ),
        ReportTable(
            "instances",
            "(b) Each instance in which information was given to a federal immigration agency",
            instance_header,
            instance_rows,
            note="" if instance_rows else "No information was given in this period.",
        ),
        ReportTable(
            "task_forces",
            "(c) Task forces with a federal immigration agency that the Chief decided may be "
            "disclosed",
            ["Name", "Description", "Federal agencies", "Participation", "Dates"],
            [
                [t.name, t.description, t.agencies, t.participation, t.dates]
                for t in report.task_forces
            ],
            note="" if report.task_forces else "None to disclose for this period.",
        ),
    ]
    if not public:
        result.append(
            ReportTable(
                "internal",
                "Internal only (not in the public version)",
                ["Item", "Value"],
                [
                    ["Task forces not disclosed", str(report.withheld_task_forces)],
                    [
                        "Task forces awaiting the Chief's decision",
                        str(report.undecided_task_forces),
                    ],
                    ["Entries with no copy recorded", ", ".join(report.missing_copies) or "None"],
                ],
            )
        )
    return result


def title(report: PeriodReport, *, public: bool) -> str:
    who = f"{report.agency_name}: " if report.agency_name else ""
    version = "public version" if public else "internal version"
    return (
        f"{who}Federal immigration-agency requests, {report.period.label} "
        f"(Sec. 50-105 report, {version})"
    )


def summary(report: PeriodReport, *, public: bool) -> str:
    text = (
        f"Six-monthly report of the Police Chief to the Mayor under Sec. 50-105 of the "
        f"Welcoming City Ordinance, for {report.period.label}; generated "
        f"{timezone.localtime(report.generated_at):%m/%d/%Y %H:%M}. De-identified: no names, "
        "dates of birth, addresses or other identifiers."
    )
    if public:
        text += (
            f" Counts from 1 to {SUPPRESS_BELOW - 1} are shown as <{SUPPRESS_BELOW}; where a "
            f"total is <{SUPPRESS_BELOW}, every count in it is shown as <{SUPPRESS_BELOW}, zeros "
            "included (not broken down); a count shown as * is withheld so that a small count "
            "cannot be worked out from the totals."
        )
    return text


def to_csv(report: PeriodReport, *, public: bool) -> str:
    out = io.StringIO()
    writer = csv_safe.writer(out, lineterminator="\n")
    writer.writerow(["section", "row", "column", "value"])
    writer.writerow(["report", "title", "", title(report, public=public)])
    writer.writerow(["report", "period", "start", report.period.start.isoformat()])
    writer.writerow(["report", "period", "end", report.period.last_day.isoformat()])
    for table in tables(report, public=public):
        for row in table.rows:
            for column, value in zip(table.header[1:], row[1:], strict=True):
                writer.writerow([table.title, row[0], column, value])
        if table.note:
            writer.writerow([table.title, "", "", table.note])
    return out.getvalue()


# --- PDF (reportlab, DejaVu for every accent) ---

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    font_dir = settings.UVISA_FONT_DIR
    pdfmetrics.registerFont(TTFont(FONT, f"{font_dir}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, f"{font_dir}/DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def _escape(text: Any) -> str:
    value = str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r\n", "\n").replace("\n", "<br/>")


def to_pdf(report: PeriodReport, *, public: bool) -> bytes:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    heading = ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14)
    big = ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=14, leading=18)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=title(report, public=public),
        author=report.agency_name or "Police Department",
        subject="Sec. 50-105 six-monthly report",
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
    )
    story: list[Any] = [
        Paragraph(_escape(title(report, public=public)), big),
        Paragraph(_escape(summary(report, public=public)), body),
        Spacer(1, 10),
    ]
    width = doc.width
    for table in tables(report, public=public):
        story.append(Paragraph(_escape(table.title), heading))
        story.append(Spacer(1, 4))
        if not table.rows:
            story += [Paragraph(_escape(table.note), body), Spacer(1, 10)]
            continue
        numeric = table.key in {"received", "responses", "copies"}
        cell_style = body if numeric else small
        data = [[Paragraph(_escape(h), small) for h in table.header]]
        data += [[Paragraph(_escape(v), cell_style) for v in row] for row in table.rows]
        columns = len(table.header)
        if table.key == "received":
            widths = [2.2 * inch] + [(width - 2.2 * inch) / (columns - 1)] * (columns - 1)
        elif numeric:
            widths = [width - 1.2 * inch, 1.2 * inch]
        else:
            widths = [width / columns] * columns
        grid = Table(data, colWidths=widths, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
                ]
            )
        )
        story += [grid, Spacer(1, 12)]
    doc.build(story)
    return buffer.getvalue()
