"""Every page-level step listed in cases.reauth.SENSITIVE_STEPS asks for a fresh sign-in (ASVS
V3.7.1): with the last full sign-in older than UVISA_REAUTH_SECONDS the post is sent to
/accounts/confirm/ and nothing changes; with a fresh one it goes through, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.accounts.sessions import FRESH_AT
from cases.models import AnnualReportSubmission, CertifyingOfficial, ReauthGrant
from cases.reauth import SENSITIVE_STEPS
from cases.services import designations
from cases.steps import STEPS
from federal_requests import services
from federal_requests.models import ReportSubmission, TaskForce
from federal_requests.periods import period_containing
from tests.cases.test_designations import letter
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@dataclass
class Attempt:
    user: Any
    url: str
    data: dict[str, Any]
    changed: Callable[[], bool]


ROSSI = {"family_name": "Rossi", "given_name": "Ana", "title": "Lieutenant"}
OKAFOR = {"family_name": "Okafor", "given_name": "Grace", "title": "Chief of Police"}


def _appoint_head(people: dict, agency: Any) -> Attempt:
    def changed() -> bool:
        head = CertifyingOfficial.objects.get(is_agency_head=True, revoked_on=None)
        return head.family_name == "Okafor"

    data = {f"head-{k}": v for k, v in OKAFOR.items()}
    data.update({"head-user": people["undesignated_chief"].pk})
    data["head-effective_on"] = timezone.localdate().isoformat()
    return Attempt(people["chief"], "/designations/head/", data, changed)


def _designate(people: dict, agency: Any) -> Attempt:
    data = {**ROSSI, "user": people["undesignated_chief"].pk, "document": letter()}
    data["designated_on"] = timezone.localdate().isoformat()
    changed = CertifyingOfficial.objects.filter(family_name="Rossi").exists
    return Attempt(people["chief"], "/designations/add/", data, changed)


def _revoke(people: dict, agency: Any) -> Attempt:
    who = {"actor": people["chief"], "agency": agency, "user": people["undesignated_chief"]}
    official = designations.designation_add(
        **who, **ROSSI, designated_on=timezone.localdate(), upload=letter()
    )
    data = {"revoked_on": timezone.localdate().isoformat(), "reason": "Transferred"}
    return Attempt(
        people["chief"],
        f"/designations/{official.pk}/revoke/",
        data,
        lambda: CertifyingOfficial.objects.get(pk=official.pk).revoked_on is not None,
    )


def _disclose_task_force(people: dict, agency: Any) -> Attempt:
    started = timezone.localdate() - timedelta(days=30)
    data = dict(name="Sealed Group", description="under seal", federal_agencies="hsi")
    data.update(participation="", started_on=started, ended_on=None)
    force = services.task_force_save(actor=people["records_officer"], data=data)
    return Attempt(
        people["chief"],
        reverse("federal_requests:task_force_disclosure", args=[force.pk]),
        {"disclosure": "disclose", "reason": "ok"},
        lambda: TaskForce.objects.get(pk=force.pk).disclosure == "disclose",
    )


def _submit_annual_report(people: dict, agency: Any) -> Attempt:
    data = {
        "submit-submitted_on": "2026-01-20",
        "submit-submitted_to": "EOPSS",
        "submit-method": "portal",
        "submit-fmt": "csv",
        "submit-public": "on",
    }
    year = timezone.localdate().year - 1
    return Attempt(
        people["chief"],
        f"/reports/annual/{year}/submit/",
        data,
        AnnualReportSubmission.objects.exists,
    )


def _submit_six_monthly_report(people: dict, agency: Any) -> Attempt:
    period = period_containing(timezone.localdate()).previous()
    return Attempt(
        people["chief"],
        reverse("federal_requests:report_submit", args=[period.slug]),
        {
            "submitted_on": min(period.end + timedelta(days=2), timezone.localdate()).isoformat(),
            "docket_number": "26-412",
        },
        ReportSubmission.objects.exists,
    )


def _activate_form_edition(people: dict, agency: Any) -> Attempt:
    from cases.documents import official
    from cases.models import FormTemplate
    from tests.documents import uscis_file

    draft = official.load_template(
        uscis_file.original(), form_type="I-918B", edition="02/07/17", actor=None, draft=True
    )
    return Attempt(
        people["coordinator"],
        reverse("form_edition_activate", args=[draft.pk]),
        {},
        lambda: FormTemplate.objects.get(pk=draft.pk).active,
    )


PAGE_STEPS = {
    "designation_appoint_head": _appoint_head,
    "designation_add": _designate,
    "designation_revoke": _revoke,
    "federal_requests:task_force_disclosure": _disclose_task_force,
    "annual_report_submit": _submit_annual_report,
    "federal_requests:report_submit": _submit_six_monthly_report,
    "form_edition_activate": _activate_form_edition,
}


def test_the_list_is_the_one_place_and_every_step_in_it_is_tested():
    case_steps = {name for name, step in STEPS.items() if step.reauth}
    assert case_steps == {
        "certify",
        "decline",
        "refer_to_agency",
        "void_unsigned_form",
        "withdraw_certification",
    }
    assert set(SENSITIVE_STEPS) == case_steps | set(PAGE_STEPS)  # the case steps: test_steps.py


def age_the_sign_in(client: Any, seconds: int) -> None:
    """The last full sign-in (and the grant it made) ``seconds`` old."""
    session = client.session
    session[FRESH_AT] = session[FRESH_AT] - seconds
    session.save()
    ReauthGrant.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.parametrize("step", PAGE_STEPS)
def test_a_stale_sign_in_is_sent_to_confirm_and_nothing_changes(step, client, fr_people, agency):
    attempt = PAGE_STEPS[step](fr_people, agency)
    sign_in(client, attempt.user)
    age_the_sign_in(client, settings.UVISA_REAUTH_SECONDS + 300)
    response = client.post(attempt.url, attempt.data)
    assert response.status_code == 302, response.content[:400]
    assert response["Location"].startswith(reverse("reauth") + "?next=%2F")
    assert not attempt.changed()


@pytest.mark.parametrize("step", PAGE_STEPS)
def test_a_fresh_sign_in_goes_through_once(step, client, fr_people, agency):
    attempt = PAGE_STEPS[step](fr_people, agency)
    sign_in(client, attempt.user)
    response = client.post(attempt.url, attempt.data)
    assert response.status_code == 302, response.content[:400]
    assert not response["Location"].startswith(reverse("reauth"))
    assert attempt.changed()
    # The re-authentication is spent: the next sensitive step asks again.
    assert not ReauthGrant.objects.filter(used_at__isnull=True).exists()


def test_a_step_refused_by_a_rule_keeps_the_confirmation(client, fr_people, agency):
    attempt = _designate(fr_people, agency)
    sign_in(client, attempt.user)
    refused = client.post(attempt.url, {**attempt.data, "title": "Detective"})  # not supervisory
    assert refused.status_code == 400 and not attempt.changed()
    attempt.data["document"] = letter()
    assert client.post(attempt.url, attempt.data).status_code == 302  # no second confirmation
    assert attempt.changed()
