"""The official form filled before the decision is a draft: "DRAFT - NOT ISSUED - DO NOT SIGN"
on every page and in its metadata; only the form issued at the decision is unmarked. The
review copy is that draft, shown page by page on the case page to the department."""

from __future__ import annotations

import io
import re
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from cases.documents import (
    child_limits,
    draft,
    issuing,
    official,
    page_images,
    review_pages,
    verification,
)
from cases.models import AccessLog, IssuedForm, Status
from tests.conftest import sign_in
from tests.documents.test_i914b import T_FIELDS
from tests.documents.uscis_file import i918b_01_20_25_names

MARK = draft.DRAFT_MARK
LONG = (
    "On the night of March 14 the victim called 911 from a neighbour's phone; officers found "
    "her with injuries to the arms and face and took her statement at the scene. " * 40
)[:5000]


def pdftotext_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as poppler reads it (what a printer's user sees as text)."""
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    pages = []
    for n in range(1, count + 1):
        done = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
        )
        pages.append(" ".join(done.stdout.split()))
    return pages


def info_text(pdf: bytes) -> str:
    info = PdfReader(io.BytesIO(pdf)).metadata or {}
    return " | ".join(f"{k}={v}" for k, v in info.items())


def assert_draft(pdf: bytes, tmp_path: Path, *, pages: int | None = None) -> list[str]:
    texts = pdftotext_pages(pdf, tmp_path)
    if pages is not None:
        assert len(texts) == pages
    for n, text in enumerate(texts, 1):
        # the top and the bottom margin of every page, each twice (and the diagonal, which
        # pdftotext -layout cuts into pieces)
        assert text.count(MARK) >= 4, f"page {n}: {text[:200]}"
    assert float(pdf[5:8]) >= 1.4  # the diagonal's transparency
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert MARK in info["/Title"] and MARK in info["/Subject"]
    meta = info_text(pdf)
    assert "issued by" not in meta and "ink signature" not in meta
    assert "verification" not in meta.lower()
    return texts


def test_a_form_filled_before_the_decision_is_a_draft_on_every_page(make_request, tmp_path):
    r = make_request(Status.CHIEF_DECISION, criminal_activity_description=LONG)
    pdf = issuing.filing_copy(r)
    texts = assert_draft(pdf, tmp_path)
    template_pages = len(PdfReader(io.BytesIO(official.template_for(r).data)).pages)
    assert len(texts) > template_pages  # the continuation sheets are marked too
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    assert fields and all(int(f.get("/Ff", 0)) & 1 for f in fields.values())  # read-only


def test_the_form_issued_at_the_decision_is_not_marked(make_request, people, tmp_path):
    r = make_request(Status.CHIEF_DECISION)
    issuing.request_certify(request=r, actor=people["chief"])
    issued = IssuedForm.objects.get(request=r).data
    assert not any(MARK in text for text in pdftotext_pages(issued, tmp_path))
    meta = info_text(issued)
    assert MARK not in meta and "issued by" in meta and "for the ink signature" in meta


@pytest.mark.parametrize(
    "status", [Status.RECEIVED, Status.CHIEF_DECISION, Status.DECLINED, Status.WITHDRAWN]
)
def test_the_command_writes_a_draft_of_an_undecided_or_declined_request(
    status, make_request, tmp_path
):
    r = make_request(status)
    out = tmp_path / "form.pdf"
    said = io.StringIO()
    call_command("i918b", r.reference, "--out", str(out), stdout=said)
    assert "DRAFT - NOT ISSUED - DO NOT SIGN" in said.getvalue()
    assert_draft(out.read_bytes(), tmp_path)
    fields = PdfReader(out).get_fields() or {}
    assert any(f.get("/V") == "García" for f in fields.values())  # filled all the same


