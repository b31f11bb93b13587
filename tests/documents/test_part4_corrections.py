"""Forms issued before the fix, with I-918B Part 4 answered backwards: found and put right.

The old fill is reproduced exactly: item 3 ticked "Yes" for a cooperative victim (the old
question was "has NOT refused") and the explanation written into item 4's box.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from cases.audit import verify_chain
from cases.documents import corrections, issuing
from cases.errors import TransitionRefused
from cases.models import CaseEvent, FormCorrection, IssuedForm, Status
from cases.uscis import formmap
from cases.uscis import i918b_fields as m
from tests.conftest import record_ink, sign_in

pytestmark = pytest.mark.django_db

EXPLANATION = "Gave a statement and identified the suspect."


@contextmanager
def the_old_fill(monkeypatch: Any):
    """Fill as the tracker did before: "has not refused: Yes" ticked into item 3, and the
    explanation and item 4 in each other's boxes."""
    with monkeypatch.context() as patch:
        patch.setitem(formmap.RESOLVERS, "refused_or_failed_label", lambda r: "Yes")
        fields = dict(m.TEXT_FIELDS)
        fields[(4, m.EXPLANATION)], fields[(4, "4")] = fields[(4, "4")], fields[(4, m.EXPLANATION)]
        patch.setattr(m, "TEXT_FIELDS", fields)
        yield


def certified_the_old_way(make_request, people, monkeypatch) -> Any:
    r = make_request(Status.CHIEF_DECISION, refused_or_failed="no")
    with the_old_fill(monkeypatch):
        return issuing.request_certify(request=r, actor=people["chief"])


def values(pdf: bytes) -> dict[str, str]:
    return {n: str(f.get("/V", "")) for n, f in (PdfReader(io.BytesIO(pdf)).get_fields()).items()}


def test_a_form_filled_today_is_right(make_request, people):
    r = issuing.request_certify(request=make_request(Status.CHIEF_DECISION), actor=people["chief"])
    assert corrections.part4_problems(IssuedForm.objects.current_for(r)) == []
    assert corrections.flag(IssuedForm.objects.current_for(r)) is None


def test_an_unsigned_wrong_form_is_voided_and_issued_again_in_one_step(
    make_request, people, monkeypatch
):
    r = certified_the_old_way(make_request, people, monkeypatch)
    old = IssuedForm.objects.current_for(r)
    problems = corrections.part4_problems(old)
    assert len(problems) == 3
    assert "“Yes”; the department's answer is “No”" in problems[0]
    correction = corrections.flag(old, actor=people["chief"])
    assert correction is not None and not correction.signed_in_ink and not correction.corrected_pdf
    assert list(corrections.candidates()) == []  # flagged once
    # Wrong role: refused, nothing changed.
    with pytest.raises(TransitionRefused):
        corrections.request_reissue_corrected(request=r, actor=people["coordinator"])
    assert IssuedForm.objects.current_for(r) == old
    new = corrections.request_reissue_corrected(request=r, actor=people["chief"])
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK  # the decision stands; still waiting for the ink
    assert IssuedForm.objects.current_for(r) == new and hasattr(old, "void")
    assert new.verification_code != old.verification_code
    assert corrections.part4_problems(new) == []
    filled = values(new.data)
    yes, no = (m.choice_boxes_from(new.template)[(4, "3")][o] for o in ("Yes", "No"))
    assert filled[yes] == "/Off" and filled[no] != "/Off"
    assert filled[m.TEXT_FIELDS[(4, m.EXPLANATION)][0]] == EXPLANATION
    correction.refresh_from_db()
    assert correction.replacement == new and correction.resolved_by == people["chief"]
    kinds = list(
        r.events.filter(kind=CaseEvent.Kind.FORM_CORRECTION).values_list("data", flat=True)
    )
    assert len(kinds) == 2 and kinds[1]["voided_verification_code"] == old.verification_code
    assert verify_chain()[1] is None
    # Twice: refused, nothing changed.
    with pytest.raises(TransitionRefused):
        corrections.request_reissue_corrected(request=r, actor=people["chief"])


