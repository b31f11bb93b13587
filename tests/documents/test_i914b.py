"""Form I-914 Supplement B (T visa): the form map, the synthetic template and its check, filling
read back field by field, the form chosen by the request's form type (a T request never gets an
I-918B, a U request never an I-914B), no filing period, and the T steps of the workflow."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pypdf import PdfReader

from cases import clocks, consistency, reminders, services
from cases.documents import issuing, official, verification
from cases.errors import WorkflowError
from cases.models import (
    CertificationRequest,
    FormTemplate,
    FormType,
    InkSignature,
    IssuedForm,
    Status,
)
from cases.reporting import annual
from cases.uscis import acroform, formmap, i914b_fields, i918b_fields, synthetic, synthetic_i914b
from cases.uscis.trafficking import Cooperation, TraffickingForm
from tests.conftest import at, record_ink, sign_in

pytestmark = pytest.mark.django_db

T_FIELDS = {
    "form_type": FormType.T_VISA,
    "trafficking_forms": [TraffickingForm.SEX_FORCE, TraffickingForm.DEBT_BONDAGE],
    "cooperation": Cooperation.COMPLIED,
    "cooperation_explanation": "Gave two interviews and identified the recruiter.",
    "criminal_activity_description": "Recruited with a false job offer; kept through a debt.",
    "a_number": "A-012-345-678",
    "middle_name": "Thị",
}


@pytest.fixture(autouse=True)
def _t_template(t_template):
    """Both synthetic templates are loaded here: the I-918B and the I-914B."""


@pytest.fixture
def make_t_request(make_request):
    def make(status: str = Status.CHIEF_DECISION, **fields):
        reference = f"MPD-TV-1999-{CertificationRequest.objects.count() + 1:04d}"
        return make_request(status, **{"reference": reference, **T_FIELDS, **fields})

    return make


def read_fields(pdf: bytes) -> dict:
    return PdfReader(io.BytesIO(pdf)).get_fields() or {}


def form_names(pdf: bytes) -> set[str]:
    """The form's own fields (not the agency seal's signature field)."""
    return {f.name for f in acroform.read_inventory(pdf) if f.type != "signature"}


def listed(csv_path) -> set[str]:
    return {row.name for row in acroform.load_inventory_csv(csv_path)}


# --- the template ---


def styled(labels: list[str]) -> list[str]:
    """The trafficking labels shuffled and restyled: a match by index or exact text fails."""
    shuffled = list(labels)
    random.Random(7).shuffle(shuffled)
    return [s.upper() if i % 2 else s.lower() + "." for i, s in enumerate(shuffled)]


def test_the_synthetic_i914b_is_accepted_and_its_boxes_matched_by_tooltip():
    forms = synthetic_i914b.trafficking_forms()
    tooltips = styled(list(forms.values()))
    data = synthetic_i914b.synthetic_template(tooltips)
    prepared = official.prepare_template(
        data, form_type=FormType.T_VISA, edition="01/20/25", categories=forms
    )
    assert len(prepared.inventory) == len(acroform.load_inventory_csv(i914b_fields.FIELDS_CSV))
    # Each form of trafficking to the box whose tooltip names it, wherever it sits.
    by_name = {f.name: f for f in acroform.read_inventory(data)}
    for code, field in prepared.category_fields.items():
        assert forms[code].lower() in by_name[field].tooltip.lower()
    assert set(prepared.category_fields.values()) == set(i914b_fields.CATEGORY_FIELDS)
    assert set(prepared.choice_fields) == {f"{p}|{i}" for p, i in i914b_fields.CHOICE_FIELDS}
    assert (
        "TEST TEMPLATE - NOT THE USCIS FORM" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    )
    assert "Form I-914 Supplement B" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_an_i914b_file_with_a_renamed_field_is_mapped_by_its_tooltip():
    rows = acroform.load_inventory_csv(i914b_fields.FIELDS_CSV)
    old = i914b_fields.P4 + "Pt4Line2_Explanation[0]"
    renamed = [
        acroform.ExpectedField(
            r.name.replace("Pt4Line2_Explanation", "Pt4Line2_Explain"), r.type, r.part, r.item,
            r.meaning,
        )
        for r in rows
    ]  # fmt: skip
    data = synthetic.build(
        renamed,
        category_tooltips=list(synthetic_i914b.trafficking_forms().values()),
        form_name="Form I-914 Supplement B",
    )
    prepared = official.prepare_template(
        data,
        form_type=FormType.T_VISA,
        edition="01/20/25",
        categories=synthetic_i914b.trafficking_forms(),
    )
    assert prepared.field_map[old] == i914b_fields.P4 + "Pt4Line2_Explain[0]"
    assert prepared.report is not None and not prepared.report.required_unmatched()


def test_an_i918b_file_is_refused_as_an_i914b_and_the_reverse(synthetic_form_template):
    u_data = synthetic_form_template.data
    with pytest.raises(official.TemplateRefused, match="do not ask what the form map fills"):
        official.prepare_template(
            u_data,
            form_type=FormType.T_VISA,
            edition="01/20/25",
            categories=synthetic_i914b.trafficking_forms(),
        )
    with pytest.raises(
        official.TemplateRefused,
        match="required items match no field|do not ask what the form map fills",
    ):
        official.prepare_template(
            synthetic_i914b.synthetic_template(),
            form_type=FormType.U_VISA,
            edition="01/20/25",
            categories=official.category_names(),
        )


def test_loading_the_t_template_keeps_the_u_template_active(people):
    data = synthetic_i914b.synthetic_template(styled(list(TraffickingForm.labels)))
    template = official.load_template(
        data, form_type=FormType.T_VISA, edition="01/20/25", actor=people["chief"]
    )
    assert template.active and template.form_type == FormType.T_VISA
    active = FormTemplate.objects.filter(active=True)
    assert sorted(active.values_list("form_type", flat=True)) == ["I-914B", "I-918B"]


def test_without_the_t_template_the_message_names_the_i914b_file(make_t_request, people):
    FormTemplate.objects.filter(form_type=FormType.T_VISA).update(active=False)
    r = make_t_request()
    with pytest.raises(official.TemplateMissing) as refused:
        issuing.request_certify(request=r, actor=people["chief"])
    message = str(refused.value)
    assert "https://www.uscis.gov/i-914" in message and "i-914supb.pdf" in message
    assert "--form I-914B --edition 01/20/25" in message and "I-918" not in message
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not IssuedForm.objects.exists()


# --- the form map ---


def test_the_t_form_map_is_its_own_edition_entry():
    t = formmap.FORM_EDITIONS[(FormType.T_VISA, "01/20/25")]
    u = formmap.FORM_EDITIONS[(FormType.U_VISA, "01/20/25")]
    assert t.title == "Form I-914, Supplement B, Declaration for Trafficking Victim"
    assert t.parts is not u.parts and u is formmap.EDITIONS["01/20/25"]
    titles = {p.number: p.title for p in t.parts}
    assert titles[3] == "Statement of Claim" and titles[4] == "Cooperation of the Victim"
    # Every item with a value has a field (or goes to Part 7, or is left to the ink).
    refs = {(i.part, i.number) for p in t.parts for i in p.items}
    mapped = (
        set(i914b_fields.TEXT_FIELDS)
        | set(i914b_fields.CHOICE_FIELDS)
        | set(i914b_fields.PART7_ONLY)
        | set(i914b_fields.INK_ONLY_ITEMS)
        | {i914b_fields.CATEGORY_ITEM, i914b_fields.ROWS_ITEM}
    )
    assert refs == mapped
    # The field list and the field map name the same fields.
    listed = {r.name for r in acroform.load_inventory_csv(i914b_fields.FIELDS_CSV)}
    assert listed == i914b_fields.mapped_fields()
    # The two field lists differ both ways: no file can pass the check of both forms.
    u_listed = {r.name for r in acroform.load_inventory_csv(i918b_fields.FIELDS_CSV)}
    assert listed - u_listed and u_listed - listed


def test_a_t_request_reads_the_trafficking_items(make_t_request):
    r = make_t_request()
    values = {(f.item.part, f.item.number): f.value for _p, items in formmap.fill(r) for f in items}
    assert values[(3, "1")] == [
        "Sex trafficking induced by force, fraud, or coercion",
        "Labor trafficking for debt bondage",
    ]
    assert values[(4, "1")] == "Complied"
    assert values[(4, "2")] == T_FIELDS["cooperation_explanation"]
    assert values[(1, "1.a")] == "García" and values[(1, "6")] == ""
    assert formmap.missing_items(r) == []
    r.cooperation_explanation = ""
    assert "Part 4, Item 2 (Explanation of the victim's cooperation, or of the exception)" in (
        formmap.missing_items(r)
    )


# --- filling: read back field by field ---


def test_the_filled_i914b_reads_back_field_by_field(make_t_request, people, artifacts):
    r = make_t_request()
    r = issuing.request_certify(request=r, actor=people["chief"])
    assert r.status == Status.AWAITING_INK
    form = IssuedForm.objects.get(request=r)
    assert form.template.form_type == FormType.T_VISA
    data = form.data
    (artifacts / "i914b-issued.pdf").write_bytes(data)
    fields = read_fields(data)
    inventory = {f.name: f for f in acroform.read_inventory(data)}
    # Only I-914B names: never a field of the I-918B.
    assert form_names(data) == listed(i914b_fields.FIELDS_CSV)
    p1, p3, p4 = i914b_fields.P1, i914b_fields.P3, i914b_fields.P4
    expected_text = {
        p1 + "Pt1Line1a_FamilyName[0]": "García",
        p1 + "Pt1Line1b_GivenName[0]": "María",
        p1 + "Pt1Line1c_MiddleName[0]": "Thị",
        i914b_fields.P7 + "Pt1Line1a_FamilyName[1]": "García",  # Part 7's header
        p1 + "Pt1Line2a_FamilyName[0]": "None",  # optional, empty
        p1 + "Pt1Line3_DateOfBirth[0]": "05/01/1990",
        p1 + "Pt1Line5_AlienNumber[0]": "012345678",
        p1 + "Pt1Line6_SSN[0]": "N/A",
        p1 + "Pt2Line1_CertifyingAgency[0]": "Medford Police Department",
        p1 + "Pt2Line2a_FamilyName[0]": "Delaney",
        p1 + "Pt2Line9_CaseNumber[0]": "25-001234",
        p1 + "Pt2Line8a_Other[0]": "N/A",  # does not apply: the case status is not "Other"
        p3 + "Pt3Line2a_Date[0]": "03/14/2025",
        p3 + "Pt3Line3_Citations[0]": "M.G.L. c. 265 s. 13M",
        p3 + "Pt3Line4_Description[0]": T_FIELDS["criminal_activity_description"],
        p4 + "Pt4Line2_Explanation[0]": T_FIELDS["cooperation_explanation"],
    }
    for name, value in expected_text.items():
        assert fields[name].get("/V") == value, name
    # Boxes: the template's own on-state when ticked, /Off otherwise.
    template = form.template
    ticked = {
        template.category_fields[TraffickingForm.SEX_FORCE],
        template.category_fields[TraffickingForm.DEBT_BONDAGE],
    }
    for name in i914b_fields.CATEGORY_FIELDS:
        on_state = inventory[name].on_states[0]
        assert fields[name]["/V"] == (on_state if name in ticked else "/Off"), name
    boxes = template.choice_fields
    for key, option in {"4|1": "Complied", "1|4": "Female", "5|1": "No", "2|8": "On-going"}.items():
        for label, name in boxes[key].items():
            want = inventory[name].on_states[0] if label == option else "/Off"
            assert fields[name]["/V"] == want, (key, label)
    # Part 6 items 1-2: left for the ink.
    for name in i914b_fields.INK_ONLY_ITEMS.values():
        assert fields[name].get("/V") in (None, "")
    reader = PdfReader(io.BytesIO(data))
    assert "/XFA" not in reader.trailer["/Root"]["/AcroForm"]
    assert reader.metadata["/Title"].startswith("Form I-914 Supplement B")
    assert "I-918" not in reader.metadata["/Title"]


def test_a_u_request_never_produces_an_i914b(make_request, people):
    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    form = IssuedForm.objects.get(request=r)
    assert form.template.form_type == FormType.U_VISA
    assert form_names(form.data) == listed(i918b_fields.FIELDS_CSV)
    assert listed(i918b_fields.FIELDS_CSV) != listed(i914b_fields.FIELDS_CSV)


def test_a_template_of_the_other_form_is_never_used(make_t_request, make_request):
    t, u = make_t_request(), make_request(Status.CHIEF_DECISION)
    assert official.template_for(t).form_type == FormType.T_VISA
    assert official.template_for(u).form_type == FormType.U_VISA
    # Without an I-914B the T request is refused: the active I-918B is never a fallback.
    FormTemplate.objects.filter(form_type=FormType.T_VISA).update(active=False)
    with pytest.raises(official.TemplateMissing, match="I-914 Supplement B"):
        official.template_for(t)
    assert official.template_for(u).form_type == FormType.U_VISA


def test_the_commands_write_each_form_only_for_its_own_requests(make_t_request, tmp_path):
    t = make_t_request()
    with pytest.raises(CommandError, match="T visa.*i914b"):
        call_command("i918b", t.reference, "--out", str(tmp_path / "x.pdf"), stdout=io.StringIO())
    out = tmp_path / "t.pdf"
    call_command("i914b", t.reference, "--out", str(out), stdout=io.StringIO())
    assert form_names(out.read_bytes()) == i914b_fields.mapped_fields()


# --- the ink lifecycle and no filing period ---


def test_a_t_declaration_has_no_validity_date(make_t_request, people, client):
    r = issuing.request_certify(request=make_t_request(), actor=people["chief"])
    signed = timezone.localdate()
    r = record_ink(r, people["coordinator"], signed_on=signed)
    assert r.status == Status.CERTIFIED and r.signed_on == signed
    assert clocks.answered_on(r) == signed  # c. 258F s. 3(i): answered by the ink date
    assert clocks.valid_until(r.form_type, r.signed_on) is None
    assert clocks.valid_until(FormType.U_VISA, signed) == clocks.filing_valid_until(signed)
    ink = InkSignature.objects.get(request=r)  # each ink signature recorded with its date
    assert ink.signed_on == signed and ink.signer == r.certifying_official
    sign_in(client, people["coordinator"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'id="no-validity"' in html and 'id="valid-until"' not in html
    assert "valid for filing" not in html
    form = IssuedForm.objects.get(request=r)
    facts = verification.Verdict(status="genuine", reason="", form=form).facts()
    assert facts["valid_until"] is None and facts["ink_recorded"]
    assert facts["form"] == "Form I-914 Supplement B, edition 01/20/25"
    # Never a "can be filed until" reminder for a T declaration, even near six months on.
    later = timezone.now() + timedelta(days=170)
    found = [m for m in reminders.pending_reminders(now=later) if getattr(m, "request", None)]
    assert all(m.kind != reminders.VALIDITY_KIND for m in found if m.request.pk == r.pk)


def test_a_u_certification_still_shows_its_six_months(make_request, people, client):
    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    r = record_ink(r, people["coordinator"], signed_on=date.today())
    sign_in(client, people["coordinator"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'id="valid-until"' in html and 'id="no-validity"' not in html


# --- the T steps: check, cooperation, decision ---


def test_the_coordinator_records_the_forms_of_trafficking(make_t_request, people):
    r = make_t_request(Status.CRIME_CHECK, trafficking_forms=[])
    r = services.request_record_crime_check(
        request=r,
        actor=people["coordinator"],
        categories=[],
        statutes=[],
        values={"case_status": "ongoing"},
        trafficking_forms=[TraffickingForm.SLAVERY, TraffickingForm.SEX_MINOR],
    )
    r.refresh_from_db()
    assert r.trafficking_forms == ["sex_minor", "slavery"] and not r.crime_categories.exists()
    with pytest.raises(ValidationError):
        services.request_record_crime_check(
            request=r,
            actor=people["coordinator"],
            categories=[],
            statutes=[],
            values={},
            trafficking_forms=["murder"],
        )
    with pytest.raises((PermissionDenied, WorkflowError)):
        services.request_record_crime_check(
            request=r,
            actor=people["detective"],
            categories=[],
            statutes=[],
            values={},
            trafficking_forms=[TraffickingForm.SLAVERY],
        )


def test_confirming_a_t_request_needs_a_form_of_trafficking(make_t_request, people):
    r = make_t_request(Status.CRIME_CHECK, trafficking_forms=[])
    assert not r.has_qualifying_crime_and_detective()  # U categories do not count for T
    r.trafficking_forms = [TraffickingForm.PEONAGE]
    assert r.has_qualifying_crime_and_detective()


def test_the_detective_attests_cooperation_or_the_exception(make_t_request, people):
    r = make_t_request(Status.HELPFULNESS_REVIEW, cooperation="", cooperation_explanation="")
    assert not r.has_helpfulness_answers()
    values = {
        "cooperation": Cooperation.TRAUMA,
        "cooperation_explanation": "Could not give a second interview after the assault.",
        "family_members_implicated": "no",
    }
    r = services.request_record_helpfulness(request=r, actor=people["detective"], values=values)
    r.refresh_from_db()
    assert r.cooperation == "trauma" and r.has_helpfulness_answers()
    # The U questions are not T fields, and the wrong detective is refused.
    with pytest.raises(ValidationError):
        services.request_record_helpfulness(
            request=r, actor=people["detective"], values={"has_been_helpful": "yes"}
        )
    with pytest.raises((PermissionDenied, WorkflowError)):
        services.request_record_helpfulness(
            request=r, actor=people["other_detective"], values=values
        )
    r = services.request_attest_helpfulness(request=r, actor=people["detective"])
    assert r.status == Status.CHIEF_DECISION


def test_t_consistency_rules():
    r = type("R", (), {})()
    r.form_type, r.trafficking_forms = FormType.T_VISA, []
    r.possesses_information = r.has_been_helpful = "no"  # U questions: not asked on the I-914B
    codes = [f.code for f in consistency.certify_blockers(r)]
    assert codes == ["part3_item1_empty"]
    r.trafficking_forms = ["slavery"]
    assert consistency.certify_blockers(r) == []


def test_the_t_pages_show_the_trafficking_forms_and_what_the_i914b_needs(
    make_t_request, make_request, people, client
):
    r = make_t_request(Status.CRIME_CHECK, trafficking_forms=[])
    sign_in(client, people["coordinator"])
    html = client.get(f"/requests/{r.reference}/crime-check/").content.decode()
    assert "Trafficking check" in html and "22 U.S.C. 7102" in html
    assert "Labor trafficking for debt bondage" in html
    assert "c.265 §50" in html and "c.265 §51" in html
    assert "Murder" not in html  # not the U list
    u = make_request(Status.CRIME_CHECK)
    assert "Murder" in client.get(f"/requests/{u.reference}/crime-check/").content.decode()
    d = make_t_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    html = client.get(d.get_absolute_url()).content.decode()
    assert 'id="t-visa-needs"' in html and "original signature in ink" in html
    assert "Sex trafficking induced by force, fraud, or coercion" in html
    assert Cooperation.COMPLIED.label in html
    # The advocate of another organisation does not see it at all.
    sign_in(client, people["other_advocate"])
    assert client.get(d.get_absolute_url()).status_code == 404


# --- the annual report ---


def test_the_report_counts_t_and_u_apart_and_together(make_request, make_t_request):
    received = at("2025-04-01 09:00")
    make_request(Status.CRIME_CHECK, received_at=received)
    make_request(Status.CRIME_CHECK, received_at=received, given_name="Ana", family_name="Souza")
    make_t_request(
        Status.CRIME_CHECK, received_at=received, given_name="Lan", family_name="Trần", a_number=""
    )
    # The same person asks for a T declaration too: one individual in "together".
    make_t_request(Status.CRIME_CHECK, received_at=received)
    report = annual.build_annual_report(2025, now=at("2026-01-15 09:00"))
    cells = report.cells
    assert cells["requests_received:U"] == 2 and cells["requests_received:T"] == 2
    assert cells["requests_received:all"] == 4
    individuals = [k for k in cells if k.endswith(":all") and k.startswith("individuals")]
    assert individuals, list(cells)
    key = individuals[0].split(":")[0]
    assert (cells[f"{key}:U"], cells[f"{key}:T"], cells[f"{key}:all"]) == (2, 2, 3)


# --- the T letters ---


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("kind", ["acknowledgement", "denial", "delay"])
def test_t_letters_name_the_i914b_and_u_letters_the_i918b(kind, make_t_request, make_request):
    from cases.documents import letters

    fields = {
        "received_at": timezone.now(),
        "decline_reason": "not_helpful",
        "delay_reason": "Records held by another agency.",
        "delay_process": "We asked for them.",
        "delay_projected_date": date(2030, 1, 31),
        "delay_issued_at": timezone.now(),
        "preferred_language": "es",
    }
    t = make_t_request(Status.DECLINED if kind == "denial" else Status.CRIME_CHECK, **fields)
    u = make_request(Status.DECLINED if kind == "denial" else Status.CRIME_CHECK, **fields)
    t_text = pdf_text(letters.render_letter_pdf(t, kind, language="es"))
    u_text = pdf_text(letters.render_letter_pdf(u, kind, language="es"))
    assert "Form I-914, Supplement B (Declaration for Trafficking Victim)" in t_text
    assert "I-918" not in t_text, t_text
    assert "T-visa" in t_text or kind == "acknowledgement" and "T-visa application" in t_text
    assert "I-918" in u_text and "I-914" not in u_text
    # c. 258F s. 3: the same answers, in time, for T as for U.
    if kind == "denial":
        assert "without prejudice" in t_text and "optional evidence" in t_text
    if kind == "delay":
        assert "January 31, 2030" in t_text and "Records held by another agency." in t_text
    if kind == "acknowledgement":
        assert "severe form of trafficking in persons" in t_text


def test_the_t_review_copy_lists_the_trafficking_forms(make_t_request):
    pdf = issuing.review_pdf(make_t_request())
    text = pdf_text(pdf)
    assert "REVIEW COPY - NOT FOR FILING" in text
    assert "Form I-914, Supplement B, Declaration for Trafficking Victim" in text
    assert "[X] Labor trafficking for debt bondage" in text
    assert "[ ] Labor trafficking for slavery" in text or "Labor trafficking for slavery" in text
    assert "Murder" not in text and "Cooperation of the Victim" in text


@pytest.mark.parametrize("kind", ["withdraw", "disavow"])
def test_the_notice_to_uscis_names_the_t_declaration(kind, make_t_request, people):
    from cases import services
    from cases.documents import letters

    r = issuing.request_certify(request=make_t_request(), actor=people["chief"])
    r = record_ink(r, people["coordinator"])
    r = services.request_withdraw_certification(
        request=r, actor=people["chief"], reason="The victim refused further contact.", kind=kind
    )
    text = pdf_text(letters.render_letter_pdf(r, "uscis_withdrawal"))
    assert "Form I-914, Supplement B, Declaration for Trafficking Victim" in text
    assert "I-918" not in text and "214.14" not in text
    assert "Attn: T Visa Unit" in text
    assert ("disavows" in text) == (kind == "disavow")
    assert "The victim refused further contact." in text


@pytest.mark.parametrize(
    "persona", ["advocate", "coordinator", "detective", "auditor", "undesignated_chief"]
)
def test_only_the_certifying_official_withdraws_a_t_declaration(persona, make_t_request, people):
    from cases import services
    from cases.models import CaseEvent, IssuedLetter

    r = issuing.request_certify(request=make_t_request(), actor=people["chief"])
    r = record_ink(r, people["coordinator"])
    events = CaseEvent.objects.filter(request=r).count()
    with pytest.raises(PermissionDenied):
        services.request_withdraw_certification(
            request=r, actor=people[persona], reason="Not mine to withdraw.", kind="withdraw"
        )
    r.refresh_from_db()
    assert r.status == Status.CERTIFIED and not r.certification_withdrawal_reason
    assert CaseEvent.objects.filter(request=r).count() == events
    assert not IssuedLetter.objects.filter(request=r, kind="uscis_withdrawal").exists()


def test_a_t_request_is_spoken_of_in_t_words_on_its_pages_letters_and_verification(
    make_t_request, people, client
):
    """Form I-914 Supplement B asks about a severe form of trafficking (Part 3) and the
    victim's cooperation (Part 4), not a qualifying crime and helpfulness; no U-visa words."""
    from cases.documents import letters

    def page(r, persona):
        sign_in(client, people[persona])
        return client.get(r.get_absolute_url()).content.decode()

    received = page(make_t_request(Status.RECEIVED), "coordinator")
    assert "Form I-914 Supplement B</h2>" in received
    assert "Form I-918 Supplement B" not in received
    assert "Start trafficking check" in received and "qualifying-crime check" not in received
    check = page(make_t_request(Status.CRIME_CHECK), "coordinator")
    assert "Refer as not a severe form of trafficking" in check
    assert "Refer as not qualifying" not in check
    review = make_t_request(Status.HELPFULNESS_REVIEW)
    html = page(review, "detective")
    assert "Attest cooperation" in html and "Attest helpfulness" not in html
    taken = client.post(
        f"{review.get_absolute_url()}step/attest_helpfulness/",
        {"attest_helpfulness-note": ""},
        follow=True,
    ).content.decode()
    assert "Attest cooperation" in taken and "Attest helpfulness" not in taken
    # A service's refusal names the step in the same words.
    review.refresh_from_db()
    with pytest.raises(WorkflowError, match="Start trafficking check"):
        services.request_begin_crime_check(request=review, actor=people["coordinator"])

    delayed = make_t_request(
        Status.CRIME_CHECK,
        received_at=timezone.now(),
        delay_reason="Records held by another agency.",
        delay_process="We asked for them.",
        delay_projected_date=date(2030, 1, 31),
        delay_issued_at=timezone.now(),
    )
    letter = pdf_text(letters.render_letter_pdf(delayed, "delay"))
    assert "certification coordinator" in letter and "U-visa" not in letter, letter

    r = issuing.request_certify(request=make_t_request(), actor=people["chief"])
    code = IssuedForm.objects.get(request=r).verification_code
    client.logout()
    verified = client.post("/verify/", {"code": code}).content.decode()
    assert "Result: GENUINE" in verified and "Check a Form I-914 Supplement B file" in verified
    assert "Form I-918 Supplement B" not in verified and "Form I-918 or" not in verified
    # Before any file is checked the page names both forms.
    blank = client.get("/verify/").content.decode()
    assert "Form I-918 or Form I-914" in blank
