"""USCIS's own Form I-914 Supplement B of 02/27/17, the T declaration complete: every item of
the file mapped by its tooltip (Parts A-F), the fear of retaliation (Part C item 3), the dates of
the investigation (items 6, 7), every cooperation answer of Part D, and the supervisor's ink
(Part F) as a second ink record; filled on the real file and read back by pypdf and pdftotext.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import clocks, services
from cases.documents import issuing, official
from cases.errors import WorkflowError
from cases.models import (
    CertificationRequest,
    FamilyMember,
    FormType,
    InkSignature,
    IssuedForm,
    Status,
    SupervisorInkSignature,
)
from cases.uscis import acroform, formmap, i914b_02_27_17_fields, i914b_02_27_17_items
from cases.uscis import i918b_fields as generic
from cases.uscis.trafficking import COOPERATION_BOXES_02_27_17, Cooperation, TraffickingForm
from tests.conftest import record_ink, scan_png, sign_in
from tests.documents.uscis_file import I914B_02_27_17, I914B_SHA256, original

pytestmark = pytest.mark.django_db

EDITION = "02/27/17"
REFERENCE_CSV = Path("/work/shared/reference/i914b-fields-02-27-17.csv")
FIELDS = i914b_02_27_17_fields
P1, P2, P3 = FIELDS.P1, FIELDS.P2, FIELDS.P3

T_0217 = {
    "form_type": FormType.T_VISA,
    "form_edition": EDITION,
    "trafficking_forms": [TraffickingForm.SEX_FORCE, TraffickingForm.DEBT_BONDAGE],
    "cooperation": Cooperation.FAILED,
    "cooperation_explanation": "Asked twice for an interview in May 2025; did not come.",
    "criminal_activity_description": "Recruited with a false job offer; kept through a debt.",
    "fear_of_retaliation": "yes",
    "fear_of_retaliation_explanation": "The recruiter threatened her family in Honduras.",
    "investigation_started_on": date(2025, 3, 20),
    "investigation_completed_on": date(2025, 9, 30),
    "additional_incident_dates": ["2025-03-01", "2025-03-07"],
    "supervisor_name": "Captain Ann Rourke",
    "a_number": "A-012-345-678",
    "case_status": "completed",
    # The certifying official acknowledged what Part D will tell USCIS (consistency.py).
    "acknowledged_warnings": ["part_d_failed_to_comply"],
}


@pytest.fixture
def real_t_template(t_template, people):
    """USCIS's 02/27/17 file, loaded as the active I-914B of that edition."""
    return official.load_template(
        original(I914B_02_27_17, I914B_SHA256),
        form_type=FormType.T_VISA,
        edition=EDITION,
        actor=people["chief"],
        filename="i-914supb-02-27-17.pdf",
    )


@pytest.fixture
def make_t_0217(make_request):
    def make(status: str = Status.CHIEF_DECISION, **fields):
        reference = f"MPD-TV-1999-{CertificationRequest.objects.count() + 1:04d}"
        return make_request(status, **{"reference": reference, **T_0217, **fields})

    return make


def edition():
    return formmap.FORM_EDITIONS[(FormType.T_VISA, EDITION)]


def values_by_ref(request):
    return {(f.item.part, f.item.number): f for _p, items in formmap.fill(request) for f in items}


# --- the map against the file ---


def test_every_field_of_the_real_file_is_an_item_of_the_map():
    inventory = acroform.read_inventory(original(I914B_02_27_17, I914B_SHA256))
    assert len(inventory) == 72
    assert {f.name for f in inventory} == generic.mapped_fields(FIELDS)
    # Every item of the map has a field (or is the rows, the boxes, or left to the ink).
    refs = {(i.part, i.number) for p in edition().parts for i in p.items}
    mapped = (
        set(FIELDS.TEXT_FIELDS)
        | set(FIELDS.CHOICE_FIELDS)
        | set(FIELDS.INK_ONLY_ITEMS)
        | {FIELDS.CATEGORY_ITEM, FIELDS.ROWS_ITEM}
    )
    assert refs == mapped
    assert [p.name for p in edition().parts] == ["A", "B", "C", "D", "E", "F"]