def test_a_signed_wrong_form_is_flagged_with_a_corrected_form_for_ink(
    make_request, people, monkeypatch
):
    r = certified_the_old_way(make_request, people, monkeypatch)
    record_ink(r, people["coordinator"])
    r.refresh_from_db()
    form = IssuedForm.objects.current_for(r)
    correction = corrections.flag(form, actor=None)
    assert correction is not None and correction.signed_in_ink
    corrected = correction.corrected_data
    assert corrected.startswith(b"%PDF-") and b"/ByteRange" in corrected  # sealed
    filled = values(corrected)
    yes, no = (m.choice_boxes_from(form.template)[(4, "3")][o] for o in ("Yes", "No"))
    assert filled[yes] == "/Off" and filled[no] != "/Off"
    for name in m.INK_ONLY_ITEMS.values():
        assert filled.get(name, "") in ("", "None")  # left for the ink
    # The signed original stays what it is, in force, with its ink record.
    assert IssuedForm.objects.current_for(r) == form and not hasattr(form, "void")
    with pytest.raises(TransitionRefused):  # an unsigned re-issue does not apply
        corrections.request_reissue_corrected(request=r, actor=people["chief"])
    with pytest.raises(TransitionRefused, match="Say how"):
        corrections.request_resolve_signed(request=r, actor=people["chief"], note=" ")
    done = corrections.request_resolve_signed(
        request=r, actor=people["chief"], note="Signed 12/08/2026, mailed to the attorney."
    )
    assert done.resolved_at is not None and corrections.open_corrections(r) == []


def test_the_command_lists_then_flags_then_reissues(make_request, people, monkeypatch):
    r = certified_the_old_way(make_request, people, monkeypatch)
    out = io.StringIO()
    call_command("correct_part4_forms", stdout=out)
    assert r.reference in out.getvalue() and "nothing changed" in out.getvalue()
    assert FormCorrection.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("correct_part4_forms", "--reissue-unsigned")
    out = io.StringIO()
    call_command("correct_part4_forms", "--apply", "--reissue-unsigned", "--by", "chief",
                 stdout=out)  # fmt: skip
    assert "1 wrong forms, 1 flagged, 1 re-issued" in out.getvalue()
    assert corrections.part4_problems(IssuedForm.objects.current_for(r)) == []
    out = io.StringIO()
    call_command("correct_part4_forms", "--apply", stdout=out)  # nothing left to do
    assert "0 wrong forms" in out.getvalue()


def test_the_case_page_tells_the_chief_and_the_steps_work_from_it(
    client, make_request, people, monkeypatch
):
    r = certified_the_old_way(make_request, people, monkeypatch)
    corrections.flag(IssuedForm.objects.current_for(r))
    url = f"/requests/{r.reference}/"
    sign_in(client, people["chief"])
    page = client.get(url).content.decode()
    assert (
        "The issued form must be corrected" in page and "Void and issue the corrected form" in page
    )
    client.logout()
    # Another organisation's advocate: not found; the coordinator: refused, nothing changed.
    sign_in(client, people["other_advocate"])
    post = f"/requests/{r.reference}/form/correction/"
    assert client.post(post, {"action": "reissue"}).status_code == 404
    client.logout()
    sign_in(client, people["coordinator"])
    client.post(post, {"action": "reissue"})
    assert FormCorrection.objects.get().resolved_at is None
    assert client.get(f"/requests/{r.reference}/form/corrected.pdf").status_code == 404
    client.logout()
    sign_in(client, people["chief"])
    response = client.post(post, {"action": "reissue"})
    assert response.status_code == 302
    assert FormCorrection.objects.get().resolved_at is not None
    assert "The issued form must be corrected" not in client.get(url).content.decode()


def test_the_corrected_form_of_a_signed_one_is_for_the_department(
    client, make_request, people, monkeypatch
):
    r = certified_the_old_way(make_request, people, monkeypatch)
    record_ink(r, people["coordinator"])
    corrections.flag(IssuedForm.objects.current_for(r))
    sign_in(client, people["advocate"])
    page = client.get(f"/requests/{r.reference}/").content.decode()
    assert "The issued form must be corrected" in page and "corrected.pdf" not in page
    assert client.get(f"/requests/{r.reference}/form/corrected.pdf").status_code == 403
    client.logout()
    sign_in(client, people["coordinator"])
    response = client.get(f"/requests/{r.reference}/form/corrected.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    client.logout()
    sign_in(client, people["chief"])
    post = f"/requests/{r.reference}/form/correction/"
    client.post(post, {"action": "resolve", "note": ""})
    assert FormCorrection.objects.get().resolved_at is None
    client.post(post, {"action": "resolve", "note": "Signed and mailed to the attorney."})
    assert FormCorrection.objects.get().resolution == "Signed and mailed to the attorney."
