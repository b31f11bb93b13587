"""The c. 258F s. 4 annual report: counts, public suppression, access, formats, no PII."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from cases import services
from cases.audit import check_checkpoint
from cases.models import CaseEvent, CertificationRequest, Status
from cases.reporting import annual, exports
from tests.conftest import at, sign_in

NOW = at("2026-03-01 12:00")


@pytest.fixture
def year_2025(make_request):
    """Eight requests around 2025 (see the expected figures in the first test)."""
    rows = {
        # received 01/10, expedited (due 02/09), signed 02/20: 41 days, late
        "A": make_request(
            Status.CERTIFIED,
            received_at=at("2025-01-10 09:00"),
            decided_at=at("2025-02-20 10:00"),
            signed_on=date(2025, 2, 20),
            expedited=True,
            expedited_reason="removal",
        ),
        # received 03/05 (due 06/03), denied 06/10: 97 days, late
        "B": make_request(
            Status.DECLINED,
            received_at=at("2025-03-05 09:00"),
            decided_at=at("2025-06-10 10:00"),
            decline_reason="not_helpful",
        ),
        # received 03/20, signed 04/19: 30 days, on time
        "C": make_request(
            Status.CERTIFIED,
            received_at=at("2025-03-20 09:00"),
            decided_at=at("2025-04-19 10:00"),
            signed_on=date(2025, 4, 19),
        ),
        "D": make_request(Status.CRIME_CHECK, received_at=at("2025-11-01 09:00")),
        "E": make_request(
            Status.WITHDRAWN,
            received_at=at("2025-05-01 09:00"),
            withdrawn_at=at("2025-05-10 09:00"),
        ),
        # received in 2024, signed in 2025: 45 days; certification withdrawn later
        "F": make_request(
            Status.CERTIFICATION_WITHDRAWN,
            received_at=at("2024-12-01 09:00"),
            decided_at=at("2025-01-15 09:00"),
            signed_on=date(2025, 1, 15),
        ),
        # received 12/20/2025, signed in 2026: pending on 12/31/2025
        "G": make_request(
            Status.CERTIFIED,
            received_at=at("2025-12-20 09:00"),
            decided_at=at("2026-01-10 09:00"),
            signed_on=date(2026, 1, 10),
        ),
        # all in 2024
        "H": make_request(
            Status.DECLINED,
            received_at=at("2024-06-01 09:00"),
            decided_at=at("2024-08-01 09:00"),
            decline_reason="culpable",
        ),
    }
    make_request(Status.DRAFT)  # never received: in no count
    return rows


def test_it_counts_the_year(year_2025):
    r = annual.build_annual_report(2025, now=NOW)
    assert (r.requested, r.signed, r.denied) == (6, 3, 1)
    assert (r.withdrawn, r.pending, r.answered, r.answered_late) == (1, 2, 4, 2)
    # A missed only the department's 30-day expedited period; B missed the 90 days too.
    assert r.answered_late_statutory == 1
    assert r.as_of == date(2025, 12, 31)
    assert (r.median_days, r.p90_days) == (43, 97)  # days 30, 41, 45, 97
    assert r.day_bins == [1, 2, 0, 1, 0]
    assert r.per_month == [1, 0, 2, 0, 1, 0, 0, 0, 0, 0, 1, 1]
    assert r.by_category == [("Domestic Violence", 6)]
    assert r.by_decline_reason == [("No helpfulness, past, present or likely", 1)]
    assert (r.expedited, r.by_expedited_reason) == (1, [("In removal proceedings", 1)])


def test_the_current_year_counts_pending_as_of_today(year_2025):
    r = annual.build_annual_report(2026, now=NOW)
    assert (r.requested, r.signed, r.pending, r.as_of) == (0, 1, 1, date(2026, 3, 1))


def test_a_decision_awaiting_the_ink_signature_stays_pending_into_the_next_year(make_request):
    # c. 258F s. 3(i): the form is answered when completed and signed; certified on
    # 12/30/2025 and not yet signed in ink, the request is pending in 2025 and in 2026.
    make_request(
        Status.AWAITING_INK,
        received_at=at("2025-11-03 10:00"),
        decided_at=at("2025-12-30 15:00"),
    )
    for year in (2025, 2026):
        r = annual.build_annual_report(year, now=NOW)
        assert (r.pending, r.signed, r.answered) == (1, 0, 0), year


def test_a_year_with_nothing(db):
    r = annual.build_annual_report(2022, now=NOW)
    assert (r.requested, r.median_days, r.p90_days) == (0, None, None)
    assert exports.to_pdf(r, public=False).startswith(b"%PDF")


def test_a_part_of_the_row_above_is_indented_in_the_pdf_and_on_the_page(client, people, db):
    """Rows such as "  granted (certified)" under "Reconsiderations requested" read as parts of
    it: indented in the PDF (by its position on the page) and on the web page."""
    import subprocess

    r = annual.build_annual_report(2022, now=NOW)
    pdf = exports.to_pdf(r, public=False)
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    x_of = {
        word: float(x)
        for x, word in re.findall(r'<word xMin="([0-9.]+)"[^>]*>([^<]+)</word>', xml)
        if word in ("Reconsiderations", "granted", "Referrals", "documents")
    }
    assert x_of["granted"] > x_of["Reconsiderations"] + 8
    assert x_of["documents"] > x_of["Referrals"] + 8
    sign_in(client, people["auditor"])
    page = client.get("/reports/annual/2022/").content.decode()
    assert 'class="padding-left-3">  granted (certified)</th>' in page
    assert '<th scope="row">Reconsiderations requested</th>' in page


@pytest.mark.parametrize(
    "values, pct, expected", [([], 90, None), ([5], 90, 5), (list(range(1, 11)), 90, 9)]
)
def test_nearest_rank_percentile(values, pct, expected):
    assert annual.percentile(values, pct) == expected


def csv_rows(text: str) -> dict[tuple[str, str], str]:
    return {(row[0], row[1]): row[2] for row in csv.reader(io.StringIO(text))}


def test_public_version_hides_counts_under_five(year_2025):
    r = annual.build_annual_report(2025, now=NOW)
    public = csv_rows(exports.to_csv(r, public=True))
    internal = csv_rows(exports.to_csv(r, public=False))
    s4 = "M.G.L. c. 258F s. 4(a): U and T together"
    # The fixture's requests are all one person (same name and date of birth): one individual.
    assert internal[(s4, "Individuals who requested certification")] == "1"
    assert internal[(s4, "Requests received")] == "6"
    assert public[(s4, "Individuals who requested certification")] == "<5"
    assert public[(s4, "Requests received")] == "6"
    assert public[(s4, "Forms completed and signed")] == "<5"
    assert public[(s4, "Requests denied")] == "<5"
    assert ("Requests received per month", "Feb") not in public  # breakdowns stay internal
    assert internal[(s4, "Forms completed and signed")] == "3"
    assert "<5" not in exports.to_csv(r, public=False)


@pytest.mark.parametrize("persona", ["coordinator", "chief", "auditor"])
def test_report_readers_get_every_format(persona, client, people, year_2025):
    sign_in(client, people[persona])
    page = client.get("/reports/annual/2025/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        html.count("<svg") == 3
        and "<caption>M.G.L. c. 258F s. 4(a): U and T together</caption>" in html
    )
    # CSP-ready: no inline script, no inline styles
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html
    response = client.get("/reports/annual/2025/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    cells = csv_rows(response.content.decode())
    s4 = "M.G.L. c. 258F s. 4(a): U and T together"
    assert cells[(s4, "Requests received")] == "6"
    assert cells[(s4, "Individuals who requested certification")] == "1"  # one person
    assert cells[("Outcomes and timeliness", "Answered after the due date")] == "2"
    pdf = client.get("/reports/annual/2025/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Individuals who requested certification" in text and "Requests denied" in text


def test_the_public_page_has_no_charts_and_shows_small_counts_as_under_five(
    client, people, year_2025
):
    sign_in(client, people["auditor"])
    html = client.get("/reports/annual/2025/?public=1").content.decode()
    assert "<svg" not in html and "&lt;5" in html and "(public version)" in html


@pytest.mark.parametrize("persona", ["advocate", "detective", "undesignated_chief", "superuser"])
def test_others_are_refused(persona, client, people):
    sign_in(client, people[persona])
    if persona == "undesignated_chief":
        # In the chief group, so a report reader even without a designation to sign.
        assert client.get("/reports/annual/2025/").status_code == 200
        return
    for url in ["/reports/annual/", "/reports/annual/2025/", "/reports/annual/2025/?format=pdf"]:
        assert client.get(url).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get("/reports/annual/2025/?format=csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_years_and_formats(client, people):
    sign_in(client, people["auditor"])
    assert client.get("/reports/annual/2020/").status_code == 404
    next_year = timezone.localdate().year + 1
    assert client.get(f"/reports/annual/{next_year}/").status_code == 404
    assert client.get("/reports/annual/2025/?format=xlsx").status_code == 400
    assert client.post("/reports/annual/2025/").status_code == 405
    index = client.get("/reports/annual/")
    assert index.status_code == 302 and index["Location"].endswith(
        f"/reports/annual/{timezone.localdate().year}/"
    )


@pytest.mark.parametrize("count", [1, 20])
def test_the_report_page_runs_a_fixed_number_of_queries(
    count, client, people, make_request, django_assert_num_queries
):
    for i in range(count):
        make_request(
            Status.DECLINED,
            received_at=at(f"2025-0{1 + i % 9}-10 09:00"),
            decided_at=at("2025-10-01 09:00"),
            decline_reason="not_helpful",
        )
    sign_in(client, people["auditor"])
    # the session with its user and second-factor device, the versions, capability (user +
    # group perms), agency name, the versions again (the cache key), requests, categories,
    # the year's submissions to EOPSS (delay notices only when a request had one), the
    # reconsiderations' counts; then the page is kept like the lists: the session and the versions
    with django_assert_num_queries(10):
        response = client.get("/reports/annual/2025/")
    assert response.status_code == 200
    with django_assert_num_queries(2):
        again = client.get("/reports/annual/2025/")
    assert _without_csrf(again.content.decode()) == _without_csrf(response.content.decode())


def _without_csrf(html: str) -> str:
    """The page without its CSRF token, which is masked afresh on every view."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_report_page_is_kept_through_steps_that_change_no_figure(
    client, people, make_request, django_assert_num_queries
):
    now = timezone.now()
    received = make_request(Status.RECEIVED, received_at=now - timedelta(days=3))
    sign_in(client, people["coordinator"])
    url = f"/reports/annual/{timezone.localdate(now).year}/"
    first = _without_csrf(client.get(url).content.decode())
    services.request_begin_crime_check(request=received, actor=people["coordinator"])
    with django_assert_num_queries(2):  # the session and the versions: the page is reused
        assert _without_csrf(client.get(url).content.decode()) == first
    make_request(Status.DECLINED, received_at=now - timedelta(days=2), decided_at=now)
    rebuilt = client.get(url).content.decode()
    assert rebuilt != first
    denied = r"Requests denied</th>\s*<td[^>]*>(\d+)<"
    assert re.findall(denied, first)[:1] == ["0"] and re.findall(denied, rebuilt)[:1] == ["1"]


