"""The coordinator's page of notices not sent, in a real browser: reached from the navigation,
checked with axe, one notice sent again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import CaseEvent, OutboundMail, Status
from tests.browser.test_workflow import session as session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_sends_a_failed_notice_again(session, people, make_request):
    r = services.request_submit(request=make_request(Status.DRAFT), actor=people["advocate"])
    OutboundMail.objects.filter(request=r).update(
        state=OutboundMail.State.FAILED,
        attempts=8,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    notice = OutboundMail.objects.get(request=r)
    session.as_user(people["coordinator"])
    session.open("/")
    with session.page.expect_navigation():
        session.page.get_by_role("link", name="Notices not sent", exact=True).click()
    session.check()
    row = session.page.get_by_role("row", name=notice.subject)
    expect(row).to_contain_text("Connection refused")
    session.submit(row.get_by_role("button", name=f"Send again {notice.subject}"))
    expect(session.page.get_by_text("will be sent again")).to_be_visible()
    notice.refresh_from_db()
    assert notice.state == OutboundMail.State.PENDING
    assert CaseEvent.objects.filter(request=r, kind=CaseEvent.Kind.MAIL_RESENT).count() == 1
