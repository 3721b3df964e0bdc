"""The case for change (views/case_for_change.py): its page, sections, agreement, data
sources and inequality-map rows. Staff write; every role on the cycle reads; a row of
another cycle is 404; bad input gets a clear message and saves nothing."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from cycles.models import (
    CaseForChange,
    CaseForChangeRevision,
    Cycle,
    EthicsLogEntry,
    InequalityRow,
    StageTransition,
)
from cycles.tests.builders import (
    cycle_url,
    fill_stage_one,
    make_case_for_change,
    make_cycle,
    make_data_source,
    make_inequality_row,
)
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db

SOURCE = {"kind": "jsna", "title": "JSNA 2025"}
ROW = {"dimension": "Age", "group": "Under 20", "indicator": "Early booking (%)", "value": "46"}
CASE = {"inequality_addressed": "A gap", "most_affected": "These women"}


def counts():
    with scopes_disabled():
        return (
            Cycle.objects.count(),
            CaseForChange.objects.count(),
            CaseForChangeRevision.objects.count(),
            InequalityRow.objects.count(),
            EthicsLogEntry.objects.count(),
            StageTransition.objects.count(),
        )


# Who may do what --------------------------------------------------------------------------


def test_outsiders_get_404(client_for, outsider, cycle):
    source, row = make_data_source(cycle), make_inequality_row(cycle)
    client = client_for(outsider)
    for suffix in (
        "", "edit/", "sources/new/", f"sources/{source.pk}/edit/", f"sources/{source.pk}/delete/",
        "inequalities/new/", f"inequalities/{row.pk}/edit/", f"inequalities/{row.pk}/delete/",
    ):  # fmt: skip
        assert client.get(cycle_url(cycle, "case-for-change/" + suffix)).status_code == 404


def test_the_page_is_open_to_every_attached_role(client_for, users, cycle):
    assert_role_matrix(client_for, users, cycle_url(cycle, "case-for-change/"), get=ALL_ROLES)


def test_case_for_change_writes(client_for, users, cycle):
    assert_role_matrix(
        client_for,
        users,
        cycle_url(cycle, "case-for-change/edit/"),
        get=STAFF,
        post=STAFF,
        data=CASE,
    )
    assert_role_matrix(
        client_for,
        users,
        cycle_url(cycle, "case-for-change/agree/"),
        post=STAFF,
        data={"agreed_on": "2026-01-05"},
    )
    for suffix, data in (("sources/new/", SOURCE), ("inequalities/new/", ROW)):
        url = cycle_url(cycle, "case-for-change/" + suffix)
        assert_role_matrix(client_for, users, url, get=STAFF, post=STAFF, data=data)
        assert_role_matrix(client_for, users, url, post=STAFF, data=data, htmx=True)


def test_case_for_change_children(client_for, users, cycle):
    source, row = make_data_source(cycle), make_inequality_row(cycle)
    base = cycle_url(cycle, "case-for-change/")
    assert_role_matrix(
        client_for, users, f"{base}sources/{source.pk}/edit/", get=STAFF, post=STAFF, data=SOURCE
    )
    assert_role_matrix(
        client_for, users, f"{base}inequalities/{row.pk}/edit/", get=STAFF, post=STAFF, data=ROW
    )
    assert_role_matrix(
        client_for,
        users,
        lambda role: f"{base}sources/{make_data_source(cycle).pk}/delete/",
        get=STAFF,
        post=STAFF,
    )
    assert_role_matrix(
        client_for,
        users,
        lambda role: f"{base}inequalities/{make_inequality_row(cycle).pk}/delete/",
        get=STAFF,
        post=STAFF,
    )


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_members_not_attached_to_a_cycle_get_404(client_for, users, org, role):
    other = make_cycle(org, "Someone else's cycle")
    assert client_for(users[role]).get(cycle_url(other, "case-for-change/")).status_code == 404


def test_rows_of_another_cycle_are_404(client_for, users, org, cycle):
    other = make_cycle(org, "Other")
    source, row = make_data_source(other), make_inequality_row(other)
    client = client_for(users[Role.ADMIN])
    for suffix in (
        f"case-for-change/sources/{source.pk}/edit/",
        f"case-for-change/inequalities/{row.pk}/edit/",
    ):
        assert client.get(cycle_url(cycle, suffix)).status_code == 404, suffix
    with scopes_disabled():
        assert Cycle.objects.count() == 2


# Bad input --------------------------------------------------------------------------------


def test_empty_required_case_sections(lead, cycle):
    make_case_for_change(cycle, inequality_addressed="Old text", most_affected="Old")
    before = counts()
    response = lead.post(
        cycle_url(cycle, "case-for-change/edit/"),
        {"inequality_addressed": "  ", "most_affected": "", "local_insight": "New insight"},
    )
    assert response.status_code == 400
    assert "Enter the inequality being addressed." in response.content.decode()
    assert counts() == before
    with scopes_disabled():
        case = CaseForChange.objects.get(cycle=cycle)
    assert (case.inequality_addressed, case.local_insight) == ("Old text", "")


def test_each_empty_section_says_once_what_is_missing(lead, cycle):
    """Both required sections empty: the error summary names each one, not the same "This
    field is required." twice, and each box says it once beside itself."""
    response = lead.post(
        cycle_url(cycle, "case-for-change/edit/"), {"inequality_addressed": "", "most_affected": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." not in html
    summary = html.split("nhsuk-error-summary__list")[1].split("</ul>")[0]
    for message in ("Enter the inequality being addressed.", "Enter who is most affected and why."):
        assert summary.count(message) == 1
        assert html.count(message) == 2  # the summary's link and the message by the box


def test_text_over_the_limit_is_refused_with_a_count(lead, cycle):
    before = counts()
    response = lead.post(
        cycle_url(cycle, "case-for-change/edit/"),
        {"inequality_addressed": "x" * 6000, "most_affected": "Them"},
    )
    assert response.status_code == 400
    assert "must be 5,000 characters or fewer (it has 6000)" in response.content.decode()
    assert counts() == before


def test_a_ten_megabyte_field_shows_the_form_again_with_the_limit(lead, cycle):
    before = counts()
    url = cycle_url(cycle, "case-for-change/edit/")
    response = lead.post(
        url,
        urlencode({"inequality_addressed": "x" * (10 * 1024 * 1024), "most_affected": "Them"}),
        content_type="application/x-www-form-urlencoded",
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "What you sent is bigger than 5 MB. Shorten it and try again." in page
    assert 'name="inequality_addressed"' in page
    assert counts() == before


def test_inequality_row_needs_a_number(lead, cycle):
    before = counts()
    url = cycle_url(cycle, "case-for-change/inequalities/new/")
    data = {"dimension": "Age", "group": "Under 20", "indicator": "Booking", "value": "lots"}
    response = lead.post(url, data)
    assert response.status_code == 400 and "Enter a number." in response.content.decode()
    response = lead.post(url, data | {"value": "-3"})
    assert (
        response.status_code == 400 and "Enter a value of 0 or more." in response.content.decode()
    )
    # From the case page with htmx, the error comes back in the swapped section (htmx does
    # not swap 4xx responses, so this one answers 200 with the error summary).
    response = lead.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="inequality-map"' in body and "There is a problem" in body and "<html" not in body
    assert counts() == before


def test_dates_in_the_future(lead, cycle):
    response = lead.post(cycle_url(cycle, "case-for-change/agree/"), {"agreed_on": "2999-01-01"})
    assert response.status_code == 400
    assert "The date agreed must be today or in the past." in response.content.decode()
    response = lead.post(
        cycle_url(cycle, "case-for-change/sources/new/"),
        {"kind": "jsna", "title": "JSNA", "published_on": "2999-01-01"},
    )
    assert response.status_code == 400
    assert "The date published must be today or in the past." in response.content.decode()
    with scopes_disabled():
        assert not CaseForChange.objects.filter(status="agreed").exists()


# What the page does -----------------------------------------------------------------------


def test_case_for_change_history_and_agreement(lead, cycle):
    edit = cycle_url(cycle, "case-for-change/edit/")
    lead.post(edit, {"inequality_addressed": "Gap", "most_affected": "Them", "local_insight": ""})
    lead.post(
        edit, {"inequality_addressed": "Gap", "most_affected": "Them", "local_insight": ""}
    )  # no change
    lead.post(cycle_url(cycle, "case-for-change/agree/"), {"agreed_on": "2026-01-05"})
    with scopes_disabled():
        case = CaseForChange.objects.get(cycle=cycle)
        assert (case.status, case.agreed_on) == ("agreed", date(2026, 1, 5))
    lead.post(
        edit, {"inequality_addressed": "A wider gap", "most_affected": "Them", "local_insight": ""}
    )
    with scopes_disabled():
        case.refresh_from_db()
        revisions = list(CaseForChangeRevision.objects.filter(case_for_change=case).order_by("pk"))
    assert case.status == "draft" and case.agreed_on is None
    assert len(revisions) == 3
    assert revisions[0].snapshot["inequality_addressed"] == "Gap"
    assert revisions[-1].snapshot["inequality_addressed"] == "A wider gap"
    assert "goes back to draft" in revisions[-1].summary
    page = lead.get(cycle_url(cycle, "case-for-change/")).content.decode()
    assert "Edited the inequality being addressed" in page


def test_inequality_rows_show_as_a_table_and_a_chart(lead, cycle):
    make_inequality_row(cycle, "Black African", 8.1)
    make_inequality_row(cycle, "South Asian", 5)
    page = lead.get(cycle_url(cycle, "case-for-change/")).content.decode()
    assert page.count('aria-hidden="true">Group </span>') == 2
    assert page.count("<rect ") == 4 and 'role="img"' in page
    assert 'width="510"' in page  # the largest value fills the bar space
    # Room at its right for "8.1" and for "3.5 comparator" (at 13px, about 100 units).
    assert 640 - 510 >= 120


# Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_the_page_takes_the_same_queries_however_full(
    org, users, client_for, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    lead = users[Role.ENGAGEMENT_LEAD]
    people = {"community_leads": (users[Role.COMMUNITY_LEAD],), "lead": lead}
    cycle = make_cycle(org, "First", **people)
    fill_stage_one(cycle, lead, 1)
    url = cycle_url(cycle, "case-for-change/")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    fill_stage_one(cycle, lead, 30)
    for n in range(5):
        fill_stage_one(make_cycle(org, f"Cycle {n}", **people), lead, 2)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