def test_the_command_writes_csv_and_pdf(year_2025, tmp_path, capsys):
    call_command("annual_report", year=2025, format="csv", out=str(tmp_path / "r.csv"))
    rows = csv_rows((tmp_path / "r.csv").read_text())
    assert rows[("M.G.L. c. 258F s. 4(a): U and T together", "Requests denied")] == "1"
    call_command("annual_report", year=2025, format="pdf", out=str(tmp_path / "r.pdf"), public=True)
    text = PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert "public version" in text and "<5" in text
    with pytest.raises(CommandError, match="No report for 2019"):
        call_command("annual_report", year=2019, format="csv", out=str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="No such directory"):
        call_command("annual_report", year=2025, format="csv", out=str(tmp_path / "no/x.csv"))


# --- no personal data in any output, over the demo data ---


def demo_secrets() -> list[re.Pattern[str]]:
    """Names, dates of birth (three spellings), A-Numbers, report numbers, places."""
    found: set[str] = set()
    for r in CertificationRequest.objects.all():
        found.update(p for p in [r.family_name, r.given_name, r.middle_name] if p)
        found.update(p for p in [r.a_number, r.report_number, r.incident_location] if p)
        if r.date_of_birth:
            dob = r.date_of_birth
            found.update({dob.isoformat(), f"{dob:%m/%d/%Y}", f"{dob:%B} {dob.day}, {dob.year}"})
    return [re.compile(rf"(?<!\w){re.escape(s)}(?!\w)") for s in sorted(found)]