def test_each_items_tooltip_words_are_in_uscis_own_tooltips():
    """The expected words of every item, checked against the reference CSV of the file's 72
    fields (the same tooltips as the PDF, read independently)."""
    with REFERENCE_CSV.open(newline="", encoding="utf-8") as handle:
        tooltips = {r["field_name"]: r["tooltip"] for r in csv.DictReader(handle)}
    expected = generic.expected_tooltips(FIELDS)
    assert set(expected) == set(tooltips)
    wrong = [
        name for name, (_ref, said) in expected.items() if not generic._says(tooltips[name], said)
    ]
    assert wrong == []
    # The new items, by the form's own words.
    said = tooltips[P2 + "partc_other[1]"]
    assert said.startswith("Part C. Statement of Claim. 3. Has the applicant expressed any fear")
    assert (
        "date on which the investigation or prosecution was initiated" in tooltips[P2 + "Date[5]"]
    )
    assert "Printed Name of Supervisor" in tooltips[P3 + "PrintedName[0]"]
    assert "Signature of Supervisor" in tooltips[FIELDS.INK_ONLY_ITEMS[(6, "3")]]


def test_a_file_whose_tooltip_contradicts_an_item_is_refused_naming_it():
    inventory = acroform.read_inventory(original(I914B_02_27_17, I914B_SHA256))
    swapped = {
        P2 + "partc_other[1]": next(f for f in inventory if f.name == P2 + "partc_other[0]").tooltip
    }
    changed = [
        f if f.name not in swapped else type(f)(**{**f.__dict__, "tooltip": swapped[f.name]})
        for f in inventory
    ]
    problems = generic.tooltip_problems(changed, spec=FIELDS)
    assert len(problems) == 1 and problems[0].startswith("Part 3 item 3")
    assert "fear of retaliation" in problems[0]


def test_every_cooperation_answer_of_part_d_has_its_box():
    inventory = acroform.read_inventory(original(I914B_02_27_17, I914B_SHA256))
    boxes = generic.choice_boxes(inventory, spec=FIELDS)[(4, "1")]
    assert set(boxes) == set(COOPERATION_BOXES_02_27_17.values())
    by_name = {f.name: f for f in inventory}
    assert (
        "failed to comply" in by_name[boxes["Has failed to comply with requests to assist"]].tooltip
    )
    assert "not been requested" in by_name[boxes["Has not been requested to assist"]].tooltip
    assert "age of 18" in by_name[boxes["Has not yet attained the age of 18"]].tooltip


# --- the real file loaded and filled ---


def test_the_real_file_loads_as_the_02_27_17_edition(real_t_template):
    assert real_t_template.active and real_t_template.edition == EDITION
    assert set(real_t_template.category_fields) == set(i914b_02_27_17_items.CLAIM_BOXES)
    assert real_t_template.category_fields["labor"] == P2 + "Yes[2]"
    assert set(real_t_template.choice_fields) == {f"{p}|{i}" for p, i in FIELDS.CHOICE_FIELDS}
    # The 01/20/25 template stays the active one of its own edition.
    assert official.active_template(FormType.T_VISA, "01/20/25") is not None