def test_the_command_writes_the_issued_form_unmarked(make_request, people, tmp_path):
    r = make_request(Status.CHIEF_DECISION)
    issuing.request_certify(request=r, actor=people["chief"])
    out = tmp_path / "form.pdf"
    call_command("i918b", r.reference, "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes() == IssuedForm.objects.get(request=r).data
    assert MARK not in " ".join(pdftotext_pages(out.read_bytes(), tmp_path))


def test_the_t_command_writes_a_draft_too(make_request, t_template, tmp_path):
    r = make_request(Status.CHIEF_DECISION, reference="MPD-TV-1999-0001", **T_FIELDS)
    out = tmp_path / "form.pdf"
    call_command("i914b", r.reference, "--out", str(out), stdout=io.StringIO())
    assert_draft(out.read_bytes(), tmp_path)


# --- the review copy: download and page images ---


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.headings: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))
        self._in_heading = tag in ("h2", "h3")

    def handle_data(self, data: str) -> None:
        if self._in_heading and data.strip():
            self.headings.append(data.strip())
            self._in_heading = False


def page_images_of(client, r) -> list[dict[str, str | None]]:
    parser = Images()
    parser.feed(client.get(r.get_absolute_url()).content.decode())
    return [i for i in parser.images if "/form/review-copy/page-" in (i.get("src") or "")]


