"""The demo holds requests recorded from the mail and in person at every stage, certified
ones with their ink record, and letters in each letter language for U and T requests."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from cases.lib.status_codes import code_digest
from cases.management import seed_received
from cases.models import (
    AdvocateOrganization,
    CaseEvent,
    CertificationRequest,
    InkSignature,
    IntakeRecord,
    IssuedLetter,
    Language,
    StatusLookupCode,
)

pytestmark = pytest.mark.django_db


def stage_of(request: CertificationRequest) -> str:
    """The plan's stage: "delay_notice" for a request answered by a delay notice so far."""
    if request.status == "chief_decision" and request.delay_issued_at:
        return "delay_notice"
    return request.status


def test_the_demo_covers_every_channel_stage_and_letter_language_once(reference_rows):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = out.getvalue()
    records = IntakeRecord.objects.select_related("request")
    got = {(r.channel, r.request.form_type, stage_of(r.request)) for r in records}
    wanted = {
        (channel, form, stage)
        for channel, form in seed_received.CHANNELS
        for stage in seed_received.STAGES
    }
    assert wanted <= got, sorted(wanted - got)
    # Certified ones carry their ink record (the scan of the pages signed in ink).
    for record in records:
        if record.request.status in ("certified", "certification_withdrawn"):
            assert InkSignature.objects.filter(request=record.request).exists()
    # Each recorded request was acknowledged by an issued letter in its language, with a code
    # for /status/; one was given a new code (a second acknowledgement), printed by the seed.
    for record in records:
        acks = IssuedLetter.objects.filter(request=record.request, kind="acknowledgement")
        assert {ack.language for ack in acks} == {record.request.preferred_language}
        assert StatusLookupCode.objects.filter(request=record.request).exists()
    renewed = StatusLookupCode.objects.get(generation=2).request
    assert renewed.issued_letters.filter(kind="acknowledgement").count() == 2
    assert renewed.events.filter(kind=CaseEvent.Kind.STATUS_CODE).count() == 1
    printed = re.search(r"/status/ \(no sign-in\): reference (\S+), status code (\S+) ", first)
    assert printed and printed[1] == renewed.reference
    assert StatusLookupCode.objects.get(request=renewed).digest == code_digest(
        renewed.reference, printed[2]
    )
    # Letters in every letter language, U and T, labelled with the language they are in.
    letters = set(IssuedLetter.objects.values_list("language", "request__form_type"))
    for language in Language.values:
        for form in ("I-918B", "I-914B"):
            assert (language, form) in letters, (language, form)
    translated_kinds = {
        (kind, form)
        for kind, form in IssuedLetter.objects.exclude(language="en").values_list(
            "kind", "request__form_type"
        )
    }
    for kind in ("acknowledgement", "denial", "delay"):
        for form in ("I-918B", "I-914B"):
            assert (kind, form) in translated_kinds, (kind, form)
    # The organisations' letter addresses have a street and a ZIP code.
    for org in AdvocateOrganization.objects.all():
        assert org.street and len(org.zip_code) == 5, org
    # The logins listed include the federal requests log's records officer.
    assert "\n  records " in first and "\n  coordinator " in first

    counts = (
        CertificationRequest.objects.count(),
        CaseEvent.objects.count(),
        IssuedLetter.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        CertificationRequest.objects.count(),
        CaseEvent.objects.count(),
        IssuedLetter.objects.count(),
    )