def test_a_t_request_with_every_new_item_reads_back_from_the_real_file(
    real_t_template, make_t_0217, people, artifacts
):
    r = make_t_0217(family_members_implicated="yes")
    FamilyMember.objects.create(
        request=r, given_name="José", family_name="García", relationship="Uncle",
        involvement="Arranged the false job offer.",
    )  # fmt: skip
    assert formmap.missing_items(r) == [], formmap.missing_items(r)
    r = issuing.request_certify(request=r, actor=people["chief"])
    form = IssuedForm.objects.get(request=r)
    assert form.template == real_t_template
    data = form.data
    (artifacts / "i914b-02-27-17-issued.pdf").write_bytes(data)
    fields = PdfReader(io.BytesIO(data)).get_fields()
    text = {
        P1 + "GivenNameFirstName[2]": "García",
        P1 + "GivenNameFirstName[1]": "María",
        P1 + "GivenNameFirstName[15]": "012345678",
        P1 + "GivenNameFirstName[12]": "Medford Police Department",
        P1 + "GivenNameFirstName[4]": "Frank Delaney",
        P2 + "partc_other[0]": T_0217["criminal_activity_description"],
        P2 + "partc_other[1]": "Yes. The recruiter threatened her family in Honduras.",
        P2 + "Date[2]": "03/14/2025",  # Date One
        P2 + "Date[4]": "03/01/2025",  # Date Two
        P2 + "Date[3]": "03/07/2025",  # Date Three
        P2 + "Date[1]": "N/A",  # Date Four: none
        P2 + "Date[5]": "03/20/2025",  # investigation initiated
        P2 + "Date[6]": "09/30/2025",  # investigation completed
        P3 + "partc_other[2]": T_0217["cooperation_explanation"],
        P3 + "PrintedName[0]": "Captain Ann Rourke",
        P3 + "Table1[0].Row1[0].FullName[0]": "José García",
        P3 + "Table1[0].Row1[0].Relationship[0]": "Uncle",
        P3 + "Table1[0].Row2[0].FullName[0]": "N/A",
    }
    for name, value in text.items():
        assert fields[name].get("/V") == value, name
    inventory = {f.name: f for f in acroform.read_inventory(data)}

    def ticked(name):
        return fields[name].get("/V") == inventory[name].on_states[0]

    boxes = real_t_template.choice_fields
    assert ticked(boxes["4|1"]["Has failed to comply with requests to assist"])
    assert not any(
        ticked(n)
        for o, n in boxes["4|1"].items()
        if o != "Has failed to comply with requests to assist"
    )
    assert ticked(boxes["5|1"]["Yes"]) and not ticked(boxes["5|1"]["No"])
    assert ticked(boxes["2|6.a"]["Completed"])
    claim = real_t_template.category_fields
    assert ticked(claim["sex_force"]) and ticked(claim["labor"])
    assert not ticked(claim["sex_minor"]) and not ticked(claim["not_applicable"])
    # Part F: both signatures and both dates left to the ink.
    for name in FIELDS.INK_ONLY_ITEMS.values():
        assert fields[name].get("/V") in (None, ""), name
    # pdftotext reads the filled values on the pages.
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        printed = (
            "The recruiter threatened her family in Honduras.",
            "03/20/2025",
            "09/30/2025",
            "Captain Ann Rourke",
            "Asked twice for an interview",
        )
        for words in printed:
            assert words in out, words
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-f", "2", "-l", "3", "-",
             str(artifacts / "i914b-02-27-17-page")],
            input=data, check=True,
        )  # fmt: skip


@pytest.mark.parametrize("answer", list(Cooperation))
def test_each_cooperation_answer_ticks_its_own_box(answer, real_t_template, make_t_0217):
    r = make_t_0217(cooperation=answer)
    values, _cont = official.official_values(r, real_t_template)
    boxes = real_t_template.choice_fields["4|1"]
    chosen = [option for option, name in boxes.items() if values[name]]
    assert chosen == [COOPERATION_BOXES_02_27_17[answer]]


def test_fear_of_retaliation_no_and_no_investigation(make_t_0217):
    r = make_t_0217(
        fear_of_retaliation="no",
        fear_of_retaliation_explanation="",
        investigation_started_on=None,
        investigation_completed_on=None,
    )
    found = values_by_ref(r)
    assert found[(3, "3")].value == "No."
    triples = {(p, n): v for p, n, v in FIELDS.triples_from_filled(formmap.fill(r))}
    assert triples[(3, "6")] == "N/A" and triples[(3, "7")] == "N/A"
    # Unanswered: Part C item 3 is required, named by its letter.
    r.fear_of_retaliation = ""
    assert any(m.startswith("Part C, Item 3 ") for m in formmap.missing_items(r))
    r.fear_of_retaliation, r.supervisor_name = "no", ""
    assert any(m.startswith("Part F, Item 5 ") for m in formmap.missing_items(r))


