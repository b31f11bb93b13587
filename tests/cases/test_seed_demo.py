"""``seed_demo`` builds the demo through the real services, once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import (
    CaseEvent,
    CertificationRequest,
    CertifierDirectoryEntry,
    IssuedForm,
    PolicyVersion,
    Referral,
    Status,
)
from cases.roles import ROLE_PERMISSIONS


def test_it_seeds_every_state_once(db, settings, tmp_path, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    assert "57 requests created" in first and "demo-pass-2026" in first
    states = set(CertificationRequest.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    # T-visa requests (Form I-914 Supplement B) in several states, filled from their own form.
    # (The walk-in T requests recorded in person: tests/cases/test_seed_demo_channels.py.)
    t_requests = CertificationRequest.objects.filter(form_type="I-914B", intake=None)
    assert set(t_requests.values_list("status", flat=True)) == {
        Status.CRIME_CHECK,
        Status.HELPFULNESS_REVIEW,
        Status.AWAITING_INK,
        Status.CERTIFIED,
        Status.DECLINED,
    }
    issued = IssuedForm.objects.filter(request__in=t_requests)
    assert issued.count() == 2
    assert {f.template.form_type for f in issued} == {"I-914B"}
    assert all(r.reference.startswith("MPD-TV-") for r in t_requests)
    events = CaseEvent.objects.count()

    call_command("seed_demo")
    assert "0 requests created (57 in all)" in capsys.readouterr().out
    assert CertificationRequest.objects.count() == 57 and CaseEvent.objects.count() == events

    User = get_user_model()
    for role in ROLE_PERMISSIONS:
        assert User.objects.filter(groups__name=role).exists(), role
    assert User.objects.filter(groups__name="advocate").count() == 2
    assert User.objects.filter(groups__name="detective").count() == 2
    assert CertificationRequest.objects.filter(expedited=True).count() == 3
    organizations = CertificationRequest.objects.exclude(organization=None).values("organization")
    assert organizations.distinct().count() == 2
    # A sample written policy (c. 258F s. 2), marked as such; the demo denial cites its clause.
    sample = PolicyVersion.objects.get()
    assert sample.is_sample and sample.clauses.count() == 7
    declined = CertificationRequest.objects.filter(status=Status.DECLINED)
    assert {r.decline_clause.policy_id for r in declined} == {sample.pk}
    # The directory of nearby certifiers (Middlesex County, MA), towns only, to be confirmed;
    # the demo's referral names one and forwards nothing (no consent recorded on it).
    directory = CertifierDirectoryEntry.objects.all()
    assert directory.count() == 10 and all(e.is_active for e in directory)
    assert all("confirm before use" in e.mailing_address for e in directory)
    assert directory.filter(name="Middlesex District Attorney's Office").exists()
    referral = Referral.objects.get()
    assert referral.entry.name == "Malden Police Department" and not referral.forwarded


def test_demo_users_are_enrolled_and_demo_code_gives_their_code(db, settings, capsys):
    from django.core.management.base import CommandError
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("seed_demo")
    capsys.readouterr()
    device = TOTPDevice.objects.get(user__username="chief", confirmed=True)
    settings.DEBUG = True
    call_command("demo_code", "chief")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and device.verify_token(code)
    settings.DEBUG = False
    import pytest

    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=1"):
        call_command("demo_code", "chief")
