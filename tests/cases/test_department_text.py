"""The department's own text of the Supplement B items it attests (the certifying agency completes
Parts 2-6, Supplement B instructions): the requester's answer is a proposal, the filled form
prints the department's text only."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from cases import errors
from cases.documents import issuing, official
from cases.models import CaseEvent, DepartmentText, FormTemplate, Status
from cases.permissions import can_write_department_text
from cases.services import department_text
from cases.uscis import formmap
from cases.uscis.i918b_fields import TEXT_FIELDS
from tests.conftest import adoptable, record_ink, sign_in

pytestmark = pytest.mark.django_db

PROPOSAL = "Assaulted by her partner at home."  # make_request's criminal_activity_description
OURS = "Investigated as assault and battery on a household member, c. 265 s. 13M; the victim "
OURS += "reported it and gave a statement."


def rewrite(r, actor, part=3, number="6", value=OURS):
    return department_text.department_text_rewrite(
        request=r, actor=actor, part=part, number=number, value=value
    )


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages))
    return re.sub(r"\s+", " ", text)


def acro_value(pdf: bytes, part: int, number: str) -> str:
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return str(fields[TEXT_FIELDS[(part, number)][0]].get("/V", ""))


# --- the filled form prints the department's text, the proposal stays ---


def test_a_staff_edit_changes_the_filled_form_and_not_the_proposal(make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    template = FormTemplate.objects.get(active=True)
    assert acro_value(official.official_pdf(r, template), 3, "6") == PROPOSAL

    rewrite(r, people["coordinator"])
    department_text.department_text_rewrite(
        request=r, actor=people["coordinator"], part=2, number="9", value="MPD-25-001234-A"
    )
    r.refresh_from_db()
    assert r.criminal_activity_description == PROPOSAL  # the proposal is untouched
    assert r.report_number == "25-001234"

    pdf = official.official_pdf(r, template)  # the official AcroForm fill
    assert acro_value(pdf, 3, "6") == OURS
    assert acro_value(pdf, 2, "9") == "MPD-25-001234-A"
    review = pdf_text(issuing.review_pdf(r))  # the review copy
    assert "household member" in review and PROPOSAL not in review
    assert "MPD-25-001234-A" in review
    # Stored encrypted: the column never holds the words.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM cases_departmenttext WHERE number = '6'")
        (raw,) = cursor.fetchone()
    assert "household" not in raw


def test_an_item_without_the_departments_text_is_missing_from_the_form(make_request, people):
    r = make_request(Status.CHIEF_DECISION, department_text=False)
    filled = {(f.item.part, f.item.number): f for _p, items in formmap.fill(r) for f in items}
    assert filled[(3, "6")].value == "" and filled[(3, "6")].to_adopt
    assert filled[(3, "6")].proposal == PROPOSAL
    assert not filled[(3, "2.b")].to_adopt  # optional and nothing proposed
    assert not filled[(1, "2.a")].item.attested  # Part 1 is the victim's, as given
    review = pdf_text(issuing.review_pdf(r))
    assert PROPOSAL not in review


# --- one event per edit, naming the items, never their content ---


def test_each_edit_is_one_event_naming_the_items(make_request, people):
    r = make_request(Status.CRIME_CHECK, department_text=False)
    before = CaseEvent.objects.filter(request=r).count()
    changed = department_text.department_text_adopt(
        request=r, actor=people["coordinator"], items=adoptable(r, parts=(3,))
    )
    assert changed == [
        "Part 3, Item 2.a",
        "Part 3, Item 2.b",
        "Part 3, Item 2.c",
        "Part 3, Item 2.d",
        "Part 3, Item 4.b",
        "Part 3, Item 6",
        "Part 3, Item 7",
    ]
    rewrite(r, people["chief"], value="Stalking and assault, reported on 03/14/2025.")
    events = list(CaseEvent.objects.filter(request=r).order_by("pk"))[before:]
    assert len(events) == 2
    adopted, rewritten = events
    assert adopted.data == {"department_text": "adopted the proposals of", "items": changed}
    assert adopted.actor == people["coordinator"] and adopted.internal
    assert rewritten.data == {"department_text": "rewrote", "items": ["Part 3, Item 6"]}
    for event in events:  # never the content
        text = f"{event.note} {event.data}"
        assert "Assaulted" not in text and "Stalking" not in text and "Medford" not in text
    texts = {t.number: t for t in DepartmentText.objects.filter(request=r)}
    assert texts["6"].how == "rewritten" and texts["6"].changed_by == people["chief"]
    assert texts["7"].how == "adopted" and texts["7"].text == r.injury_description


def test_adopting_what_is_already_adopted_changes_nothing(make_request, people):
    r = make_request(Status.CRIME_CHECK)  # every proposal adopted
    count = CaseEvent.objects.count()
    with pytest.raises(ValidationError, match="nothing was changed"):
        department_text.department_text_adopt(
            request=r, actor=people["coordinator"], items=adoptable(r, parts=(3,))
        )
    with pytest.raises(ValidationError, match="nothing was changed"):
        rewrite(r, people["coordinator"], value=PROPOSAL)
    assert CaseEvent.objects.count() == count


# --- refusals: role, Part, state, organisation ---


@pytest.mark.parametrize("who", ["advocate", "auditor", "other_detective", "undesignated_chief"])
def test_wrong_roles_are_refused(make_request, people, who):
    r = make_request(Status.CHIEF_DECISION)
    with pytest.raises(PermissionDenied):
        rewrite(r, people[who])
    with pytest.raises(PermissionDenied):
        department_text.department_text_adopt(request=r, actor=people[who], items=[(3, "6")])
    assert DepartmentText.objects.get(request=r, number="6").text == PROPOSAL


def test_each_part_has_its_writers(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW)
    coordinator, detective = people["coordinator"], people["detective"]
    assert can_write_department_text(r, coordinator, "coordinator")
    assert not can_write_department_text(r, coordinator, "detective")
    assert can_write_department_text(r, detective, "detective")
    assert not can_write_department_text(r, detective, "coordinator")
    assert not can_write_department_text(r, people["other_detective"], "detective")
    assert can_write_department_text(r, people["chief"], "coordinator")
    assert can_write_department_text(r, people["chief"], "detective")
    assert not can_write_department_text(r, people["chief"], "")  # Parts 1 and 6
    # The assigned detective may not write Part 3 (the coordinator's).
    with pytest.raises(PermissionDenied, match="Part 3"):
        rewrite(r, detective)
    # Part 1 is the victim's own information: never the department's to rewrite.
    with pytest.raises(ValidationError, match="not an item the department writes"):
        rewrite(r, people["chief"], part=1, number="2.a", value="Other")


@pytest.mark.parametrize(
    "status",
    [
        Status.DRAFT,
        Status.AWAITING_INK,
        Status.CERTIFIED,
        Status.DECLINED,
        Status.WITHDRAWN,
        Status.CERTIFICATION_WITHDRAWN,
    ],
)
def test_only_before_the_decision(make_request, people, status):
    r = make_request(status)
    for who in ("coordinator", "chief"):
        with pytest.raises(PermissionDenied):
            rewrite(r, people[who])
    assert not can_write_department_text(r, people["chief"], "coordinator")


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.INFO_REQUESTED, Status.CHIEF_DECISION])
def test_open_states_take_the_departments_text(make_request, people, status):
    r = make_request(status)
    assert rewrite(r, people["coordinator"]) == "Part 3, Item 6"


def test_bad_values_are_refused_with_a_message(make_request, people):
    r = make_request(Status.CRIME_CHECK)
    cases = [
        (3, "6", "  ", "required"),
        (3, "2.a", "14/03/2025", "mm/dd/yyyy"),
        (3, "2.a", timezone.localdate() + timedelta(days=1), "future"),
        (3, "6", "x" * 10_001, "under"),
    ]
    for part, number, value, message in cases:
        with pytest.raises(ValidationError, match=message):
            rewrite(r, people["coordinator"], part=part, number=number, value=value)
    assert rewrite(r, people["coordinator"], number="2.a", value=date(2025, 3, 1))
    assert formmap.department_values(r)[(3, "2.a")] == "03/01/2025"


def test_another_organisations_request_is_not_found(client, make_request, people):
    r = make_request(Status.CERTIFIED)
    for who in ("other_advocate", "other_detective"):
        sign_in(client, people[who])
        url = f"/requests/{r.reference}/department-text/3/6/"
        assert client.get(url).status_code == 404
        response = client.post(f"/requests/{r.reference}/department-text/adopt/", {"part": "3"})
        assert response.status_code == 404


# --- certify needs the department's text ---


def test_certify_is_refused_while_items_lack_the_departments_text(make_request, people):
    r = make_request(Status.CHIEF_DECISION, department_text=False)
    with pytest.raises(errors.TransitionRefused) as refused:
        issuing.request_certify(request=r, actor=people["chief"])
    message = str(refused.value)
    assert "still need the department's text" in message
    assert "Part 3, Item 6 (Description of the criminal activity" in message
    assert "Part 2, Item 9 (Case Number)" in message
    assert "Part 3, Item 2.b" not in message  # optional, nothing proposed
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION
    department_text.department_text_adopt(request=r, actor=people["chief"], items=adoptable(r))
    r = issuing.request_certify(request=r, actor=people["chief"])
    assert r.status == Status.AWAITING_INK


# --- pages ---


def test_the_staff_page_adopts_a_part_and_rewrites_an_item(client, make_request, people):
    r = make_request(Status.CRIME_CHECK, department_text=False)
    sign_in(client, people["coordinator"])
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Adopt all proposals in Part 3" in page and "To adopt" in page
    assert f'href="/requests/{r.reference}/department-text/3/6/"' in page
    response = client.post(f"/requests/{r.reference}/department-text/adopt/", {"part": "3"})
    assert response.status_code == 302
    assert (3, "6") in formmap.department_values(r)
    assert (2, "9") not in formmap.department_values(r)  # only the Part asked for

    url = f"/requests/{r.reference}/department-text/3/2.a/"
    bad = client.post(url, {"value": "not a date"})
    assert bad.status_code == 400
    assert "Enter a valid date" in bad.content.decode()
    good = client.post(url, {"value": "2025-03-01"})
    assert good.status_code == 302
    assert formmap.department_values(r)[(3, "2.a")] == "03/01/2025"
    page = client.get(r.get_absolute_url()).content.decode()
    assert "03/01/2025" in page and "written by the department" in page
    # Nothing to rewrite in Part 1 or in a Part that does not exist.
    assert client.get(f"/requests/{r.reference}/department-text/1/2.a/").status_code == 404
    assert client.get(f"/requests/{r.reference}/department-text/9/1/").status_code == 404
    bad_part = client.post(f"/requests/{r.reference}/department-text/adopt/", {"part": "x"})
    assert bad_part.status_code == 302


def test_the_detective_cannot_open_the_coordinators_part(client, make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW)
    sign_in(client, people["detective"])
    assert client.get(f"/requests/{r.reference}/department-text/3/6/").status_code == 403
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Adopt all proposals in Part 3" not in page and "Rewrite" not in page


def test_the_advocate_sees_the_final_text_only_after_the_decision(
    client, make_request, certify_and_ink, people
):
    open_request = make_request(Status.CHIEF_DECISION)
    rewrite(open_request, people["chief"])
    sign_in(client, people["advocate"])
    page = client.get(open_request.get_absolute_url()).content.decode()
    assert "household member" not in page and "department's text" not in page
    assert client.get(f"/requests/{open_request.reference}/department-text/3/6/").status_code == 403

    decided = make_request(Status.CHIEF_DECISION)
    rewrite(decided, people["chief"])
    issuing.request_certify(request=decided, actor=people["chief"])
    page = client.get(decided.get_absolute_url()).content.decode()
    assert "household member" not in page  # awaiting the ink: not final for the requester
    record_ink(decided, people["coordinator"])
    page = client.get(decided.get_absolute_url()).content.decode()
    assert "The department's text on the form" in page and "household member" in page
    assert "Requester's proposal" not in page and "Rewrite" not in page


def test_the_case_page_queries_do_not_grow_with_the_departments_text(client, make_request, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, people["chief"])
    counts = []
    for rewritten in (0, 3):
        r = make_request(Status.CHIEF_DECISION)
        for number in ("6", "7", "4.b")[:rewritten]:
            rewrite(r, people["chief"], number=number, value=f"Department text {number}")
        client.get(r.get_absolute_url())
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(r.get_absolute_url()).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    texts = [q["sql"] for q in ctx.captured_queries if "cases_departmenttext" in q["sql"]]
    assert len(texts) == 1  # prefetched once for the whole page


def test_a_designee_acting_as_certifying_official_writes_any_part(make_request, people, agency):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import designations

    r = make_request(Status.CHIEF_DECISION)
    with pytest.raises(PermissionDenied):
        rewrite(r, people["undesignated_chief"])
    designations.designation_add(
        actor=people["chief"],
        agency=agency,
        user=people["undesignated_chief"],
        family_name="Rossi",
        given_name="Ana",
        title="Lieutenant",
        designated_on=timezone.localdate(),
        upload=SimpleUploadedFile("d.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    r = type(r).objects.get(pk=r.pk)
    assert rewrite(r, people["undesignated_chief"]) == "Part 3, Item 6"


def test_the_rewrite_page_is_in_the_access_log(client, make_request, people):
    from cases.models import AccessLog

    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["coordinator"])
    assert client.get(f"/requests/{r.reference}/department-text/3/6/").status_code == 200
    assert AccessLog.objects.filter(request=r, user=people["coordinator"]).exists()


@pytest.mark.parametrize(
    "kind, options, value, expected",
    [
        ("choice", ("Yes", "No"), "Yes", "Yes"),
        ("yesno", (), "No", "No"),
        ("checkboxes", ("Abduction", "Stalking"), ["Stalking", "Stalking"], ["Stalking"]),
        ("text", (), "  25-001234 \n A ", "25-001234 A"),
        (
            "rows",
            (),
            [{"name": " Van Nguyen ", "relationship": "Husband", "involvement": "Perpetrator"}],
            [{"name": "Van Nguyen", "relationship": "Husband", "involvement": "Perpetrator"}],
        ),
    ],
)
def test_values_of_every_kind_take_the_form_maps_shape(kind, options, value, expected):
    """Form-map generic: an item of any kind (e.g. of the I-914 Supplement B map)."""
    item = formmap.Item(9, "1", "Any item", kind, "", options=options, attested=True)
    assert department_text.clean_value(item, value) == expected


@pytest.mark.parametrize(
    "kind, options, value",
    [("choice", ("Yes", "No"), "Maybe"), ("checkboxes", ("Stalking",), ["Arson"])],
)
def test_values_outside_the_printed_boxes_are_refused(kind, options, value):
    item = formmap.Item(9, "1", "Any item", kind, "", options=options, attested=True)
    with pytest.raises(ValidationError):
        department_text.clean_value(item, value)


def test_the_rows_form_reads_one_person_a_line():
    from cases.forms_department import DepartmentTextForm

    item = formmap.Item(5, "2-4", "Family members", "rows", "family_rows", attested=True)
    form = DepartmentTextForm({"value": "Van Nguyen | Husband | Perpetrator\n\n"}, item=item)
    assert form.is_valid()
    assert form.cleaned_data["value"] == [
        {"name": "Van Nguyen", "relationship": "Husband", "involvement": "Perpetrator"}
    ]
    bad = DepartmentTextForm({"value": "Van Nguyen, Husband"}, item=item)
    assert not bad.is_valid() and "full name | relationship" in bad.errors["value"][0]
