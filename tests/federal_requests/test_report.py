"""The six-monthly report: hand-checked counts, suppression that totals cannot undo, and no
name, date of birth, address or number in the PDF or the CSV."""

from __future__ import annotations

import dataclasses
import io
import random
import shutil
import subprocess
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pypdf import PdfReader

from federal_requests import reports, services
from federal_requests.models import COPY_KINDS, Agency, Entry, Kind, Response
from federal_requests.periods import Period, period_containing, period_starting
from tests.federal_requests.conftest import at
from tests.lib import solver

H2_2025 = Period(date(2025, 7, 1), date(2026, 1, 1))


@pytest.fixture
def half_year(log_entry, fr_people):
    """17 entries in July-December 2025, and one on each side of the period."""
    officer = fr_people["records_officer"]

    def copy(entry, day):
        services.record_copy_given(entry=entry, actor=officer, given_on=day, given_by="Sgt. M")

    for month, custody, given in [
        (7, True, True),
        (8, True, True),
        (9, True, True),
        (10, True, False),
        (11, False, False),
        (12, False, False),
    ]:
        e = log_entry(received_at=at(f"2025-{month:02d}-03 10:00"), in_custody=custody)
        if given:
            copy(e, date(2025, month, 4))
    w1 = log_entry(kind="admin_warrant", in_custody=True, received_at=at("2025-08-15 08:00"))
    copy(w1, date(2025, 8, 15))
    log_entry(kind="admin_warrant", in_custody=True, received_at=at("2025-09-15 08:00"))
    for day in (1, 2):
        log_entry(
            kind="information",
            agency="hsi",
            received_at=at(f"2025-10-{day:02d} 12:00"),
            judicial_warrant=True,
            response="complied_judicial",
            information_given=True,
            information_description="Booking photo of Zebulon Quartermaine, born 03/19/1987, "
            "A-204-118-733, of 4417 Wobbleberry Lane, Medford, MA 02155",
            legal_basis="court_order",
        )
    for day in (3, 4, 5):
        log_entry(kind="information", agency="hsi", received_at=at(f"2025-10-{day:02d} 12:00"))
    log_entry(
        kind="information",
        agency="uscis",
        received_at=at("2025-11-20 12:00"),
        response="public_information",
        information_given=True,
        information_description="The public arrest log entry (date and charge).",
        legal_basis="public_record",
    )
    log_entry(kind="assistance", agency="cbp", received_at=at("2025-11-21 12:00"))
    log_entry(kind="access", received_at=at("2025-12-01 12:00"))
    log_entry(
        kind="other",
        kind_other="Arrest date",
        response="pending",
        received_at=at("2025-12-31 23:59"),
    )
    # outside: the last minute of June and the first of January
    log_entry(received_at=at("2025-06-30 23:59"))
    log_entry(received_at=at("2026-01-01 00:00"))
    return reports.build_report(H2_2025, now=timezone.now())


def test_the_counts_of_a_hand_checked_period(half_year):
    v = half_year.values
    assert v["total"] == 17
    assert [
        v[f"kind:{k}"]
        for k in ("detainer", "admin_warrant", "information", "assistance", "access", "other")
    ] == [6, 2, 6, 1, 1, 1]
    assert [v[f"agency:{a}"] for a in ("ice", "cbp", "hsi", "uscis", "other")] == [10, 1, 5, 1, 0]
    assert v["cell:detainer:ice"] == 6 and v["cell:information:hsi"] == 5
    assert v["response:declined"] == 13 and v["response:complied_judicial"] == 2
    assert v["response:public_information"] == 1 and v["response:pending"] == 1
    assert v["judicial_warrant"] == 2
    assert (v["custody:needed"], v["custody:given"], v["custody:missing"]) == (6, 4, 2)
    assert [(i.agency, i.legal_basis) for i in half_year.instances] == [
        ("HSI", "Judicial warrant or court order"),
        ("HSI", "Judicial warrant or court order"),
        ("USCIS", "Public record (G.L. c. 66 s. 10)"),
    ]
    assert len(half_year.missing_copies) == 2


def test_the_public_version_hides_small_counts_and_their_complements(half_year):
    shown = {k: half_year.shown(k, public=True) for k in half_year.values}
    assert shown["total"] == "17"
    assert shown["cell:admin_warrant:ice"] == "<5"
    assert shown["cell:information:uscis"] == "<5"
    assert shown["custody:given"] == shown["custody:missing"] == "<5"
    # the information row (total 6) would give the USCIS count away: a count beside it is
    # withheld as "*", and no "<5" of any table can then be worked out
    assert "*" in {shown[f"cell:information:{a}"] for a in Agency.values}
    given = [e for e in Entry.objects.filter(information_given=True)]
    listed = reports.listed_counts(given)
    assert solver.recovered(shown, reports.relations(), listed) == []
    internal = {k: half_year.shown(k, public=False) for k in half_year.values}
    assert internal["cell:information:hsi"] == "5" and internal["custody:missing"] == "2"


