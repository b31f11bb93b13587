"""Supplement B as data and as a PDF, read back with pypdf."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from cases import errors
from cases.documents import issuing
from cases.documents.issuing import review_pdf, verification_code_for
from cases.documents.render import split_text
from cases.models import CaseEvent, FamilyMember, IssuedForm, Status
from cases.uscis import formmap

pytestmark = pytest.mark.django_db


def pages_text(pdf: bytes) -> list[str]:
    return [
        unicodedata.normalize("NFC", page.extract_text() or "")
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


RUNNING = re.compile(
    r"Form I-918 Supplement B · Edition \S+ · [^\n]*|Request \S+ · (REVIEW COPY - NOT FOR FILING)"
    r"|Verification code \S+ · check at \S+|Page \d+\s*$|REVIEW COPY - NOT FOR FILING",
    re.MULTILINE,
)


def body(pages: list[str]) -> str:
    """The pages' text without running headers, footers and the diagonal mark."""
    return "\n".join(RUNNING.sub("", page) for page in pages)


def test_the_map_covers_parts_1_to_6_and_part_7_takes_continuations():
    edition = formmap.EDITIONS["01/20/25"]
    assert [p.number for p in edition.parts] == [1, 2, 3, 4, 5, 6]
    assert edition.additional_part == 7
    numbers = {(i.part, i.number) for p in edition.parts for i in p.items}
    for expected in [(1, "1"), (1, "2.a"), (1, "5"), (2, "1"), (2, "4.a"), (2, "10"), (3, "1")]:
        assert expected in numbers
    part3_to_6 = [(3, "3"), (3, "6"), (3, "7"), (4, "3"), (4, "4"), (5, "1"), (6, "2"), (6, "3")]
    for expected in part3_to_6:
        assert expected in numbers


def test_a_complete_request_has_nothing_missing(make_request):
    r = make_request(Status.CHIEF_DECISION)
    assert formmap.missing_items(r) == []
    assert formmap.is_complete(r)


def test_missing_items_are_named_by_part_and_item(make_request):
    r = make_request(
        Status.CHIEF_DECISION,
        date_of_birth=None,
        report_number="",
        occurred_in_us="no",
        incident_location="",
        family_members_implicated="yes",
        helpfulness_explanation="",
    )
    missing = formmap.missing_items(r)
    assert "Part 1, Item 4 (Date of Birth (mm/dd/yyyy))" in missing
    assert any(m.startswith("Part 2, Item 9 ") for m in missing)
    assert any(m.startswith("Part 4, Item 3 (explanation) ") for m in missing)
    # "Yes" to Part 5 item 1 makes the rows required; "No" to Part 3 item 4.a drops 4.b.
    assert any(m.startswith("Part 5, Item 2-4 ") for m in missing)
    assert not any(m.startswith("Part 3, Item 4.b ") for m in missing)


def test_an_unknown_edition_is_reported_not_crashed(make_request):
    r = make_request(Status.CHIEF_DECISION, form_edition="04/01/24")
    assert formmap.missing_items(r) == [
        "No form map for I-918B edition '04/01/24'; known: I-918B 01/20/25, I-914B 01/20/25, "
        "I-914B 02/27/17."
    ]


def test_the_review_copy_prints_every_filled_item_with_its_number(make_request, artifacts):
    r = make_request(
        Status.CHIEF_DECISION,
        a_number="123456789",
        middle_name="Luz",
        fbi_or_sid_number="SID-778",
        helpfulness_other="Translated for other witnesses.",
        additional_incident_dates=["2025-03-20"],
    )
    pdf = review_pdf(r)
    (artifacts / "i918b-review-copy.pdf").write_bytes(pdf)
    text = body(pages_text(pdf))
    flat = squash(text)
    # Walk the form in order: each Part heading, then each item's number, with the item's value
    # between its number and the next item's number.
    position, checked = 0, 0
    for part, items in formmap.fill(r):
        position = flat.index(squash(f"Part {part.number}. {part.title}"), position)
        for index, filled in enumerate(items):
            start = flat.index(squash(f"Item {filled.item.number}."), position)
            following = items[index + 1].item.number if index + 1 < len(items) else None
            end = (
                flat.index(squash(f"Item {following}."), start + 1)
                if following
                else flat.index("Part", start)
            )
            segment = flat[start:end]
            if filled.item.kind in ("text", "date", "long") and filled.value:
                assert squash(filled.value) in segment, filled.ref
                checked += 1
            elif filled.item.kind == "choice" and filled.value:
                assert squash(f"[X] {filled.value}") in segment, filled.ref
                checked += 1
            elif filled.item.kind == "checkboxes":
                assert all(squash(f"[X] {name}") in segment for name in filled.value)
                assert segment.count("[X]") == len(filled.value) == 1
                checked += 1
            position = start
    assert checked >= 30
    assert "Part 7. Additional Information" in text
    # Empty optional answers print as USCIS expects, never blank.
    assert re.search(r"Item 3\.a\.\s+Other Names Used: Family Name \(Last\s+Name\)\s+None", text)
    assert re.search(r"Item 5\.b\.\s+Agency Address: Apt\./Ste\./Flr\.\s+Number\s+N/A", text)


