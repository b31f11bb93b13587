"""Designations of certifying officials (8 CFR 214.14(a)(3)) kept by the agency head."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import CertifyingOfficial, DesignationEvent
from cases.permissions import can_decide
from cases.services import designations
from cases.uscis.formmap import EDITIONS, read_value
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def letter() -> SimpleUploadedFile:
    return SimpleUploadedFile("designation.pdf", PDF, content_type="application/pdf")


def item(number: str, part: int = 2):
    parts = {p.number: p for p in EDITIONS["01/20/25"].parts}
    return next(i for i in parts[part].items if i.number == number)


def designate(people, agency, user_key="undesignated_chief", **fields):
    values = dict(
        actor=people["chief"],
        agency=agency,
        user=people[user_key],
        family_name="Rossi",
        given_name="Ana",
        title="Lieutenant, Family Services Unit",
        designated_on=timezone.localdate(),
        upload=letter(),
    )
    values.update(fields)
    return designations.designation_add(**values)


def test_a_second_active_head_is_refused_by_the_database(agency, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        CertifyingOfficial.objects.create(
            agency=agency,
            user=people["undesignated_chief"],
            family_name="Second",
            given_name="Head",
            title="Chief of Police",
            is_agency_head=True,
            designated_on=date(2025, 1, 1),
        )
    # A revoked head is history, not a second head.
    head = CertifyingOfficial.objects.get(is_agency_head=True)
    CertifyingOfficial.objects.filter(pk=head.pk).update(revoked_on=date(2025, 1, 1))
    CertifyingOfficial.objects.create(
        agency=agency,
        user=people["undesignated_chief"],
        family_name="Second",
        given_name="Head",
        title="Chief of Police",
        is_agency_head=True,
        designated_on=date(2025, 1, 1),
    )


def test_the_head_designates_a_supervisor_and_the_change_is_audited(agency, people, make_request):
    r = make_request("chief_decision")
    assert not can_decide(r, people["undesignated_chief"])
    official = designate(people, agency, note="Covers nights and weekends.")
    assert official.designation_document.read().startswith(b"%PDF")  # decrypted on read
    raw = official.designation_document.storage.read_raw(official.designation_document.name)
    assert not raw.startswith(b"%PDF")  # encrypted at rest
    assert can_decide(r, people["undesignated_chief"])
    (event,) = DesignationEvent.objects.all()
    assert event.action == "designated"
    assert event.actor == people["chief"]
    assert event.official == official
    assert event.data["title"] == "Lieutenant, Family Services Unit"
    assert len(event.data["document_sha256"]) == 64
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_revoking_is_audited_and_history_answers_for_past_days(agency, people, make_request):
    official = designate(people, agency)
    today = timezone.localdate()
    designations.designation_revoke(
        actor=people["chief"], official=official, revoked_on=today + timedelta(days=3), reason="x"
    )
    actions = list(DesignationEvent.objects.values_list("action", flat=True))
    assert actions == ["designated", "revoked"]
    assert official in designations.authorised_on(agency, today + timedelta(days=2))
    assert official not in designations.authorised_on(agency, today + timedelta(days=3))
    head = CertifyingOfficial.objects.get(is_agency_head=True)
    assert designations.authorised_on(agency, date(2024, 6, 1)) == [head]
    assert designations.authorised_on(agency, date(2023, 6, 1)) == []
    with pytest.raises(ValidationError):  # once
        designations.designation_revoke(actor=people["chief"], official=official)


@pytest.mark.parametrize("who", ["coordinator", "auditor", "undesignated_chief", "advocate"])
def test_only_the_head_designates(agency, people, who):
    with pytest.raises(PermissionDenied):
        designate(people, agency, actor=people[who], user_key="other_detective")
    assert DesignationEvent.objects.count() == 0


def test_a_designee_cannot_designate_or_revoke(agency, people):
    official = designate(people, agency)
    with pytest.raises(PermissionDenied):
        designate(people, agency, actor=people["undesignated_chief"])
    with pytest.raises(PermissionDenied):
        designations.designation_revoke(actor=people["undesignated_chief"], official=official)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": ""}, "title"),
        ({"title": "Detective"}, "title"),  # not a supervisory role
        ({"upload": None}, "document"),
        ({"designated_on": date(2020, 1, 1)}, "designated_on"),
        ({"expires_on": date(2020, 1, 1)}, "expires_on"),
        ({"user_key": "coordinator"}, "user"),  # no Chief role: could not decide anyway
    ],
)
def test_bad_designations_are_refused(agency, people, fields, field):
    with pytest.raises(ValidationError) as exc:
        designate(people, agency, **fields)
    assert field in exc.value.message_dict
    assert DesignationEvent.objects.count() == 0


def test_a_non_pdf_designation_is_refused(agency, people):
    with pytest.raises(ValidationError):
        designate(people, agency, upload=SimpleUploadedFile("d.pdf", b"not a pdf"))


def test_the_head_cannot_revoke_the_heads_own_designation(agency, people):
    head = CertifyingOfficial.objects.get(is_agency_head=True)
    with pytest.raises(ValidationError):
        designations.designation_revoke(actor=people["chief"], official=head)


def test_part_2_items_2_to_4_official_and_head_from_designations(agency, people, make_request):
    designate(people, agency)
    r = make_request("chief_decision")
    # Item 4: the active head's designation, not the agency record.
    agency.head_family_name = "Stale"
    agency.save()
    assert read_value(r, item("4.a")) == "Delaney"
    # A new head from today: item 4 of an open request follows; the old certified one keeps
    # the head in office on its signature date.
    signed = make_request("certified", signed_on=date(2025, 6, 1))
    new = designations.designation_appoint_head(
        actor=people["chief"],
        agency=agency,
        user=people["undesignated_chief"],
        family_name="Okafor",
        given_name="Grace",
        title="Chief of Police",
    )
    assert read_value(r, item("4.a")) == "Okafor"
    assert read_value(signed, item("4.a")) == "Delaney"
    assert list(DesignationEvent.objects.values_list("action", flat=True)) == [
        "designated",
        "head_appointed",
    ]
    assert CertifyingOfficial.objects.filter(is_agency_head=True, revoked_on=None).get() == new


# --- the pages ---


def test_the_designations_page_for_the_head_and_staff(client, agency, people):
    sign_in(client, people["chief"])
    response = client.post(
        "/designations/add/",
        {
            "user": people["undesignated_chief"].pk,
            "family_name": "Rossi",
            "given_name": "Ana",
            "title": "Lieutenant",
            "designated_on": timezone.localdate().isoformat(),
            "document": letter(),
        },
    )
    assert response.status_code == 302
    official = CertifyingOfficial.objects.get(family_name="Rossi")
    download = client.get(f"/designations/{official.pk}/document/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    page = client.get(f"/designations/?on={timezone.localdate().isoformat()}").content.decode()
    assert "Rossi" in page and 'id="authorised-on"' in page
    bad = client.post("/designations/add/", {"user": people["undesignated_chief"].pk})
    assert bad.status_code == 400
    sign_in(client, people["chief"])  # each step that changes who may sign asks again
    response = client.post(
        f"/designations/{official.pk}/revoke/",
        {"revoked_on": timezone.localdate().isoformat(), "reason": "Transferred"},
    )
    assert response.status_code == 302
    assert DesignationEvent.objects.filter(action="revoked").count() == 1
    sign_in(client, people["auditor"])  # reads, does not manage
    assert client.get("/designations/").status_code == 200
    assert client.post(f"/designations/{official.pk}/revoke/", {}).status_code == 403
    assert client.post("/designations/add/", {}).status_code == 403
    sign_in(client, people["advocate"])
    assert client.get("/designations/").status_code == 403
    assert client.get(f"/designations/{official.pk}/document/").status_code == 403


def test_the_admin_shows_designations_read_only(admin_client, agency, people):
    head = CertifyingOfficial.objects.get(is_agency_head=True)
    response = admin_client.get(f"/admin/cases/certifyingofficial/{head.pk}/change/")
    assert response.status_code == 200
    assert b'name="family_name"' not in response.content
    assert admin_client.get("/admin/cases/certifyingofficial/add/").status_code == 403


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_designationevent SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM cases_designationevent WHERE id = %s",
        "TRUNCATE cases_designationevent CASCADE",
    ],
)
def test_postgresql_refuses_changes_to_the_designation_history(agency, people, sql):
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only")
    designate(people, agency, note="Covers nights.")
    event = DesignationEvent.objects.latest("pk")
    count = DesignationEvent.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, [] if "TRUNCATE" in sql else [event.pk])
    assert DesignationEvent.objects.count() == count
    assert DesignationEvent.objects.get(pk=event.pk).note == "Covers nights."


# --- a new agency head (8 CFR 214.14(a)(3)) ---


def appoint(people, agency, actor="chief", user="undesignated_chief", **fields):
    values = dict(
        actor=people[actor] if actor else None,
        agency=agency,
        user=people[user],
        family_name="Okafor",
        given_name="Grace",
        title="Chief of Police",
    )
    values.update(fields)
    return designations.designation_appoint_head(**values)


def test_the_head_hands_over_one_event_one_active_head_history_kept(agency, people):
    old = CertifyingOfficial.objects.get(is_agency_head=True)
    today = timezone.localdate()
    new = appoint(people, agency, effective_on=today + timedelta(days=7), note="Retirement.")
    old.refresh_from_db()
    assert old.revoked_on == today + timedelta(days=7)  # ends the day the new head starts
    assert CertifyingOfficial.objects.filter(is_agency_head=True, revoked_on=None).get() == new
    event = DesignationEvent.objects.get()  # exactly one event
    assert event.action == "head_appointed" and event.actor == people["chief"]
    assert event.official == new and event.effective_on == today + timedelta(days=7)
    assert [h["id"] for h in event.data["previous_heads"]] == [old.pk]
    # Until then the old head signs; from then the new one (history answers for any day).
    assert designations.authorised_on(agency, today + timedelta(days=6))[0] == old
    assert designations.authorised_on(agency, today + timedelta(days=7))[0] == new
    assert designations.authorised_on(agency, date(2024, 6, 1)) == [old]


def test_a_designee_who_becomes_head_holds_one_designation(agency, people):
    designee = designate(people, agency)
    head = appoint(people, agency)
    designee.refresh_from_db()
    assert designee.revoked_on == timezone.localdate()
    assert designations.authorised_on(agency, timezone.localdate()) == [head]
    assert DesignationEvent.objects.last().data["ended_designations"] == [designee.pk]


@pytest.mark.parametrize("who", ["coordinator", "auditor", "undesignated_chief"])
def test_only_the_head_appoints_a_successor(agency, people, who):
    with pytest.raises(PermissionDenied):
        appoint(people, agency, actor=who, user="chief")
    assert DesignationEvent.objects.count() == 0


def test_a_designee_cannot_appoint_a_head(agency, people):
    designate(people, agency)
    with pytest.raises(PermissionDenied):
        appoint(people, agency, actor="undesignated_chief", user="undesignated_chief")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"user": "auditor"}, "user"),  # no Chief's role: could not sign
        ({"user": "chief"}, "user"),  # already the head
        ({"family_name": " "}, "family_name"),
        ({"title": ""}, "title"),
        ({"effective_on": date(2025, 1, 1)}, "effective_on"),
    ],
)
def test_bad_appointments_are_refused(agency, people, fields, field):
    with pytest.raises(ValidationError) as refused:
        appoint(people, agency, **fields)
    assert field in refused.value.message_dict
    assert CertifyingOfficial.objects.filter(is_agency_head=True).count() == 1


def test_the_form_names_the_new_head_and_a_certified_one_keeps_the_old(
    agency, people, certify_and_ink, make_request
):
    from pypdf import PdfReader

    from cases.documents import official as official_forms
    from cases.models import FormTemplate, IssuedForm
    from cases.uscis.i918b_fields import TEXT_FIELDS

    def head_on(pdf: bytes) -> str:
        fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
        return str(fields[TEXT_FIELDS[(2, "4.a")][0]].get("/V", ""))

    before = certify_and_ink()
    issued_before = IssuedForm.objects.get(request=before)
    assert head_on(issued_before.data) == "Delaney"
    appoint(people, agency)
    after = make_request("chief_decision")
    template = FormTemplate.objects.get(active=True)
    assert head_on(official_forms.official_pdf(after, template)) == "Okafor"
    # The form certified before still shows the head then in office, as issued and as read.
    assert head_on(IssuedForm.objects.get(request=before).data) == "Delaney"
    before.refresh_from_db()
    assert read_value(before, item("4.a")) == "Delaney"


def test_the_appoint_head_command_is_for_the_first_head_only(agency, people):
    from django.core.management import CommandError, call_command

    args = ["undesignated_chief", "--family-name", "Okafor", "--given-name", "Grace"]
    with pytest.raises(CommandError, match="already has a head"):
        call_command("appoint_head", *args, "--title", "Chief of Police")
    CertifyingOfficial.objects.all().delete()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("appoint_head", *args, "--title", "Chief", "--effective-on", "12/01/2026")
    with pytest.raises(CommandError, match="No account"):
        call_command("appoint_head", "nobody", "--family-name", "A", "--given-name", "B",
                     "--title", "Chief")  # fmt: skip
    out = io.StringIO()
    call_command("appoint_head", *args, "--title", "Chief of Police", stdout=out)
    assert "is the head of" in out.getvalue()
    head = CertifyingOfficial.objects.get(is_agency_head=True)
    assert head.user == people["undesignated_chief"] and head.designated_by is None
    assert DesignationEvent.objects.get().actor is None


def test_the_chief_appoints_a_successor_on_the_page(client, agency, people):
    sign_in(client, people["chief"])
    page = client.get("/designations/").content.decode()
    assert "Appoint a new agency head" in page
    bad = client.post("/designations/head/", {"head-user": people["undesignated_chief"].pk})
    assert bad.status_code == 400
    response = client.post(
        "/designations/head/",
        {
            "head-user": people["undesignated_chief"].pk,
            "head-family_name": "Okafor",
            "head-given_name": "Grace",
            "head-title": "Chief of Police",
            "head-effective_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert CertifyingOfficial.objects.get(is_agency_head=True, revoked_on=None).family_name == (
        "Okafor"
    )
    # The old head is no longer head: no form, and the post is refused.
    page = client.get("/designations/").content.decode()
    assert "Appoint a new agency head" not in page
    assert client.post("/designations/head/", {}).status_code == 403
    sign_in(client, people["coordinator"])
    assert client.post("/designations/head/", {}).status_code == 403
