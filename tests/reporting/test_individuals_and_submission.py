"""The c. 258F s. 4 report by individuals, U and T, answers by kind, complementary
suppression, and the record of the submission to EOPSS."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from datetime import date
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.lib import suppression
from cases.models import AnnualReportSubmission, DelayNotice, FormType, Status
from cases.reporting import annual, exports, submissions
from tests.conftest import at, sign_in

NOW = at("2026-03-01 12:00")
pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_2025(make_request):
    """Six people, eight requests in 2025 (figures checked by hand in the first test)."""
    u = FormType.U_VISA

    def person(given, family, born, **fields):
        return make_request(given_name=given, family_name=family, date_of_birth=born, **fields)

    rows = {
        # María García: denied, then asked again with new information and was signed
        "maria1": person(
            "María",
            "García",
            date(1990, 5, 1),
            status=Status.DECLINED,
            received_at=at("2025-02-01 09:00"),
            decided_at=at("2025-03-01 09:00"),
            decline_reason="not_helpful",
        ),
        "maria2": person(
            "MARIA",
            "GARCIA",
            date(1990, 5, 1),
            status=Status.CERTIFIED,
            received_at=at("2025-06-01 09:00"),
            decided_at=at("2025-07-15 09:00"),
            signed_on=date(2025, 7, 15),
        ),
        "ana": person(
            "Ana",
            "Souza",
            date(1985, 2, 2),
            status=Status.CERTIFIED,
            received_at=at("2025-03-10 09:00"),
            decided_at=at("2025-05-01 09:00"),
            signed_on=date(2025, 5, 1),
        ),
        # Rosa Díaz: two requests, linked by the A-Number (the first has no date of birth)
        "rosa1": person(
            "Rosa",
            "Díaz",
            None,
            a_number="201234567",
            status=Status.CRIME_CHECK,
            received_at=at("2025-05-05 09:00"),
        ),
        "rosa2": person(
            "Rosa",
            "Diaz",
            date(1970, 1, 1),
            a_number="A-201-234-567",
            status=Status.DECLINED,
            received_at=at("2025-05-20 09:00"),
            decided_at=at("2025-09-01 09:00"),
            decline_reason="culpable",
        ),
        "li": person(
            "Wei",
            "Li",
            date(2000, 10, 10),
            status=Status.CRIME_CHECK,
            received_at=at("2025-08-01 09:00"),
        ),
        "fatima": person(
            "Fatima",
            "Noor",
            date(1995, 3, 3),
            status=Status.WITHDRAWN,
            received_at=at("2025-09-09 09:00"),
            withdrawn_at=at("2025-09-20 09:00"),
        ),
        # Jean Pierre, T visa: a timely delay notice on day 80, signed before its projected date
        "jean": person(
            "Jean",
            "Pierre",
            date(1979, 7, 7),
            form_type=FormType.T_VISA,
            status=Status.CERTIFIED,
            received_at=at("2025-04-01 09:00"),
            decided_at=at("2025-07-25 09:00"),
            signed_on=date(2025, 7, 25),
            delay_issued_at=at("2025-06-20 09:00"),
            delay_projected_date=date(2025, 8, 1),
        ),
    }
    assert all(r.form_type == u for k, r in rows.items() if k != "jean")
    DelayNotice.objects.create(
        request=rows["jean"],
        issued_at=at("2025-06-20 09:00"),
        reason="Lab",
        process="Wait",
        projected_date=date(2025, 8, 1),
        timely=True,
        deadline_then=date(2025, 6, 30),
    )
    return rows


def test_the_demo_year_by_hand(demo_2025):
    r = annual.build_annual_report(2025, now=NOW)
    c = r.cells
    # Requests: U 7, T 1. Individuals: María, Ana, Rosa, Li, Fatima (U) and Jean (T).
    assert (c["requests_received:U"], c["requests_received:T"], c["requests_received:all"]) == (
        7,
        1,
        8,
    )
    assert (c["individuals_requested:U"], c["individuals_requested:T"]) == (5, 1)
    assert c["individuals_requested:all"] == 6  # María's two requests count once
    # Signed: María (2nd), Ana (U); Jean (T). Denied: María (1st) and Rosa.
    assert (c["forms_signed:U"], c["forms_signed:T"], c["individuals_signed:all"]) == (2, 1, 3)
    assert (c["requests_denied:all"], c["individuals_denied:all"]) == (2, 2)
    # Answers by kind: Jean first answered by a timely notice; Rosa denied on day 104: late.
    assert (c["answer_timely_notice:T"], c["answer_timely_notice:U"]) == (1, 0)
    assert (c["late_final_answers:U"], c["late_final_answers:T"]) == (1, 0)
    assert c["late_notices:all"] == 0
    assert (r.withdrawn, r.pending) == (1, 2)
    # Jean was signed on day 115 after a timely notice: on time, not after the statutory limit.
    assert (r.answered_late, r.answered_late_statutory) == (1, 1)


def test_the_report_holds_no_name_or_digest(demo_2025):
    r = annual.build_annual_report(2025, now=NOW)
    text = exports.to_csv(r, public=False) + exports.to_csv(r, public=True)
    for row in demo_2025.values():
        row.refresh_from_db()
        for secret in (row.family_name, row.given_name, row.person_digest, row.a_number_digest):
            assert not secret or secret not in text


def published(report):
    rows = list(csv.reader(io.StringIO(exports.to_csv(report, public=True))))[1:]
    keys = {(s.title, line.label): line.key for s in report.s4_sections() for line in s.lines}
    return {keys[(sec, item)]: value for sec, item, value in rows}


def test_the_public_table_hides_small_cells_and_what_would_reveal_them(demo_2025):
    r = annual.build_annual_report(2025, now=NOW)
    shown = published(r)
    assert shown["requests_received:T"] == "<5" and shown["requests_received:all"] == "8"
    # 8 - 7 would give T = 1: U is withheld as well.
    assert shown["requests_received:U"] == "*"
    assert all(v in ("<5", "*") or int(v) == 0 or int(v) >= 5 for v in shown.values())


def test_no_hidden_small_cell_can_be_derived_by_any_arithmetic(demo_2025):
    """Every linear combination of the published sums (exact rational elimination), and
    every assignment of the hidden cells consistent with all the published relations."""
    r = annual.build_annual_report(2025, now=NOW)
    shown = published(r)
    hidden = sorted(k for k, v in shown.items() if v in ("<5", "*"))
    primary = [k for k in hidden if shown[k] == "<5"]
    relations = annual.relations()
    # 1. Linear: a hidden cell is derivable from sums iff its unit vector lies in the row
    #    space of the equations restricted to the hidden cells.
    rows = [
        [Fraction(dict(rel.terms).get(h, 0)) for h in hidden]
        for rel in relations
        if rel.op == "==" and rel.cells() & set(hidden)
    ]

    def rank(matrix):
        m = [row[:] for row in matrix]
        rk, cols = 0, len(hidden)
        for col in range(cols):
            pivot = next((i for i in range(rk, len(m)) if m[i][col] != 0), None)
            if pivot is None:
                continue
            m[rk], m[pivot] = m[pivot], m[rk]
            for i in range(len(m)):
                if i != rk and m[i][col] != 0:
                    f = m[i][col] / m[rk][col]
                    m[i] = [a - f * b for a, b in zip(m[i], m[rk], strict=True)]
            rk += 1
        return rk

    base = rank(rows)
    for cell in primary:
        unit = [Fraction(int(h == cell)) for h in hidden]
        assert rank([*rows, unit]) > base, f"{cell} follows from the published sums"
    # 2. Exhaustive: every assignment of the hidden cells (primary 1-4, others 0-12) that
    #    satisfies every published relation, one group of linked cells at a time (cells in
    #    no common relation cannot inform each other); each primary cell keeps two values.
    known = {k: int(v) for k, v in shown.items() if v not in ("<5", "*")}
    # not printed, but taken as known to a reader (how many were in both U and T)
    known |= {k: r.cells[k] for k in annual.UNPRINTED}
    groups: list[set[str]] = []
    for h in hidden:
        linked = {h} | {c for rel in relations if h in rel.cells() for c in rel.cells()}
        linked &= set(hidden)
        merged = [g for g in groups if g & linked]
        for g in merged:
            groups.remove(g)
            linked |= g
        groups.append(linked)
    seen = {h: set() for h in primary}
    for group in groups:
        cells = sorted(group)
        rels = [rel for rel in relations if rel.cells() & group]
        domains = [range(1, 5) if h in primary else range(0, 13) for h in cells]
        for combo in itertools.product(*domains):
            values = {**known, **dict(zip(cells, combo, strict=True))}
            sums = [(sum(k * values[n] for n, k in rel.terms), rel.op) for rel in rels]
            if all(total == 0 if op == "==" else total <= 0 for total, op in sums):
                for h in cells:
                    if h in seen:
                        seen[h].add(values[h])
    assert primary and all(len(v) >= 2 for v in seen.values()), seen


def test_primary_suppression_alone_would_leak(demo_2025):
    r = annual.build_annual_report(2025, now=NOW)
    primary = {k for k, v in r.cells.items() if 1 <= v <= 4}
    leaks = suppression.derivable(r.cells, primary, primary, annual.relations())
    assert "requests_received:T" in leaks  # 8 - 7 = 1


def test_the_classic_leak_from_the_issue_is_closed():
    # answered 8 minus signed 6 = denied 2
    values = {"answered": 8, "signed": 6, "denied": 2}
    rel = [suppression.total("answered", ["signed", "denied"])]
    primary, complementary = suppression.suppress(values, rel)
    assert primary == {"denied"} and complementary == {"signed"}
    assert (
        len(suppression.possible_values(values, {"denied", "signed"}, primary, rel, "denied")) > 1
    )


def test_submission_freezes_the_numbers_and_flags_later_changes(demo_2025, people):
    record = submissions.record_submission(
        year=2025,
        actor=people["coordinator"],
        submitted_on=date(2026, 1, 20),
        submitted_to="EOPSS, Office of Grants and Research",
        method="email",
        now=NOW,
    )
    assert record.content.startswith(b"%PDF")
    assert record.sha256 == hashlib.sha256(bytes(record.content)).hexdigest()
    together = "M.G.L. c. 258F s. 4(a): U and T together"
    assert record.figures[f"{together} | Requests denied"] == 2
    assert submissions.changes_since(record, annual.build_annual_report(2025, now=NOW)) == []
    # Later, Li's pending 2025 request turns out to have been declined in 2025 (corrected).
    li = demo_2025["li"]
    type(li).objects.filter(pk=li.pk).update(
        status=Status.DECLINED, decided_at=at("2025-12-01 09:00"), decline_reason="culpable"
    )
    changes = submissions.changes_since(record, annual.build_annual_report(2025, now=NOW))
    assert submissions.Change(f"{together} | Requests denied", 2, 3) in changes
    record.refresh_from_db()
    assert record.figures[f"{together} | Requests denied"] == 2  # frozen as sent
    with pytest.raises(ValueError):
        record.save()


def test_the_page_shows_changed_since_submission(client, demo_2025, people):
    sign_in(client, people["chief"])
    response = client.post(
        "/reports/annual/2025/submit/",
        {
            "submit-submitted_on": "2026-01-20",
            "submit-submitted_to": "EOPSS",
            "submit-method": "portal",
            "submit-fmt": "csv",
            "submit-public": "on",
        },
    )
    assert response.status_code == 302
    record = AnnualReportSubmission.objects.get()
    assert record.file_name.endswith("public.csv") and b"<5" in bytes(record.content)
    page = client.get("/reports/annual/2025/").content.decode()
    assert record.sha256 in page and "changed-since-submission" not in page
    type(demo_2025["li"]).objects.filter(pk=demo_2025["li"].pk).update(
        status=Status.WITHDRAWN, withdrawn_at=at("2025-12-01 09:00")
    )
    from django.core.cache import cache  # the report page is cached per data version

    cache.clear()
    page = client.get("/reports/annual/2025/").content.decode()
    assert "changed-since-submission" in page and "Changed since submission" in page
    file = client.get(f"/reports/annual/submissions/{record.pk}/file/")
    assert file.content == bytes(record.content)


@pytest.mark.parametrize("persona", ["auditor", "advocate", "detective"])
def test_only_the_coordinator_or_chief_records_a_submission(client, people, persona, db):
    with pytest.raises(PermissionDenied):
        submissions.record_submission(
            year=2025,
            actor=people[persona],
            submitted_on=date(2026, 1, 20),
            submitted_to="EOPSS",
            method="email",
            now=NOW,
        )
    sign_in(client, people[persona])
    response = client.post(
        "/reports/annual/2025/submit/",
        {
            "submit-submitted_on": "2026-01-20",
            "submit-submitted_to": "EOPSS",
            "submit-method": "email",
            "submit-fmt": "pdf",
        },
    )
    assert response.status_code == 403 and not AnnualReportSubmission.objects.exists()


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("submitted_to", {"submitted_to": " "}),
        ("method", {"method": "pigeon"}),
        ("submitted_on", {"submitted_on": date(2026, 3, 2)}),
        ("year", {"year": 2026}),
        ("fmt", {"fmt": "docx"}),
    ],
)
def test_bad_submissions_are_refused(people, field, kwargs, db):
    args = dict(
        year=2025,
        actor=people["coordinator"],
        submitted_on=date(2026, 1, 20),
        submitted_to="EOPSS",
        method="email",
        now=NOW,
    )
    with pytest.raises(ValidationError) as err:
        submissions.record_submission(**{**args, **kwargs})
    assert field in err.value.message_dict and not AnnualReportSubmission.objects.exists()