def test_no_report_output_contains_victim_details(client, db, tmp_path):
    call_command("seed_demo")
    from django.contrib.auth import get_user_model

    secrets = demo_secrets()
    assert len(secrets) > 100  # the check itself has something to find
    sign_in(client, get_user_model().objects.get(username="auditor"))
    years = sorted(
        {
            timezone.localdate(r.received_at).year
            for r in CertificationRequest.objects.filter(received_at__isnull=False)
        }
    )
    outputs: dict[str, str] = {}
    for year in years:
        for public in ("0", "1"):
            base = f"/reports/annual/{year}/?public={public}"
            outputs[f"{year} html {public}"] = client.get(base).content.decode()
            outputs[f"{year} csv {public}"] = client.get(base + "&format=csv").content.decode()
            pdf = client.get(base + "&format=pdf").content
            outputs[f"{year} pdf {public}"] = "\n".join(
                page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages
            )
    assert any("Individuals who requested certification" in o for o in outputs.values())
    for name, text in outputs.items():
        for secret in secrets:
            assert not secret.search(text), f"{secret.pattern} in {name}"


def test_the_clock_tile_is_for_the_coordinator_and_the_chief(client, people, make_request):
    now = timezone.now()
    make_request(Status.CRIME_CHECK, received_at=now - timedelta(days=100))
    make_request(Status.CRIME_CHECK, received_at=now - timedelta(days=80))
    make_request(Status.HELPFULNESS_REVIEW, received_at=now)
    make_request(Status.CERTIFIED, received_at=now, decided_at=now)
    for persona in ["coordinator", "chief"]:
        sign_in(client, people[persona])
        html = client.get("/").content.decode()
        assert "Open requests by answer clock" in html
        cells = re.findall(r'<td class="clock-(\w+)">(\d+)</td>', html)
        assert cells == [("on_time", "1"), ("due_soon", "1"), ("overdue", "1")]
    for persona in ["advocate", "detective", "auditor"]:
        sign_in(client, people[persona])
        assert "Open requests by answer clock" not in client.get("/").content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_home_page_with_the_tile_runs_a_fixed_number_of_queries(
    count, client, make_request, people, django_assert_num_queries
):
    for _ in range(count):
        make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    # the session with its user and second-factor device, the versions of the page cache,
    # the role's permissions (user, groups), new requests, intake queue, versions, clock tile
    with django_assert_num_queries(8):
        response = client.get("/")
    assert "Open requests by answer clock" in response.content.decode()
    # Then the whole page comes from the cache while nothing changed (cases/page_cache.py)...
    with django_assert_num_queries(2):
        client.get("/")
    # ...and the tile from its own cache when the page is built again with no new event.
    cache.clear()
    client.get("/")
    from cases.page_cache import raise_data_version

    raise_data_version()
    with django_assert_num_queries(7):  # the same without the tile's count
        assert "Open requests by answer clock" in client.get("/").content.decode()


def test_the_internal_report_prints_a_signed_audit_checkpoint(make_request, people):
    """Finding 4: the chain head, with its MAC, outside the database (C9)."""
    r = make_request(Status.RECEIVED)
    services.request_begin_crime_check(request=r, actor=people["coordinator"])
    report = annual.build_annual_report(timezone.localdate().year, now=timezone.now())
    rows = csv_rows(exports.to_csv(report, public=False))
    head = rows[("Audit chain checkpoint", "case events: last row and hash")]
    event_id, digest = head.split()
    assert CaseEvent.objects.get(pk=int(event_id)).hash == digest
    assert len(rows[("Audit chain checkpoint", "MAC (UVISA_AUDIT_KEY)")]) == 64
    public = csv_rows(exports.to_csv(report, public=True))
    assert not any(k[0] == "Audit chain checkpoint" for k in public)
    assert check_checkpoint({"x": 1, "mac": "0" * 64}) is not None
