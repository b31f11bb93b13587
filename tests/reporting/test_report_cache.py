"""The cached annual report is exact, never a figure behind: every write that can change one
of its figures raises the ``report`` scope in the writer's transaction, and a workflow step
that cannot (between open states) leaves the built report in use. The submitted file is served
as stored, without building the report."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.documents import issuing
from cases.models import (
    REPORT_STATES,
    CertificationRequest,
    DeclineReason,
    DelayNotice,
    QualifyingCrimeCategory,
    Status,
)
from cases.page_cache import REPORT_SCOPE, REQUESTS_SCOPE, versions
from cases.reporting import annual, submissions
from tests.conftest import record_ink, sign_in

pytestmark = pytest.mark.django_db


def figures(report: annual.AnnualReport) -> dict[str, Any]:
    """Every field of the report but the moment it was built."""
    return {f.name: getattr(report, f.name) for f in fields(report) if f.name != "generated_at"}


@pytest.fixture
def builds(monkeypatch: Any) -> list[int]:
    """Counts the builds ``cached_annual_report`` makes."""
    made: list[int] = []
    real = annual.build_annual_report

    def counting(*args: Any, **kwargs: Any) -> annual.AnnualReport:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(annual, "build_annual_report", counting)
    monkeypatch.setattr(annual, "real_build", real, raising=False)
    return made


def read(builds: list[int]) -> int:
    """Reads the cached report, checks it against a fresh build, and says how many builds
    the read made (0: the stored report was reused)."""
    now = timezone.now()
    year = timezone.localdate(now).year
    before = len(builds)
    cached = annual.cached_annual_report(year, now=now)
    fresh = annual.real_build(year, now=now)  # type: ignore[attr-defined]
    assert figures(cached) == figures(fresh)
    return len(builds) - before


def recent(minutes: int) -> Any:
    # Minutes ago: in the current year except in the first minutes of January 1.
    return timezone.now() - timedelta(minutes=minutes)


def test_the_cached_report_is_exact_after_every_write_that_changes_it(make_request, people, builds):
    chief, coordinator, advocate = people["chief"], people["coordinator"], people["advocate"]
    to_sign = make_request(Status.CHIEF_DECISION, received_at=recent(50))
    to_decline = make_request(Status.CHIEF_DECISION, received_at=recent(40))
    to_notice = make_request(Status.HELPFULNESS_REVIEW, received_at=recent(30))
    to_withdraw = make_request(Status.RECEIVED, received_at=recent(20))
    to_delete = make_request(Status.RECEIVED, received_at=recent(10), department_text=False)
    draft = make_request(Status.DRAFT)
    other = QualifyingCrimeCategory.objects.exclude(code="domestic_violence").first()
    assert read(builds) == 1 and read(builds) == 0
    first = annual.cached_annual_report(timezone.localdate().year, now=timezone.now())

    def plain_save() -> None:
        row = CertificationRequest.objects.get(pk=to_sign.pk)
        row.expedited, row.expedited_reason = True, "removal"
        row.save()

    def partial_save() -> None:
        row = CertificationRequest.objects.get(pk=to_decline.pk)
        row.decline_reason = DeclineReason.CULPABLE
        row.save(update_fields=["decline_reason"])

    def ink_date_corrected() -> None:
        row = CertificationRequest.objects.get(pk=to_sign.pk)
        row.signed_on = timezone.localdate() - timedelta(days=1)
        row.save(update_fields=["signed_on"])

    def notice(request: CertificationRequest) -> None:
        DelayNotice.objects.create(
            request=request,
            reason="Recorded by hand.",
            process="None.",
            projected_date=timezone.localdate() + timedelta(days=30),
            timely=False,
            deadline_then=timezone.localdate(),
        )

    writes = [
        ("submit", lambda: services.request_submit(request=draft, actor=advocate)),
        ("certify", lambda: issuing.request_certify(request=to_sign, actor=chief)),
        ("ink signature", lambda: record_ink(to_sign, coordinator)),
        (
            "decline",
            lambda: services.request_decline(
                request=to_decline, actor=chief, reason=DeclineReason.NOT_HELPFUL
            ),
        ),
        (
            "delay notice",
            lambda: services.request_issue_delay_notice(
                request=to_notice,
                actor=coordinator,
                reason="The file is with the DA.",
                process="We asked for it.",
                projected_date=timezone.localdate() + timedelta(days=20),
            ),
        ),
        ("notice recorded directly", lambda: notice(to_notice)),
        ("notice deleted", lambda: DelayNotice.objects.filter(timely=False).delete()),
        (
            "withdraw",
            lambda: services.request_withdraw(
                request=to_withdraw, actor=advocate, reason="Moved away."
            ),
        ),
        ("category added", lambda: to_withdraw.crime_categories.add(other)),
        ("categories cleared", lambda: to_withdraw.crime_categories.clear()),
        ("plain save, expedited", plain_save),
        ("save of one column, decline reason", partial_save),
        ("ink date corrected", ink_date_corrected),
        (
            "certification withdrawn",
            lambda: services.request_withdraw_certification(
                request=CertificationRequest.objects.get(pk=to_sign.pk),
                actor=chief,
                reason="Refused to testify.",
            ),
        ),
        ("request deleted", lambda: CertificationRequest.objects.get(pk=to_delete.pk).delete()),
    ]
    for name, write in writes:
        write()
        assert read(builds) == 1, name  # rebuilt once, and equal to a fresh build
        assert read(builds) == 0, name  # then reused
    last = annual.cached_annual_report(timezone.localdate().year, now=timezone.now())
    assert (first.requested, first.signed, first.denied, first.withdrawn) == (5, 0, 0, 0)
    assert (last.requested, last.signed, last.denied, last.withdrawn) == (5, 1, 1, 1)
    assert (last.expedited, last.delay_notices) == (1, 1)
    assert (last.timely_notices, last.late_notices) == (1, 0)  # the one recorded by hand deleted


def test_a_category_renamed_changes_the_report(make_request, builds):
    make_request(Status.RECEIVED, received_at=recent(5))
    assert read(builds) == 1
    category = QualifyingCrimeCategory.objects.get(code="domestic_violence")
    category.name = "Domestic violence (renamed)"
    category.save()
    assert read(builds) == 1
    assert annual.cached_annual_report(
        timezone.localdate().year, now=timezone.now()
    ).by_category == [("Domestic violence (renamed)", 1)]


def test_a_step_between_open_states_keeps_the_report(make_request, people, builds):
    coordinator = people["coordinator"]
    r = make_request(Status.RECEIVED, received_at=recent(5))
    assert read(builds) == 1
    pages = versions().scope(REQUESTS_SCOPE)
    r = services.request_begin_crime_check(request=r, actor=coordinator)
    assert read(builds) == 0  # reused, and still equal to a fresh build
    services.request_confirm_qualifying_crime(request=r, actor=coordinator)
    assert read(builds) == 0
    row = CertificationRequest.objects.get(pk=r.pk)
    row.crime_check_note = "Checked against the report."  # not a report column
    row.save()
    row.save(update_fields=["crime_check_note"])
    assert read(builds) == 0
    # The pages that show the request did change.
    assert versions().scope(REQUESTS_SCOPE) > pages


def test_a_save_reads_only_the_report_columns_it_writes(
    make_request, builds, django_assert_num_queries
):
    r = make_request(Status.RECEIVED, received_at=recent(5))
    assert read(builds) == 1
    row = CertificationRequest.objects.get(pk=r.pk)
    row.crime_check_note = "Checked."
    # No report column written: the update, then the scoped versions (the chain head's
    # lock, the insert), and no read of the stored report columns.
    with django_assert_num_queries(3):
        row.save(update_fields=["crime_check_note"])
    row = CertificationRequest.objects.only("pk", "status", "crime_check_note").get(pk=r.pk)
    row.crime_check_note = "Partly loaded."
    # A whole save of a partly loaded request writes its loaded columns (and the digests the
    # model computes): only those are compared, the deferred ones (the encrypted age-out date)
    # are neither read nor written.
    with CaptureQueriesContext(connection) as queries:
        row.save()
    assert not any("age_out_date" in q["sql"] for q in queries.captured_queries)
    assert read(builds) == 0


def test_every_open_state_looks_the_same_to_the_report(make_request):
    """The rule the report scope relies on: the report tells apart only REPORT_STATES."""
    now = timezone.now()
    year = timezone.localdate(now).year
    r = make_request(Status.RECEIVED, received_at=recent(5))
    rows = CertificationRequest.objects.filter(pk=r.pk)
    seen = set()
    for status in Status:
        rows.update(status=status)
        report = figures(annual.build_annual_report(year, now=now))
        if status not in REPORT_STATES:
            seen.add(repr(report))
    assert len(seen) == 1
    # And a state the report tells apart does change it (signed, with its dates).
    rows.update(status=Status.CERTIFIED, decided_at=now, signed_on=timezone.localdate(now))
    assert repr(figures(annual.build_annual_report(year, now=now))) not in seen


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_a_transaction_always_raises_the_report_scope(make_request):
    r = make_request(Status.RECEIVED, received_at=recent(5))
    before = versions().scope(REPORT_SCOPE)
    with transaction.atomic():  # held under the row lock: nothing changed, not raised
        CertificationRequest.objects.get(pk=r.pk).save()
    assert versions().scope(REPORT_SCOPE) == before
    CertificationRequest.objects.get(pk=r.pk).save()  # cannot be held: raised
    assert versions().scope(REPORT_SCOPE) > before


def test_the_submitted_file_is_served_without_building_the_report(
    make_request, people, client, monkeypatch, django_assert_max_num_queries
):
    from tests.conftest import at

    make_request(
        Status.DECLINED,
        received_at=at("2025-03-05 09:00"),
        decided_at=at("2025-06-10 10:00"),
        decline_reason="not_helpful",
    )
    record = submissions.record_submission(
        year=2025,
        actor=people["coordinator"],
        submitted_on=date(2026, 1, 20),
        submitted_to="EOPSS",
        method="email",
        now=at("2026-01-20 12:00"),
    )
    sign_in(client, people["auditor"])

    def no_build(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the submitted file needs no build")

    monkeypatch.setattr(annual, "build_annual_report", no_build)
    # The session with its user and device, the capability, the stored file.
    with django_assert_max_num_queries(5):
        response = client.get(f"/reports/annual/submissions/{record.pk}/file/")
    assert response.status_code == 200
    assert response.content == bytes(record.content)
    assert response["Content-Disposition"] == f'attachment; filename="{record.file_name}"'
