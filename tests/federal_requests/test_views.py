"""The pages: 404 for everyone outside the three roles, what each role may do, refusals as
form errors (never a 500), the access log, and the report frozen as sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from federal_requests.models import AccessLog, AuditEvent, Entry, ReportSubmission, TaskForce
from federal_requests.periods import period_containing
from tests.conftest import sign_in
from tests.federal_requests.conftest import PERSON

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(log_entry, fr_people):
    entry = log_entry(kind="detainer", in_custody=True)
    document = None
    from federal_requests import services

    document = services.document_add(
        entry=entry,
        actor=fr_people["records_officer"],
        upload=SimpleUploadedFile("detainer-Quartermaine.pdf", PDF, "application/pdf"),
        kind="request",
    )
    force = services.task_force_save(
        actor=fr_people["records_officer"],
        data={
            "name": "Gang Task Force",
            "description": "Regional",
            "federal_agencies": "hsi",
            "participation": "",
            "started_on": timezone.localdate() - timedelta(days=400),
            "ended_on": None,
        },
    )
    last = period_containing(timezone.localdate()).previous()
    return {"entry": entry, "document": document, "force": force, "period": last}


def urls(world) -> list[tuple[str, str]]:
    ref, slug = world["entry"].reference, world["period"].slug
    name = lambda n, *a: reverse(f"federal_requests:{n}", args=a)  # noqa: E731
    return [
        ("get", name("entry_list")),
        ("get", name("entry_create")),
        ("post", name("entry_create")),
        ("get", name("entry_detail", ref)),
        ("get", name("entry_edit", ref)),
        ("post", name("entry_edit", ref)),
        ("post", name("entry_copy", ref)),
        ("post", name("document_add", ref)),
        ("get", name("document_download", ref, world["document"].pk)),
        ("get", name("task_force_list")),
        ("get", name("task_force_create")),
        ("get", name("task_force_edit", world["force"].pk)),
        ("post", name("task_force_disclosure", world["force"].pk)),
        ("get", name("report_index")),
        ("get", name("report_detail", slug)),
        ("get", name("report_detail", slug) + "?format=pdf&public=1"),
        ("get", name("report_detail", slug) + "?format=csv"),
        ("post", name("report_submit", slug)),
        ("get", name("audit")),
    ]


@pytest.mark.parametrize(
    "persona", ["advocate", "other_advocate", "detective", "coordinator", "superuser"]
)
def test_every_page_is_404_outside_the_three_roles(persona, world, fr_people, client):
    sign_in(client, fr_people[persona])
    for method, url in urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert b"Federal requests" not in client.get("/").content  # no navigation link either
    assert AccessLog.objects.count() == 0


def test_anonymous_users_are_sent_to_sign_in(world, client):
    for method, url in urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_what_each_role_may_open(world, fr_people, client):
    get_urls = [url for method, url in urls(world) if method == "get"]
    audit = reverse("federal_requests:audit")
    writes = {reverse("federal_requests:entry_create")}
    writes |= {u for u in get_urls if u.endswith("/edit/") or u.endswith("/new/")}
    for persona in ("records_officer", "chief", "auditor"):
        sign_in(client, fr_people[persona])
        assert b"Federal requests" in client.get("/").content
        for url in get_urls:
            expected = 200
            if url == audit and persona == "records_officer":
                expected = 403
            if url in writes and persona != "records_officer":
                expected = 403
            assert client.get(url).status_code == expected, (persona, url)


def test_identity_only_on_the_entry_page_and_every_view_logged(world, fr_people, client):
    sign_in(client, fr_people["auditor"])
    entry = world["entry"]
    page = client.get(entry.get_absolute_url()).content.decode()
    assert PERSON["person_name"] in page and "03/19/1987" in page
    for url in (reverse("federal_requests:entry_list"), reverse("federal_requests:audit")):
        assert PERSON["person_name"] not in client.get(url).content.decode()
    slug = world["period"].slug
    report = client.get(reverse("federal_requests:report_detail", args=[slug]))
    assert PERSON["person_name"] not in report.content.decode()
    views = AccessLog.objects.filter(action="view_entry", entry=entry)
    assert views.count() == 1 and views.get().username == "auditor"
    client.get(
        reverse("federal_requests:document_download", args=[entry.reference, world["document"].pk])
    )
    assert AccessLog.objects.filter(action="download_document").count() == 1


def test_the_records_officer_logs_an_entry_through_the_form(fr_people, client):
    sign_in(client, fr_people["records_officer"])
    response = client.post(
        reverse("federal_requests:entry_create"),
        {
            "received_at": "2026-02-10T09:30",
            "agency": "ice",
            "kind": "admin_warrant",
            "in_custody": "on",
            "response": "declined",
            "person_name": "Zebulon Quartermaine",
            "person_date_of_birth": "1987-03-19",
        },
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "No copy recorded as given to the person" in page
    response = client.post(
        reverse("federal_requests:entry_copy", args=[entry.reference]),
        {"copy_given_on": "2026-02-10", "copy_given_by": "Sgt. Moreau #214"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.copy_missing


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "received_at"),
        ({"received_at": "yesterday", "agency": "ice", "kind": "detainer"}, "received_at"),
        ({"received_at": "2026-02-10T09:30", "agency": "fbi", "kind": "detainer"}, "agency"),
        (
            {
                "received_at": "2026-02-10T09:30",
                "agency": "ice",
                "kind": "detainer",
                "response": "complied_judicial",
            },
            "response",
        ),
        (
            {
                "received_at": "2026-02-10T09:30",
                "agency": "ice",
                "kind": "detainer",
                "response": "declined",
                "person_name": "Bad\x00name",
            },
            "person_name",
        ),
        (
            {
                "received_at": "2026-02-10T09:30",
                "agency": "ice",
                "kind": "information",
                "response": "declined",
                "copy_given_on": "2026-02-11",
                "copy_given_by": "X",
            },
            "copy_given_on",
        ),
    ],
)
def test_bad_entries_come_back_with_a_message(data, field, fr_people, client):
    sign_in(client, fr_people["records_officer"])
    response = client.post(reverse("federal_requests:entry_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert b"usa-error-message" in response.content
    assert not Entry.objects.exists()


def test_bad_copies_uploads_and_reports_are_refused_politely(world, fr_people, client):
    ref, slug = world["entry"].reference, world["period"].slug
    sign_in(client, fr_people["records_officer"])
    copy = reverse("federal_requests:entry_copy", args=[ref])
    assert client.post(copy, {"copy_given_on": "not a date"}).status_code == 400
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(copy, {"copy_given_on": future, "copy_given_by": "Sgt."})
    assert response.status_code == 400 and b"future" in response.content
    upload = reverse("federal_requests:document_add", args=[ref])
    fake = SimpleUploadedFile("detainer.pdf", b"MZ\x90 not a pdf", "application/pdf")
    response = client.post(upload, {"kind": "request", "file": fake})
    assert response.status_code == 400 and b"Only PDF, JPEG and PNG" in response.content
    report = reverse("federal_requests:report_detail", args=[slug])
    assert client.get(report + "?format=docx").status_code == 400
    bad_period = reverse("federal_requests:report_detail", args=["2026-02-30"])
    assert client.get(bad_period).status_code == 404
    assert (
        client.get(reverse("federal_requests:report_detail", args=["2026-02-01"])).status_code
        == 404
    )
    sign_in(client, fr_people["chief"])
    decide = reverse("federal_requests:task_force_disclosure", args=[world["force"].pk])
    assert client.post(decide, {"disclosure": "maybe"}).status_code == 400
    assert TaskForce.objects.get().disclosure == "undecided"


def test_submission_freezes_the_report_as_sent(world, fr_people, log_entry, client):
    period = world["period"]
    inside = timezone.make_aware(
        timezone.datetime.combine(period.start + timedelta(days=10), timezone.datetime.min.time())
    ) + timedelta(hours=10)
    for _ in range(3):
        log_entry(received_at=inside)
    sign_in(client, fr_people["chief"])
    submit = reverse("federal_requests:report_submit", args=[period.slug])
    on = (period.end + timedelta(days=2)).isoformat()
    bad = client.post(submit, {"submitted_on": on, "docket_number": "<script>"})
    assert bad.status_code == 400 and not ReportSubmission.objects.exists()
    early = client.post(submit, {"submitted_on": period.start.isoformat(), "docket_number": "1"})
    assert early.status_code == 400
    response = client.post(submit, {"submitted_on": on, "docket_number": "26-412"})
    assert response.status_code == 302
    sent = ReportSubmission.objects.get()
    report = reverse("federal_requests:report_detail", args=[period.slug])
    pdf = client.get(report + "?format=pdf&public=1").content
    csv = client.get(report + "?format=csv&public=1").content
    assert pdf == bytes(sent.pdf) and csv == bytes(sent.csv) and b",<5" in csv
    # a later entry changes the figures, not the report as sent
    log_entry(received_at=inside + timedelta(hours=1))
    assert client.get(report + "?format=pdf&public=1").content == pdf
    assert client.get(report + "?format=csv&public=1").content == csv
    internal = client.get(report + "?format=csv").content.decode()  # live, exact counts
    count = Entry.objects.filter(received_at__date__gte=period.start).count()
    assert f"All requests,Total,{count}" in internal and ",<5" not in internal
    page = client.get(report).content.decode()
    assert "26-412" in page and "changed after the report was sent" in page
    sign_in(client, fr_people["chief"])  # the confirmation was spent on the first submission
    again = client.post(submit, {"submitted_on": on, "docket_number": "26-999"})
    assert again.status_code == 400 and b"already submitted" in again.content
    assert ReportSubmission.objects.get().docket_number == "26-412"
    assert AuditEvent.objects.filter(action="report_submitted").count() == 1


def test_the_current_period_cannot_be_submitted(fr_people, client):
    current = period_containing(timezone.localdate())
    sign_in(client, fr_people["chief"])
    response = client.post(
        reverse("federal_requests:report_submit", args=[current.slug]),
        {"submitted_on": timezone.localdate().isoformat(), "docket_number": "1"},
    )
    assert response.status_code == 400 and not ReportSubmission.objects.exists()


def test_only_the_chief_submits_and_decides(world, fr_people, client):
    sign_in(client, fr_people["records_officer"])
    submit = reverse("federal_requests:report_submit", args=[world["period"].slug])
    assert client.post(submit, {}).status_code == 403
    decide = reverse("federal_requests:task_force_disclosure", args=[world["force"].pk])
    assert client.post(decide, {"disclosure": "disclose"}).status_code == 403
    sign_in(client, fr_people["auditor"])
    assert client.post(decide, {"disclosure": "disclose"}).status_code == 403
    sign_in(client, fr_people["chief"])
    assert client.post(decide, {"disclosure": "disclose", "reason": "ok"}).status_code == 302
    assert TaskForce.objects.get().disclosure == "disclose"


def test_the_records_officer_home_page_leads_to_the_federal_requests_log(fr_people, client):
    sign_in(client, fr_people["records_officer"])
    home = client.get("/").content.decode()
    assert 'id="federal-log"' in home and reverse("federal_requests:entry_list") in home
    assert "no role in the workflow" not in home
    assert client.get(reverse("federal_requests:entry_list")).status_code == 200


def test_the_demo_lists_the_records_officer_login(fr_people):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_federal_demo", stdout=out)
    assert "Demo login of the federal requests log (password: demo-pass-2026" in out.getvalue()
    assert "  records " in out.getvalue()