def test_the_case_page_shows_the_draft_pages_with_alt_text(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    parser = Images()
    html = client.get(r.get_absolute_url()).content.decode()
    parser.feed(html)
    images = [i for i in parser.images if "/form/review-copy/page-" in (i.get("src") or "")]
    count = len(PdfReader(io.BytesIO(issuing.filing_copy(r))).pages)
    assert len(images) == count >= 5
    for n, image in enumerate(images, 1):
        assert image["alt"] == f"Page {n} of {count} of the draft Form I-918 Supplement B"
        assert image["width"] and image["height"]
    assert "The draft Form I-918 Supplement B, page by page" in parser.headings
    assert 'id="draft-download"' in html
    png = client.get(images[0]["src"])
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG") and "no-store" in png["Cache-Control"]


def test_the_page_images_follow_the_review_copys_access_rule(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    page = reverse("form_review_page", args=[r.reference, 1])
    for who in ("chief", "coordinator", "detective"):
        sign_in(client, people[who])
        response = client.get(page)
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG"), who
        assert len(page_images_of(client, r)) >= 5, who
    assert client.get(reverse("form_review_page", args=[r.reference, 99])).status_code == 404
    sign_in(client, people["advocate"])  # the request's own advocate: department-only content
    assert client.get(page).status_code == 403
    assert page_images_of(client, r) == []
    sign_in(client, people["other_advocate"])  # another organisation's request
    assert client.get(page).status_code == 404
    client.logout()
    response = client.get(page)
    assert response.status_code == 302 and not response.content.startswith(b"\x89PNG")
    rows = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FORM)
    assert {(a.username, a.detail) for a in rows} >= {
        ("chief", "review copy I-918B page 1"),
        ("coordinator", "review copy I-918B page 1"),
    }
    assert not rows.filter(username__in=["advocate", "other_advocate", ""]).exists()


def test_the_review_download_is_the_draft_or_our_layout_without_a_template(
    client, make_request, people, tmp_path
):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    response = client.get(reverse("form_review_pdf", args=[r.reference]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-I-918B-draft.pdf"')
    assert_draft(response.content, tmp_path)
    official.template_for(r).__class__.objects.update(active=False)
    response = client.get(reverse("form_review_pdf", args=[r.reference]))
    assert "REVIEW COPY - NOT FOR FILING" in " ".join(pdftotext_pages(response.content, tmp_path))
    assert page_images_of(client, r) == []  # no template: no pages to show


def test_busy_renderers_answer_try_again(client, make_request, people, settings, monkeypatch):
    r = make_request(Status.CHIEF_DECISION)
    settings.UVISA_RENDER_CONCURRENCY = 1
    render = page_images.render
    monkeypatch.setattr(page_images, "render", lambda *a, **k: render(*a, **k, wait_seconds=0))
    sign_in(client, people["chief"])
    with child_limits.slot("render", 1, 0):  # another request holds the only slot
        response = client.get(reverse("form_review_page", args=[r.reference, 1]))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    response = client.get(reverse("form_review_page", args=[r.reference, 1]))
    assert response.status_code == 200


def test_a_draft_is_not_genuine_on_the_verification_page(make_request):
    verdict = verification.verify_pdf(issuing.filing_copy(make_request(Status.CHIEF_DECISION)))
    assert verdict.status != verification.GENUINE and verdict.form is None


def test_a_review_copy_or_draft_is_called_what_it_is_not_altered(client, make_request, people):
    """The department's own unissued copies (never sealed, not for signature or filing): the
    review copy carries the code the issued form carries, and is still no forgery of it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    review = issuing.review_pdf(r)  # the same verification code as the issued form
    draft = issuing.filing_copy(make_request(Status.CHIEF_DECISION))
    for data, what in ((review, "a review copy"), (draft, "a DRAFT")):
        verdict = verification.verify_pdf(data)
        assert verdict.status == verification.NOT_ISSUED and verdict.form is None
        assert verdict.reason.startswith(what) and "not a file it issued" in verdict.reason
        assert verdict.line().startswith("REVIEW COPY OR DRAFT, NOT ISSUED: ")
        upload = SimpleUploadedFile("copy.pdf", data, "application/pdf")
        page = client.post("/verify/", {"file": upload}).content.decode()
        assert "Result: REVIEW COPY OR DRAFT, NOT ISSUED" in page and "ALTERED" not in page
        assert "GENUINE" not in page
    # The issued form itself is still genuine, and a changed one still altered.
    assert verification.verify_pdf(r.issued_form.data).status == verification.GENUINE


def test_a_changed_request_gets_new_page_images(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    before = review_pages.fingerprint(r)
    r.family_name = "Gómez"
    r.save()
    assert review_pages.fingerprint(r) != before


# --- USCIS's own file ---


def test_the_draft_on_uscis_file_marks_every_page_and_hides_no_field(
    make_request, artifacts, tmp_path
):
    official.load_template(
        i918b_01_20_25_names(), form_type="I-918B", edition="01/20/25", actor=None
    )
    r = make_request(Status.CHIEF_DECISION, criminal_activity_description=LONG)
    pdf = issuing.filing_copy(r)
    (artifacts / "i918b-uscis-draft.pdf").write_bytes(pdf)
    texts = assert_draft(pdf, tmp_path)
    assert "Supplement B, U Nonimmigrant Status Certification" in texts[0]
    # The margin lines lie outside every field of USCIS's pages: they cover no value.
    reader = PdfReader(io.BytesIO(pdf))
    band = draft.MARGIN_BASELINE + draft.MARGIN_FONT[1]
    for page in reader.pages:
        height = float(page.mediabox.height)
        for annot in page.get("/Annots", []):
            widget = annot.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            _x0, y0, _x1, y1 = (float(v) for v in widget["/Rect"])
            assert band < min(y0, y1) and max(y0, y1) < height - band, widget.get("/T")
    started = time.perf_counter()
    pngs = page_images.render(pdf, dpi=120)
    per_page = (time.perf_counter() - started) / len(pngs)
    assert len(pngs) == len(texts)
    for n, png in enumerate(pngs, 1):
        (artifacts / f"i918b-uscis-draft-page-{n}.png").write_bytes(png)
        assert png.startswith(b"\x89PNG") and len(png) < 400_000
    print(f"rendered {len(pngs)} pages, {per_page * 1000:.0f} ms a page")
    assert re.search(r"Page 1 of \d", texts[0])


def test_the_renderer_stays_within_its_limits(make_request):
    pdf = issuing.filing_copy(make_request(Status.CHIEF_DECISION))
    assert len(page_images.render(pdf, dpi=30, page=2)) == 1
    with pytest.raises(page_images.RenderFailed):  # 2400 dpi: a 2 GB bitmap in 300 MB
        page_images.render(pdf, dpi=2400, page=1, memory_mb=300)
