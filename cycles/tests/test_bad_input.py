"""Bad input gets a clear message and saves nothing."""

import pytest
from django_scopes import scopes_disabled

from cycles.models import (
    CaseForChange,
    CaseForChangeRevision,
    Cycle,
    EthicsLogEntry,
    InequalityRow,
    StageTransition,
)
from t2a.models import Role

from .builders import make_case_for_change
from .conftest import cycle_url

pytestmark = pytest.mark.django_db

CYCLE = {
    "title": "Diabetes care",
    "inequality": "More complications in the most deprived decile",
    "place": "Spinney Hills",
    "status": "draft",
}


@pytest.fixture
def lead(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


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


def test_dates_in_the_wrong_order(lead, org):
    before = counts()
    data = CYCLE | {"start_date": "2026-05-01", "target_date": "2026-04-01"}
    response = lead.post(f"/o/{org.slug}/cycles/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "<title>Error: " in body
    assert "The target date must be the same as or after the start date." in body
    assert counts() == before


def test_required_cycle_fields(lead, org):
    before = counts()
    response = lead.post(f"/o/{org.slug}/cycles/new/", {"status": "draft"})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") >= 3
    assert counts() == before


def test_likelihood_seven(lead, cycle):
    before = counts()
    data = {
        "consideration": "Consent",
        "category": "consent",
        "likelihood": "7",
        "impact": "3",
        "status": "open",
    }
    response = lead.post(cycle_url(cycle, "ethics/new/"), data)
    assert response.status_code == 400
    assert "Choose a likelihood from 1 to 5." in response.content.decode()
    assert counts() == before


def test_empty_required_case_sections(lead, cycle):
    make_case_for_change(cycle, inequality_addressed="Old text", most_affected="Old")
    before = counts()
    response = lead.post(
        cycle_url(cycle, "case-for-change/edit/"),
        {"inequality_addressed": "  ", "most_affected": "", "local_insight": "New insight"},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert counts() == before
    with scopes_disabled():
        case = CaseForChange.objects.get(cycle=cycle)
    assert (case.inequality_addressed, case.local_insight) == ("Old text", "")


def test_text_over_the_limit_is_refused_with_a_count(lead, cycle):
    before = counts()
    response = lead.post(
        cycle_url(cycle, "case-for-change/edit/"),
        {"inequality_addressed": "x" * 6000, "most_affected": "Them"},
    )
    assert response.status_code == 400
    assert "must be 5,000 characters or fewer (it has 6000)" in response.content.decode()
    assert counts() == before


def test_a_ten_megabyte_field_gets_a_friendly_400(lead, cycle):
    before = counts()
    response = lead.post(
        cycle_url(cycle, "case-for-change/edit/"),
        {"inequality_addressed": "x" * (10 * 1024 * 1024), "most_affected": "Them"},
    )
    assert response.status_code == 400
    assert "Sorry, we could not accept that" in response.content.decode()
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


def test_advancing_with_unmet_items_needs_a_reason(lead, cycle):
    url = cycle_url(cycle, "stage/advance/")
    response = lead.post(url, {"from_stage": "1", "reason": "", "inclusion_changed": "no"})
    assert response.status_code == 400
    assert "Give a reason for moving on with checklist items not met." in response.content.decode()
    response = lead.post(url, {"from_stage": "1", "reason": "Now", "inclusion_changed": "yes"})
    assert response.status_code == 400 and "Say what has changed." in response.content.decode()
    response = lead.post(url, {"from_stage": "1", "reason": "Now"})
    assert "Say whether anything has changed in the inclusion prompts." in response.content.decode()
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 1
        assert not StageTransition.objects.exists()


def test_going_back_needs_a_reason(lead, org):
    from .builders import make_cycle

    cycle = make_cycle(org, current_stage=3)
    response = lead.post(cycle_url(cycle, "stage/back/"), {"from_stage": "3", "reason": ""})
    assert response.status_code == 400
    assert "Give a reason for going back a stage." in response.content.decode()
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 3


def test_a_stale_stage_form_cannot_skip_a_stage(lead, cycle):
    data = {"from_stage": "1", "reason": "Go", "inclusion_changed": "no"}
    assert lead.post(cycle_url(cycle, "stage/advance/"), data).status_code == 302
    response = lead.post(cycle_url(cycle, "stage/advance/"), data)  # the same form again
    assert response.status_code == 400
    assert "Someone has moved this cycle since you opened the page." in response.content.decode()
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 2
        assert StageTransition.objects.count() == 1


def test_people_from_another_organisation_cannot_be_chosen(lead, org, other_org, outsider):
    data = CYCLE | {"lead": outsider.pk}
    response = lead.post(f"/o/{org.slug}/cycles/new/", data)
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    data = CYCLE | {"community_leads": [outsider.pk]}
    assert lead.post(f"/o/{org.slug}/cycles/new/", data).status_code == 400