DATASETS = 25


def random_entries(rng):
    """One period's entries as the log holds them: kind, agency, response, warrant, custody,
    copy, information given (the fields the counts read)."""
    kinds, agencies, responses = Kind.values, Agency.values, Response.values
    rows = []
    for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 9, 12, 17, 25])):
        kind = rng.choice([kinds[0], kinds[0], *kinds])
        agency = rng.choice([agencies[0], agencies[0], agencies[0], *agencies])
        response = rng.choice([responses[1], responses[1], *responses])
        custody = rng.random() < 0.6
        needs = kind in COPY_KINDS and custody
        rows.append(
            SimpleNamespace(
                kind=kind,
                agency=agency,
                response=response,
                judicial_warrant=rng.random() < 0.15,
                in_custody=custody,
                needs_copy=needs,
                copy_given_on=date(2025, 8, 1) if needs and rng.random() < 0.7 else None,
                information_given=rng.random() < 0.15,
            )
        )
    return rows


def test_no_small_count_of_the_public_version_can_be_recovered():
    """Every table of the public version together ((a) by kind and agency with its margins,
    the responses, the warrants, the copies, and the instances (b) a reader can count) over
    many generated periods: the attacker's solver pins no count of 1 to 4, not even in a
    sparse period (four agencies with one request each, total "<5"), because a breakdown
    whose total is "<5" is not broken down: all its parts read "<5", zeros included."""
    rng = random.Random(50105)
    rels = reports.relations()
    tried = hidden_cells = with_small = not_broken_down = zeros_marked = 0
    for _ in range(DATASETS):
        rows = random_entries(rng)
        values = reports.count_values(rows)
        listed = reports.listed_counts([r for r in rows if r.information_given])
        hidden = reports.suppress({**values, **listed}, rels)
        marked = {k for k, why in hidden.items() if why == reports.PRIMARY}
        small = {k for k, v in values.items() if 1 <= v <= 4}
        under_small_total = {p for r in rels if r.whole in marked for p in r.parts()}
        assert small <= marked and marked - small <= under_small_total
        assert under_small_total <= marked  # what the reader is told "<5" means there
        shown = {
            k: "<5" if k in marked else "*" if k in hidden else str(v) for k, v in values.items()
        }
        assert solver.recovered(shown, rels, listed) == [], (values, listed, shown)
        tried += 1
        hidden_cells += len(hidden)
        with_small += bool(small)
        not_broken_down += len(under_small_total)
        zeros_marked += sum(1 for k in marked if values[k] == 0)
    assert tried == DATASETS and with_small > DATASETS // 2 and not_broken_down
    print(
        f"six-monthly: datasets {tried}, with a small count {with_small}, cells hidden "
        f"{hidden_cells} (of which parts of a total '<5', not broken down, {not_broken_down}; "
        f"zeros shown '<5' {zeros_marked}), counts of 1-4 recovered 0"
    )


def _published(kinds, agencies, responses):
    """The public version's cells for requests of these kinds, agencies and responses (no
    warrant, nobody in custody, no information given)."""
    rows = [
        SimpleNamespace(
            kind=kind,
            agency=agency,
            response=response,
            judicial_warrant=False,
            in_custody=False,
            needs_copy=False,
            copy_given_on=None,
        )
        for kind, agency, response in zip(kinds, agencies, responses, strict=True)
    ]
    values = reports.count_values(rows)
    rels = reports.relations()
    listed = reports.listed_counts([])
    hidden = reports.suppress({**values, **listed}, rels)
    shown = {
        k: "<5" if hidden.get(k) == reports.PRIMARY else "*" if k in hidden else str(v)
        for k, v in values.items()
    }
    return values, rels, listed, shown


def test_the_agency_and_response_leak_is_closed():
    """By agency ICE 7, CBP 1, HSI 1 (total 9); Declined 6 and three responses 1 each: with
    "<5" alone each of them read as 1."""
    ice, cbp, hsi = Agency.values[0], "cbp", "hsi"
    responses = ["declined"] * 6 + ["pending", "complied_judicial", "public_information"]
    agencies = [ice] * 7 + [cbp, hsi]
    values, rels, listed, shown = _published(["information"] * 9, agencies, responses)
    assert values["agency:ice"] == 7 and values["response:declined"] == 6
    assert shown["agency:cbp"] == shown["agency:hsi"] == "<5"
    assert shown["response:pending"] == "<5"
    assert solver.recovered(shown, rels, listed) == []
    primary_only = {k: "<5" if 1 <= v <= 4 else str(v) for k, v in values.items()}
    assert "agency:cbp" in solver.recovered(primary_only, rels, listed)