def test_every_review_copy_page_has_reference_code_and_review_mark(make_request):
    r = make_request(Status.CHIEF_DECISION, criminal_activity_description="word " * 1500)
    pages = pages_text(review_pdf(r))
    assert len(pages) >= 3
    code = verification_code_for(r)
    for page in pages:
        assert r.reference in page and code in page and "REVIEW COPY - NOT FOR FILING" in page


def test_markup_in_user_text_is_printed_literally(make_request):
    r = make_request(
        Status.CHIEF_DECISION,
        given_name="<b>Ana</b>",
        criminal_activity_description='Fish & chips <script>alert("x")</script> <para>',
        injury_description="A < B & C > D",
    )
    text = "\n".join(pages_text(review_pdf(r)))
    assert "<b>Ana</b>" in text
    assert '<script>alert("x")</script>' in text and "Fish & chips" in text
    assert "A < B & C > D" in text


@pytest.mark.parametrize(
    ("family", "given", "middle"),
    [
        ("Nguyễn", "Thị Hương", "Phạm"),  # Vietnamese
        ("Désir", "Wòch", "Pòl-Èmile"),  # Haitian Creole
        ("Peña Ibáñez", "María José", "Ñúñez"),  # Spanish
    ],
)
def test_accented_names_print_correctly(make_request, family, given, middle):
    # Decomposed input (e + combining marks) must come out the same as precomposed text.
    r = make_request(
        Status.CHIEF_DECISION,
        family_name=unicodedata.normalize("NFD", family),
        given_name=given,
        middle_name=middle,
    )
    text = "\n".join(pages_text(review_pdf(r)))
    for name in (family, given, middle):
        assert unicodedata.normalize("NFC", name) in text


def test_a_long_description_continues_in_part_7(make_request):
    words = [f"w{n:04d}" for n in range(850)]  # 5,099 characters, every word distinct
    description = " ".join(words)[:5000]
    assert len(description) == 5000
    r = make_request(Status.CHIEF_DECISION, criminal_activity_description=description)
    pages = pages_text(review_pdf(r))
    text = "\n".join(pages)
    part7 = text[text.index("Part 7. Additional Information") :]
    item6_page = next(
        n for n, page in enumerate(pages, 1) if "Description of the criminal activity" in page
    )
    assert f"Page Number {item6_page}, Part Number 3, Item Number 6" in part7
    assert "(continued in Part 7)" in text
    # Every character of the description is printed: the start in place, the rest in Part 7.
    shown, rest = split_text(description, 700)
    assert squash(shown + rest) == squash(description) and len(rest) > 4000
    assert squash(shown + "… (continued in Part 7)") in squash(text)
    assert squash(rest) in squash(body(pages))
    assert "w0000" not in part7 and description.split()[-1] in part7


def test_more_family_rows_than_the_form_has_continue_in_part_7(make_request):
    r = make_request(Status.CHIEF_DECISION, family_members_implicated="yes")
    for n in range(5):
        FamilyMember.objects.create(
            request=r, family_name=f"Fam{n}", given_name="G", relationship="Cousin", involvement="X"
        )
    text = "\n".join(pages_text(review_pdf(r)))
    part7 = text[text.index("Part 7. Additional Information") :]
    assert "Part Number 5, Item Number 2-4" in part7
    assert "G Fam3" in part7 and "G Fam4" in part7 and "G Fam0" not in part7


def test_certify_is_blocked_while_a_required_item_is_empty(make_request, people):
    r = make_request(Status.CHIEF_DECISION, date_of_birth=None, injury_description="")
    events = CaseEvent.objects.filter(request=r).count()
    with pytest.raises(errors.TransitionRefused) as refused:
        issuing.request_certify(request=r, actor=people["chief"])
    assert "Part 1, Item 4" in str(refused.value) and "Part 3, Item 7" in str(refused.value)
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and r.signed_on is None
    assert CaseEvent.objects.filter(request=r).count() == events
    assert not IssuedForm.objects.filter(request=r).exists()


def test_the_case_page_lists_missing_items_for_department_staff(client, make_request, people):
    from tests.conftest import sign_in

    r = make_request(Status.CHIEF_DECISION, gender="")
    sign_in(client, people["chief"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Part 1, Item 5 (Gender)" in html
    assert "step/certify/" not in html  # the guard hides the button too
    client.logout()
    sign_in(client, people["advocate"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Part 1, Item 5 (Gender)" not in html


def test_review_copy_pages_render_to_png(make_request, artifacts, tmp_path):
    r = make_request(
        Status.CHIEF_DECISION,
        family_name="Nguyễn",
        given_name="Thị Hương",
        criminal_activity_description="The victim reported a sustained pattern of abuse. " * 90,
        additional_incident_dates=[date(2025, 4, 2).isoformat()],
    )
    pdf_path = tmp_path / "draft.pdf"
    pdf_path.write_bytes(review_pdf(r))
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(pdf_path), str(artifacts / "i918b-review-copy-page")],
        check=True,
    )
    pngs = sorted(artifacts.glob("i918b-review-copy-page-*.png"))
    assert len(pngs) >= 3 and all(p.stat().st_size > 10_000 for p in pngs)