def test_the_detective_must_answer_the_fear_of_retaliation_on_this_edition(make_t_0217):
    r = make_t_0217(Status.HELPFULNESS_REVIEW)
    assert r.asks_fear_of_retaliation() and r.has_helpfulness_answers()
    r.fear_of_retaliation = ""
    assert not r.has_helpfulness_answers()
    r.fear_of_retaliation, r.fear_of_retaliation_explanation = "yes", " "
    assert not r.has_helpfulness_answers()  # "If yes, explain."
    r.form_edition = "01/20/25"  # an edition that does not ask it
    assert not r.asks_fear_of_retaliation() and r.has_helpfulness_answers()


# --- Part F: the officer's and the supervisor's ink ---


def test_the_supervisors_ink_is_a_second_record_and_both_are_needed(
    real_t_template, make_t_0217, people
):
    r = issuing.request_certify(request=make_t_0217(), actor=people["chief"])
    assert r.asks_supervisor_signature()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        record_ink(r, people["coordinator"], signed_on=today)
    assert "supervisor" in str(refused.value)
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK and not InkSignature.objects.filter(request=r).exists()
    assert clocks.answered_on(r) is None  # not answered until both inks are recorded
    with pytest.raises(ValidationError, match="future"):
        record_ink(r, people["coordinator"], signed_on=today,
                   supervisor_signed_on=today + timedelta(days=1))  # fmt: skip
    r = record_ink(r, people["coordinator"], signed_on=today, supervisor_signed_on=today)
    assert r.status == Status.CERTIFIED
    ink = InkSignature.objects.get(request=r)
    second = SupervisorInkSignature.objects.get(ink=ink)
    assert ink.signer == r.certifying_official and ink.signed_on == today
    assert second.supervisor_name == "Captain Ann Rourke" and second.signed_on == today
    assert clocks.answered_on(r) == today  # the ink, as today
    assert r.supervisor_signed_on_recorded == today
    found = values_by_ref(r)
    assert found[(6, "2")].value == today.strftime("%m/%d/%Y")
    assert found[(6, "4")].value == today.strftime("%m/%d/%Y")
    with pytest.raises(ValueError):
        second.save()


def test_without_the_supervisors_name_the_ink_is_refused(real_t_template, make_t_0217, people):
    r = issuing.request_certify(request=make_t_0217(), actor=people["chief"])
    CertificationRequest.objects.filter(pk=r.pk).update(supervisor_name="")
    r.refresh_from_db()
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="printed name of the supervisor"):
        record_ink(r, people["coordinator"], signed_on=today, supervisor_signed_on=today)
    assert not InkSignature.objects.filter(request=r).exists()


def test_a_form_without_a_supervisor_signature_keeps_one_ink(make_request, t_template, people):
    r = make_request(
        Status.CHIEF_DECISION,
        form_type=FormType.T_VISA,
        trafficking_forms=[TraffickingForm.SLAVERY],
        cooperation=Cooperation.COMPLIED,
        cooperation_explanation="Gave two interviews.",
        reference="MPD-TV-1999-0900",
    )
    assert not r.asks_supervisor_signature()
    r = issuing.request_certify(request=r, actor=people["chief"])
    r = record_ink(r, people["coordinator"], signed_on=timezone.localdate())
    assert r.status == Status.CERTIFIED
    assert not SupervisorInkSignature.objects.exists()


# --- the screens ---


