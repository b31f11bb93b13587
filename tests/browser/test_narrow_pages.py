"""At a phone's 412 px no page of a case (every state of the demo, each channel, U and T, as
each role that acts on it), no letters table and no report (annual, six-monthly) scrolls
sideways: the document is as wide as the viewport (WCAG 2.1 SC 1.4.10, reflow). Each page is
also axe-clean at 412 and 1280 px."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cases.models import CertificationRequest, IntakeRecord, Status
from federal_requests.periods import recent_periods
from tests.browser.session import PHONE, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# With every <details> (the step forms) open: a form a user opens must fit as well.
WIDTHS = """() => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  return [document.documentElement.scrollWidth, window.innerWidth];
}"""
# Cells of a stacked table (usa-table--stacked) without their column's heading: at a phone's
# width such a table reads "2, 0, 0, 0, 0, 2".
UNLABELLED = """() => [...document.querySelectorAll(
  ".usa-table--stacked tbody td:not([colspan]), .usa-table--stacked tbody th")]
  .filter((cell) => !(cell.dataset.label || "").trim()).length"""
# Which role looks at a request in each state (besides the coordinator, who sees them all).
ACTOR = {
    Status.DRAFT: "advocate",
    Status.HELPFULNESS_REVIEW: "detective",
    Status.CHIEF_DECISION: "chief",
    Status.AWAITING_INK: "chief",
    Status.CERTIFIED: "advocate",
    Status.DECLINED: "advocate",
    Status.CERTIFICATION_WITHDRAWN: "chief",
}


def one_per_state() -> list[CertificationRequest]:
    """A request for every (state, delay notice, form, channel) the demo holds."""
    channels = dict(IntakeRecord.objects.values_list("request_id", "channel"))
    chosen: dict[tuple, CertificationRequest] = {}
    for r in CertificationRequest.objects.order_by("pk"):
        key = (r.status, bool(r.delay_issued_at), r.form_type, channels.get(r.pk, "portal"))
        chosen.setdefault(key, r)
    return list(chosen.values())


def test_no_case_page_letters_table_or_report_scrolls_sideways_at_412_px(
    page, live_server, artifacts, reference_rows
):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_federal_demo", stdout=io.StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    s = Session(page, live_server, artifacts, "narrow")
    page.set_default_timeout(15_000)
    measured: dict[str, list[int]] = {}
    unlabelled: dict[str, int] = {}

    def visit(label: str, path: str) -> None:
        page.set_viewport_size(PHONE)
        s.open(path)  # axe at 412 and 1280 px, back to 412
        measured[label] = page.evaluate(WIDTHS)
        unlabelled[label] = page.evaluate(UNLABELLED)

    requests = one_per_state()
    for username in ("coordinator", "chief", "detective", "advocate", "advocate2"):
        s.as_user(users[username])
        for r in requests:
            if username != "coordinator" and ACTOR.get(r.status) != username:
                continue
            if r.status == Status.DRAFT and r.advocate_id != users[username].pk:
                continue
            if username.startswith("advocate") and r.advocate_id != users[username].pk:
                continue
            if username == "detective" and r.assigned_detective_id != users[username].pk:
                continue
            intake = "portal" if r.advocate_id else "recorded"
            visit(
                f"{username} {r.reference} {r.status} {r.form_type} {intake}", r.get_absolute_url()
            )
    years = sorted(
        {
            timezone.localdate(r.received_at).year
            for r in CertificationRequest.objects.exclude(received_at=None)
        }
    )
    s.as_user(users["auditor"])
    for year in years:
        visit(f"annual {year}", f"/reports/annual/{year}/")
        visit(f"annual {year} public", f"/reports/annual/{year}/?public=1")
    s.as_user(users["records"])
    for period in recent_periods(timezone.localdate(), since=None):
        path = f"/federal-requests/reports/{period.slug}/"
        visit(f"six-monthly {period.slug}", path)
        visit(f"six-monthly {period.slug} public", f"{path}?public=1")
    (artifacts / "narrow-widths.json").write_text(json.dumps(measured, indent=1))
    too_wide = {label: w for label, w in measured.items() if w[0] > w[1]}
    print(f"{len(measured)} page states; widest {max(w[0] for w in measured.values())} px")
    assert not too_wide, too_wide
    assert not any(unlabelled.values()), {k: n for k, n in unlabelled.items() if n}
    assert len(measured) >= 40 and s.violations == {412: 0, 1280: 0}
