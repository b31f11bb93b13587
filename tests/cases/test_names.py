"""One way to write a name (cases/lib/names.py), used by pages, letters and the form."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from cases.lib.names import filing_name, full_name, user_name


def test_full_and_filing_names_leave_out_empty_parts():
    assert full_name("María", "José", "García") == "María José García"
    assert full_name("María", "", "García") == "María García"
    assert filing_name("María", "José", "García") == "García, María José"
    assert filing_name("", "", "García") == "García"
    assert filing_name("María", "", "") == "María"


@pytest.mark.django_db
def test_a_user_without_a_name_is_shown_by_user_name(people):
    people["detective"].first_name = people["detective"].last_name = ""
    assert user_name(people["detective"]) == "detective"
    rendered = Template("{% load names %}{{ u|person }}").render(Context({"u": people["chief"]}))
    assert rendered == user_name(people["chief"])


@pytest.mark.django_db
def test_the_request_and_the_uscis_notice_use_them(make_request):
    request = make_request(middle_name="José")
    assert request.victim_name == "María José García"
    assert request.victim_filing_name == "García, María José"