def test_the_detective_answers_the_editions_items_in_its_words(
    make_t_0217, make_request, people, client
):
    r = make_t_0217(
        Status.HELPFULNESS_REVIEW,
        fear_of_retaliation="",
        fear_of_retaliation_explanation="",
        investigation_started_on=None,
        investigation_completed_on=None,
    )
    sign_in(client, people["detective"])
    url = f"{r.get_absolute_url()}helpfulness/"
    html = client.get(url).content.decode()
    assert "Part C, item 3. Has the applicant expressed any fear of retaliation" in html
    assert "Part C, item 6. Date on which the investigation or prosecution was initiated" in html
    assert "Part D, item 1." in html and "Part D, item 2. Explanation" in html
    assert "Part E, item 1. Are any of the applicant" in html
    for code in Cooperation.values:  # every Part D answer is offered
        assert f'value="{code}"' in html, code
    form = {
        "cooperation": Cooperation.NOT_REQUESTED,
        "cooperation_explanation": "No request was made: the suspect fled the state.",
        "family_members_implicated": "no",
        "fear_of_retaliation": "yes",
        "fear_of_retaliation_explanation": "",
        "investigation_started_on": "2025-03-20",
        "investigation_completed_on": "2025-03-01",
        "family-TOTAL_FORMS": "0",
        "family-INITIAL_FORMS": "0",
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "20",
    }
    # The service refuses, the page says why, nothing is saved.
    refused = client.post(url, form)
    assert refused.status_code == 400 and "Explain the fear" in refused.content.decode()
    form["fear_of_retaliation_explanation"] = "Afraid the recruiter's brother would find her."
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "cannot be completed before it was initiated" in refused.content.decode()
    form["investigation_completed_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(url, form)
    assert "This date cannot be in the future." in refused.content.decode()
    r.refresh_from_db()
    assert r.fear_of_retaliation == "" and r.cooperation == Cooperation.FAILED
    form["investigation_completed_on"] = ""
    assert client.post(url, form).status_code == 302
    r.refresh_from_db()
    assert r.cooperation == Cooperation.NOT_REQUESTED and r.fear_of_retaliation == "yes"
    assert r.investigation_started_on == date(2025, 3, 20) and r.investigation_completed_on is None
    # The case page shows the answers with the form's words.
    sign_in(client, people["chief"])
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Part C, item 3. Has the applicant expressed any fear of retaliation" in page
    assert "Afraid the recruiter&#x27;s brother would find her." in page
    assert 'id="t-investigation-started"' in page and "03/20/2025" in page
    assert 'id="t-two-inks"' in page and "Captain Ann Rourke" in page
    # The 01/20/25 map has no such items: the page does not ask them, nor offer its answers.
    old = make_request(
        Status.HELPFULNESS_REVIEW,
        form_type=FormType.T_VISA,
        trafficking_forms=[TraffickingForm.SLAVERY],
        reference="MPD-TV-1999-0800",
    )
    sign_in(client, people["detective"])
    html = client.get(f"{old.get_absolute_url()}helpfulness/").content.decode()
    assert "fear of retaliation" not in html and f'value="{Cooperation.FAILED}"' not in html
    assert f'value="{Cooperation.TRAUMA}"' in html


def test_the_service_refuses_an_answer_the_edition_has_no_box_for(make_request, people):
    r = make_request(
        Status.HELPFULNESS_REVIEW,
        form_type=FormType.T_VISA,
        trafficking_forms=[TraffickingForm.SLAVERY],
        reference="MPD-TV-1999-0801",
    )
    with pytest.raises(ValidationError, match="no box"):
        services.request_record_helpfulness(
            request=r,
            actor=people["detective"],
            values={"cooperation": Cooperation.FAILED, "cooperation_explanation": "x"},
        )
    r.refresh_from_db()
    assert r.cooperation != Cooperation.FAILED


def test_the_coordinator_enters_the_supervisors_name(make_t_0217, make_request, people, client):
    r = make_t_0217(Status.CRIME_CHECK, supervisor_name="")
    sign_in(client, people["coordinator"])
    url = f"/requests/{r.reference}/crime-check/"
    html = client.get(url).content.decode()
    assert "Part F, item 5. Printed Name of Supervisor" in html
    u = make_request(Status.CRIME_CHECK)
    assert (
        "Printed Name of Supervisor"
        not in client.get(f"/requests/{u.reference}/crime-check/").content.decode()
    )
    services.request_record_crime_check(
        request=r,
        actor=people["coordinator"],
        categories=[],
        statutes=[],
        values={"supervisor_name": "Lt. Dana Ortiz"},
        trafficking_forms=[TraffickingForm.PEONAGE],
    )
    r.refresh_from_db()
    assert r.supervisor_name == "Lt. Dana Ortiz"
    with pytest.raises(ValidationError, match="cannot be changed here"):
        services.request_record_crime_check(
            request=u,
            actor=people["coordinator"],
            categories=[],
            statutes=[],
            values={"supervisor_name": "Lt. Dana Ortiz"},
        )


def test_the_two_inks_through_the_case_page(real_t_template, make_t_0217, people, client):
    r = issuing.request_certify(request=make_t_0217(), actor=people["chief"])
    sign_in(client, people["coordinator"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Date written by the supervisor in Part F" in html
    assert 'id="print-two-inks"' in html and "the official's supervisor each sign" in html
    url = reverse("request_transition", args=[r.reference, "record_ink_signature"])
    today = timezone.localdate().isoformat()
    form = {
        "record_ink_signature-signed_on": today,
        "record_ink_signature-signer": r.certifying_official_id,
        "record_ink_signature-scan": SimpleUploadedFile("s.png", scan_png(), "image/png"),
    }
    # Refused by the service, named on the page; nothing recorded.
    response = client.post(url, form, follow=True)
    text = response.content.decode().replace("&#x27;", "'")
    assert "this form is signed in ink by the officer and by the officer's supervisor" in text
    assert not InkSignature.objects.filter(request=r).exists()
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK
    form["record_ink_signature-supervisor_signed_on"] = today
    form["record_ink_signature-scan"] = SimpleUploadedFile("s.png", scan_png(), "image/png")
    assert client.post(url, form).status_code == 302
    r.refresh_from_db()
    assert r.status == Status.CERTIFIED
    assert SupervisorInkSignature.objects.get(ink__request=r).signed_on == timezone.localdate()
    page = client.get(r.get_absolute_url()).content.decode()
    assert 'id="t-supervisor-ink"' in page


# --- the letters ---


def test_the_notice_to_uscis_names_both_inks(real_t_template, make_t_0217, people):
    from cases.documents import letters

    r = issuing.request_certify(request=make_t_0217(), actor=people["chief"])
    officer = timezone.localdate() - timedelta(days=1)
    supervisor = timezone.localdate()
    CertificationRequest.objects.filter(pk=r.pk).update(
        decided_at=timezone.now() - timedelta(days=2)
    )
    r = record_ink(r, people["coordinator"], signed_on=officer, supervisor_signed_on=supervisor)
    assert clocks.answered_on(r) == supervisor  # complete on the later ink
    r = services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="The victim stopped cooperating.", kind="withdraw"
    )
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(letters.render_letter_pdf(r, "uscis_withdrawal"))).pages
    )
    assert "Form I-914, Supplement B, Declaration for Trafficking Victim" in text
    assert (
        f"signed on {officer:%m/%d/%Y}, and the official's supervisor, Captain Ann Rourke, on "
        f"{supervisor:%m/%d/%Y}"
    ) in text.replace("’", "'")
    assert "I-918" not in text