def test_a_sparse_row_is_not_broken_down():
    """Ten ICE detainers, and four requests for information, one from each of four agencies:
    the row's total 4 reads "<5" and so does every cell of it, the zero included; with the
    zero printed as 0 the four "<5" (1 to 4 each, summing to at most 4) would each read 1,
    whatever else is withheld."""
    agencies = ["ice"] * 10 + ["ice", "cbp", "hsi", "uscis"]
    kinds = ["detainer"] * 10 + ["information"] * 4
    values, rels, listed, shown = _published(kinds, agencies, ["declined"] * 14)
    row = [shown[f"cell:information:{a}"] for a in Agency.values]
    assert shown["kind:information"] == "<5" and row == ["<5"] * len(Agency.values)
    assert values["cell:information:other"] == 0
    assert solver.recovered(shown, rels, listed) == []
    # the rule before: zeros printed, every "<5" read as 1 to 4 (no total's parts left open)
    zero_printed = {k: "0" if values[k] == 0 and v == "<5" else v for k, v in shown.items()}
    earlier_reading = [dataclasses.replace(r, whole=None) for r in rels]
    pinned = solver.recovered(zero_printed, earlier_reading, listed)
    assert {f"cell:information:{a}" for a in ("ice", "cbp", "hsi", "uscis")} <= set(pinned)


FORBIDDEN = [
    "Zebulon",
    "Quartermaine",
    "Wobbleberry",
    "1987-03-19",
    "03/19/1987",
    "3/19/1987",
    "204-118-733",
    "204118733",
    "778812",
    "02155",
]


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if shutil.which("pdftotext"):
        text += subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    return text


@pytest.mark.parametrize("public", [True, False])
def test_no_name_date_of_birth_address_or_number_in_the_pdf_or_csv(half_year, public):
    pdf_text = _pdf_text(reports.to_pdf(half_year, public=public))
    csv_text = reports.to_csv(half_year, public=public)
    assert "Booking photo of [removed], born [removed], [removed], of [removed]" in csv_text
    assert "Booking" in pdf_text and "[removed]" in pdf_text and "17" in pdf_text
    for word in FORBIDDEN:
        assert word.lower() not in pdf_text.lower(), word
        assert word.lower() not in csv_text.lower(), word


def test_redaction_keeps_ordinary_words(log_entry):
    entry = log_entry(person_identifiers="Booking 55123")
    assert reports.redact("Booking record 55123", entry) == "Booking record [removed]"


def test_periods_follow_the_anchor_setting(settings):
    assert period_containing(date(2026, 3, 5)) == Period(date(2026, 1, 1), date(2026, 7, 1))
    assert period_containing(date(2026, 7, 1)).start == date(2026, 7, 1)
    settings.UVISA_FEDERAL_REPORT_ANCHOR = "03-15"
    assert period_containing(date(2026, 3, 14)) == Period(date(2025, 9, 15), date(2026, 3, 15))
    assert period_containing(date(2026, 1, 2)).label == ("September 15, 2025 to March 14, 2026")
    assert period_starting(date(2026, 1, 1)) is None


def test_the_anchor_as_docs_federal_requests_describes_it(settings):
    """docs/federal-requests.md: an ordinance passed on 15 March is set as "03-15"; a day after
    the 28th, or a value that is not MM-DD, is refused naming the setting."""
    settings.UVISA_FEDERAL_REPORT_ANCHOR = "03-15"
    assert period_containing(date(2026, 4, 1)).start == date(2026, 3, 15)
    assert period_containing(date(2026, 4, 1)).next().start == date(2026, 9, 15)
    doc = (Path(__file__).parents[2] / "docs" / "federal-requests.md").read_text()
    assert (
        "UVISA_FEDERAL_REPORT_ANCHOR=03-15" in doc and "counted from the ordinance's passage" in doc
    )
    for bad in ("03-30", "3/15", "13-01"):
        settings.UVISA_FEDERAL_REPORT_ANCHOR = bad
        with pytest.raises(ImproperlyConfigured, match="UVISA_FEDERAL_REPORT_ANCHOR"):
            period_containing(date(2026, 4, 1))


def test_task_forces_in_the_report_are_those_the_chief_disclosed(fr_people):
    officer, chief = fr_people["records_officer"], fr_people["chief"]
    names = {}
    for name, decision in [
        ("Gang Task Force", "disclose"),
        ("Sealed Group", "withhold"),
        ("New Group", None),
    ]:
        force = services.task_force_save(
            actor=officer,
            data={
                "name": name,
                "description": f"{name} description",
                "federal_agencies": "hsi",
                "participation": "",
                "started_on": date(2025, 1, 1),
                "ended_on": None,
            },
        )
        if decision:
            services.task_force_decide(
                task_force=force, actor=chief, disclosure=decision, reason=""
            )
        names[name] = force
    services.task_force_save(
        actor=officer, task_force=names["Gang Task Force"], data={"ended_on": date(2025, 6, 30)}
    )
    report = reports.build_report(H2_2025, now=timezone.now())
    assert report.task_forces == [] and report.withheld_task_forces == 1
    report = reports.build_report(H2_2025.previous(), now=timezone.now())
    assert [t.name for t in report.task_forces] == ["Gang Task Force"]
    assert "Sealed Group" not in reports.to_csv(report, public=False)
