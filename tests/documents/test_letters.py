"""Decision letters as PDFs from editable wording (c. 258F s. 3, 8 CFR 214.14(h)(2))."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services
from cases.documents import letters
from cases.lib.letter_templates import check
from cases.models import DeclineReason, IssuedLetter, LetterTemplate, Status
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdftotext_layout(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_acknowledgement_names_the_answer_date(make_request):
    r = make_request(Status.RECEIVED, given_name="Thị Hương", family_name="Nguyễn")
    text = flat(text_of(letters.render_letter_pdf(r, "acknowledgement")))
    due = r.received_at + timedelta(days=90)
    assert "Acknowledgement of your U-visa certification request" in text
    assert f"{timezone.localtime(due):%B} {timezone.localtime(due).day}, {due.year}" in text
    assert "Thị Hương Nguyễn" in text and r.reference in text and "c. 258F, section 3" in text


def test_denial_cites_the_policy_reason_without_prejudice(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    services.request_decline(
        request=r,
        actor=people["chief"],
        reason=DeclineReason.NOT_HELPFUL,
        note="Declined to give a statement <b>twice</b> & did not return calls.",
    )
    r.refresh_from_db()
    text = flat(text_of(letters.render_letter_pdf(r, "denial")))
    assert "No helpfulness, past, present or likely" in text
    assert "without prejudice" in text and "section 3(ii)" in text
    assert "Declined to give a statement <b>twice</b> & did not return calls." in text
    assert "Frank Delaney" in text and "Chief of Police" in text


def test_delay_notice_has_reason_process_and_date(make_request, people):
    r = make_request(Status.CRIME_CHECK)
    projected = timezone.localdate() + timedelta(days=45)
    services.request_issue_delay_notice(
        request=r,
        actor=people["coordinator"],
        reason="The report is held by the District Attorney.",
        process="We asked the DA for a copy.",
        projected_date=projected,
    )
    r.refresh_from_db()
    text = flat(text_of(letters.render_letter_pdf(r, "delay")))
    assert "The report is held by the District Attorney." in text
    assert "We asked the DA for a copy." in text
    assert f"{projected:%B} {projected.day}, {projected.year}" in text and "3(iii)" in text


def test_uscis_withdrawal_notice(certify_and_ink, people):
    r = certify_and_ink()
    services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="The victim refused to testify when subpoenaed."
    )
    r.refresh_from_db()
    text = flat(text_of(letters.render_letter_pdf(r, "uscis_withdrawal")))
    assert "U.S. Citizenship and Immigration Services" in text and "214.14(h)(2)" in text
    assert r.issued_form.verification_code in text and "García, María" in text
    assert "The victim refused to testify when subpoenaed." in text
    # the address of the instructions' Part 6 note (setting), and a line to sign in ink
    assert "USCIS - Vermont Service Center 75 Lower Welden Street St. Albans, VT 05479-0001" in text
    assert "Signature of the certifying official (in ink)" in text
    assert "Date of signature (mm/dd/yyyy)" in text
    layout = pdftotext_layout(letters.render_letter_pdf(r, "uscis_withdrawal"))
    signature_at = layout.index("Signature of the certifying official (in ink)")
    assert "_" * 40 in layout[:signature_at]


def test_the_withdrawal_address_comes_from_the_setting(certify_and_ink, people, settings):
    settings.UVISA_USCIS_WITHDRAWAL_ADDRESS = ["USCIS", "Somewhere Else Unit", "1 Main St"]
    r = certify_and_ink()
    services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="The victim refused to testify."
    )
    r.refresh_from_db()
    text = flat(text_of(letters.render_letter_pdf(r, "uscis_withdrawal")))
    assert "USCIS Somewhere Else Unit 1 Main St" in text and "Lower Welden" not in text


def test_the_department_edits_the_wording(make_request):
    r = make_request(Status.RECEIVED)
    LetterTemplate.objects.create(
        kind="acknowledgement",
        subject="Receipt {{ request.reference }}",
        body="Dear {{ victim_name }},\n\n"
        "We have your request & will answer by {{ due|date:'m/d/Y' }}.",
    )
    text = flat(text_of(letters.render_letter_pdf(r, "acknowledgement")))
    assert f"Re: Receipt {r.reference}" in text
    assert "Dear María García," in text and "We have your request & will answer by" in text
    with pytest.raises(ValidationError):
        LetterTemplate(kind="denial", subject="x", body="{% if %}").full_clean()


def test_letter_downloads_follow_scope_and_state(
    client, make_request, certify_and_ink, people, artifacts
):
    r = make_request(Status.RECEIVED)
    ack = reverse("letter_pdf", args=[r.reference, "acknowledgement"])
    denial = reverse("letter_pdf", args=[r.reference, "denial"])
    sign_in(client, people["advocate"])
    response = client.get(ack)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    (artifacts / "letter-acknowledgement.pdf").write_bytes(response.content)
    assert client.get(denial).status_code == 404  # not declined
    assert client.get(reverse("letter_pdf", args=[r.reference, "bogus"])).status_code == 404
    sign_in(client, people["other_advocate"])
    assert client.get(ack).status_code == 404

    certified = certify_and_ink()
    services.request_withdraw_certification(request=certified, actor=people["chief"], reason="X")
    notice = reverse("letter_pdf", args=[certified.reference, "uscis_withdrawal"])
    sign_in(client, people["advocate"])
    assert client.get(notice).status_code == 403
    sign_in(client, people["chief"])
    response = client.get(notice)
    assert response.status_code == 200
    path = artifacts / "letter-uscis-withdrawal.pdf"
    path.write_bytes(response.content)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-singlefile",
            str(path),
            str(artifacts / "letter-uscis-withdrawal"),
        ],
        check=True,
    )
    # The notice was issued at its event: the case page links the stored copy, once.
    issued = IssuedLetter.objects.get(request=certified, kind="uscis_withdrawal")
    html = client.get(certified.get_absolute_url()).content.decode()
    assert reverse("issued_letter_pdf", args=[certified.reference, issued.pk]) in html
    assert notice not in html


# --- Finding 2: wording edited in the admin reached live model objects (ASVS V5.2.5) ---

ATTACKS = [
    ("{{ request.advocate.password }}", "request.advocate.password"),
    ("{% for r in request.agency.requests.all %}{{ r.a_number }}{% endfor %}", "for"),
    ("{% load static %}", "load"),
    ("{% include 'registration/login.html' %}", "include"),
    ("{% debug %}", "debug"),
    ("{{ request.__class__ }}", "request.__class__"),
    ("{{ agency.officials }}", "agency.officials"),
    ("{{ victim_name|safe }}", "safe"),
    ("{% if request.advocate.totpdevice_set %}x{% endif %}", "request.advocate.totpdevice_set"),
    ("{{ due|default:request.advocate.email }}", "request.advocate.email"),
]


@pytest.mark.parametrize(("body", "named"), ATTACKS)
def test_unsafe_letter_template_is_refused_at_save_with_the_reason(body, named):
    row = LetterTemplate(kind="denial", subject="Denial", body=body)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert named in str(refused.value)
    with pytest.raises(ValidationError):
        row.save()  # not through a form either
    assert not LetterTemplate.objects.exists()


def test_admin_refuses_the_password_template_and_says_why(admin_client):
    response = admin_client.post(
        reverse("admin:cases_lettertemplate_add"),
        {"kind": "denial", "subject": "x", "body": "{{ request.advocate.password }}"},
    )
    assert response.status_code == 200
    assert "request.advocate.password" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_a_template_stored_before_the_sandbox_leaks_nothing(make_request, people):
    """A row written straight into the table (older version, raw SQL) is rendered in the
    sandbox too: it fails instead of printing the hash, key or other requests."""
    r = make_request(Status.RECEIVED)
    make_request(Status.RECEIVED, family_name="Otherperson", a_number="987654321")
    LetterTemplate.objects.bulk_create(
        [
            LetterTemplate(
                kind="acknowledgement",
                subject="x",
                body="{{ request.advocate.password }} {% for o in request.agency.requests.all %}"
                "{{ o.family_name }}{% endfor %}",
            )
        ]
    )
    with pytest.raises(Exception) as refused:
        letters.render_letter_pdf(r, "acknowledgement")
    assert "password" not in str(refused.value).replace("request.advocate.password", "")
    assert people["advocate"].password not in str(refused.value)


def test_default_wordings_pass_the_sandbox():
    for kind in LetterTemplate.Kind.values:
        check(get_template(f"letters/{kind}.txt").template.source)
        check(letters.SUBJECTS["en"][kind])