def test_the_review_copy_prints_the_editions_items_by_letter(make_t_0217):
    pdf = issuing.review_pdf(make_t_0217())
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Part C. Statement of Claim" in text and "Part F. Attestation" in text
    assert "Has the applicant expressed any fear of retaliation" in text
    assert "Yes. The recruiter threatened her family in Honduras." in text
    assert "[X] Sex trafficking in which a commercial sex act was induced" in text
    assert "[ ] Not applicable" in text
    assert "[X] Has failed to comply with requests to assist" in text
    assert "Printed Name of Supervisor" in text and "Captain Ann Rourke" in text


def test_failed_to_comply_must_be_acknowledged_before_certifying(
    real_t_template, make_t_0217, people
):
    from cases import consistency

    r = make_t_0217(acknowledged_warnings=[])
    codes = [w.code for w in consistency.certify_warnings(r)]
    assert codes == ["part_d_failed_to_comply"]
    with pytest.raises(WorkflowError, match="Part D, Item 1"):
        issuing.request_certify(request=r, actor=people["chief"])
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not IssuedForm.objects.filter(request=r).exists()
    r.cooperation = Cooperation.NOT_REQUESTED
    assert consistency.certify_warnings(r) == []


def test_the_command_loads_the_real_file_as_the_02_27_17_edition(t_template, people):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "load_form_template", "--form", "I-914B", "--edition", EDITION, str(I914B_02_27_17),
        stdout=out,
    )  # fmt: skip
    assert "Loaded I-914B edition 02/27/17" in out.getvalue()
    assert official.active_template(FormType.T_VISA, EDITION).inventory[0]["name"] == (
        P1 + "Yes[0]"
    )
