"""A page offers a write exactly when the service behind it accepts the call.

Both ask the same function of cases/permissions.py. For every write the case page offers,
every persona and every state, the page's flag (from the rendered page's context) equals
the service's answer (called in a transaction that is rolled back). The first check is the
one a review found broken: the coordinator's upload on a declined request.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases import errors, services
from cases.models import CaseEvent, Document, Status
from tests.conftest import PERSONAS, sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("letter.pdf", PDF, "application/pdf")


WRITES = {
    "can_add_document": lambda r, u, people: services.request_add_document(
        request=r, actor=u, upload=_pdf(), kind=Document.Kind.OTHER
    ),
    "can_edit": lambda r, u, people: services.request_update(
        request=r, actor=u, values={"incident_location": "Medford, MA, Riverside Ave"}
    ),
    "can_crime_check": lambda r, u, people: services.request_record_crime_check(
        request=r, actor=u, categories=r.crime_categories.all(), statutes=[], values={}
    ),
    "can_assign": lambda r, u, people: services.request_assign_detective(
        request=r, actor=u, detective=people["other_detective"]
    ),
    "can_helpfulness": lambda r, u, people: services.request_record_helpfulness(
        request=r, actor=u, values={}
    ),
    "can_recertify": lambda r, u, people: services.request_create_recertification(
        original=r, actor=u
    ),
}


class _RollBack(Exception):
    pass


def _service_accepts(call, request, user, people) -> bool:
    try:
        with transaction.atomic():
            call(request, user, people)
            raise _RollBack
    except _RollBack:
        return True
    except (PermissionDenied, errors.TransitionRefused):
        return False


def test_the_coordinator_cannot_add_a_document_to_a_declined_request(client, make_request, people):
    declined = make_request(Status.DECLINED, decline_reason="not_helpful")
    sign_in(client, people["coordinator"])
    page = client.get(declined.get_absolute_url())
    assert page.status_code == 200
    assert page.context["can_add_document"] is False
    upload = client.post(
        f"{declined.get_absolute_url()}documents/", {"kind": "other", "file": _pdf()}
    )
    assert upload.status_code == 403
    with pytest.raises(PermissionDenied):
        services.request_add_document(
            request=declined, actor=people["coordinator"], upload=_pdf(), kind="other"
        )
    assert not declined.documents.exists()
    assert not CaseEvent.objects.filter(request=declined, kind="document_added").exists()


@pytest.mark.parametrize("state", [s for s in Status.values])
def test_every_write_the_page_offers_is_one_the_service_accepts(
    state, client, make_request, people
):
    # certified 170 days ago: the filing period ends within 30 days, re-certification is open
    signed = (
        {"signed_on": timezone.localdate() - timedelta(days=170)}
        if state == Status.CERTIFIED
        else {}
    )
    request = make_request(state, **signed)
    disagreements = []
    for persona in PERSONAS:
        user = people[persona]
        client.logout()
        sign_in(client, user)
        page = client.get(request.get_absolute_url())
        for flag, call in WRITES.items():
            shown = page.status_code == 200 and bool(page.context[flag])
            accepted = _service_accepts(call, request, user, people)
            if shown != accepted:
                disagreements.append((persona, flag, f"page {shown}, service {accepted}"))
    assert disagreements == []
