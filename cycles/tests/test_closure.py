"""Responsible closure: moving to closing opens the checklist; "closed" is refused — by the
checklist page, the cycle edit form and the service alike — until every step is done or
explained; the data can meet two of the steps."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.tests.builders import make_action
from cycles import services
from cycles.closure import checklist_for
from cycles.models import ClosureItem, ClosureItemKey, Cycle
from feedback.tests.builders import make_report_back
from t2a.models import Role

from .builders import make_closure, make_cycle
from .conftest import cycle_url

pytestmark = pytest.mark.django_db

KEYS = [key.value for key in ClosureItemKey]
ALL_DONE = dict.fromkeys(KEYS, "done")
EDIT = {
    "title": "Maternity services engagement",
    "inequality": "Higher stillbirth rates among Black mothers",
    "place": "Northgate",
    "population_groups": "Black African women",
}


@pytest.fixture
def lead(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


def status_of(cycle) -> str:
    with scopes_disabled():
        return Cycle.objects.get(pk=cycle.pk).status


def stored(cycle) -> dict:
    with scopes_disabled():
        return {i.key: (i.state, i.note) for i in ClosureItem.objects.filter(cycle=cycle)}


def all_but(key: str, state: str = "not_yet") -> dict:
    return ALL_DONE | {key: state}


# Opening the checklist ----------------------------------------------------------------


def test_moving_to_closing_on_the_checklist_page_opens_the_checklist(lead, cycle):
    response = lead.post(cycle_url(cycle, "closure/start/"))
    assert response.status_code == 302
    assert status_of(cycle) == "closing"
    assert stored(cycle) == dict.fromkeys(KEYS, ("not_yet", ""))
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    # No actions to hand over: the data already meets that step.
    assert "1 of 5</strong> closure steps done or explained" in page


def test_moving_to_closing_with_the_edit_form_opens_the_checklist(lead, cycle):
    response = lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closing"})
    assert response.status_code == 302
    assert status_of(cycle) == "closing"
    assert set(stored(cycle)) == set(KEYS)


def test_closing_twice_keeps_what_was_recorded(lead, cycle):
    make_closure(cycle, {"communicated": ("done", "Letters sent in March")}, status="active")
    lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closing"})
    assert stored(cycle)["communicated"] == ("done", "Letters sent in March")


def test_a_cycle_already_closing_cannot_start_closing_again(lead, cycle):
    make_closure(cycle)
    response = lead.post(cycle_url(cycle, "closure/start/"))
    assert response.status_code == 400
    assert "This cycle is already closing." in response.content.decode()


def test_the_checklist_page_before_closing_says_when_it_opens(lead, cycle):
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "Its closure checklist opens when it moves to closing." in page
    assert "Start closing this cycle" in page
    assert stored(cycle) == {}  # reading writes nothing


# "Closed" is refused unless every step is done or explained -------------------------------


@pytest.mark.parametrize("key", ["communicated", "thanked", "transition"])
def test_the_page_refuses_to_close_with_a_step_not_yet_done(lead, cycle, key):
    make_closure(cycle, all_but(key))
    response = lead.post(cycle_url(cycle, "closure/close/"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert "This cycle cannot close yet: 1 closure step is neither done nor explained" in page
    assert ClosureItemKey(key).label.lower() in page
    assert status_of(cycle) == "closing"


def test_the_edit_form_refuses_closed_with_an_unexplained_step(lead, cycle):
    make_closure(cycle, all_but("thanked"))
    data = EDIT | {"status": "closed", "title": "A new title that must not be saved"}
    response = lead.post(cycle_url(cycle, "edit/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This cycle cannot close yet" in page
    assert "contributors thanked and recognised" in page
    with scopes_disabled():
        kept = Cycle.objects.get(pk=cycle.pk)
    assert (kept.status, kept.title) == ("closing", "Maternity services engagement")


def test_the_edit_form_refuses_closed_straight_from_active(lead, cycle):
    response = lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closed"})
    assert response.status_code == 400
    assert "4 closure steps are neither done nor explained" in response.content.decode()
    assert status_of(cycle) == "draft"


def test_a_new_cycle_cannot_be_created_closed(lead, org):
    data = EDIT | {"title": "Born closed", "status": "closed"}
    response = lead.post(f"/o/{org.slug}/cycles/new/", data)
    assert response.status_code == 400
    assert "A new cycle cannot start closed" in response.content.decode()
    with scopes_disabled():
        assert not Cycle.objects.filter(title="Born closed").exists()


def test_the_service_refuses_and_then_closes(org, users, cycle):
    make_closure(cycle, all_but("transition"))
    with scope(organisation=org.pk):
        with pytest.raises(ValidationError, match="transition into longer-term"):
            services.cycle_close(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
        with pytest.raises(ValidationError) as refused:
            services.cycle_update(
                cycle=cycle,
                fields={"status": "closed"},
                community_leads=[],
                governance_members=[],
            )
        assert "status" in refused.value.error_dict
    assert status_of(cycle) == "closing"
    make_closure(cycle, all_but("transition", ("explained", "No programme exists yet.")))
    with scope(organisation=org.pk):
        services.cycle_close(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    assert status_of(cycle) == "closed"


def test_every_step_done_or_explained_lets_the_page_close_the_cycle(lead, cycle):
    make_closure(cycle, all_but("thanked", ("explained", "The group asked not to be named.")))
    response = lead.post(cycle_url(cycle, "closure/close/"))
    assert response.status_code == 302
    assert response.url == cycle_url(cycle)
    assert status_of(cycle) == "closed"
    assert "This cycle is closed." in lead.get(cycle_url(cycle)).content.decode()


def test_every_step_done_lets_the_edit_form_close_the_cycle(lead, cycle):
    make_closure(cycle, ALL_DONE)
    response = lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closed"})
    assert response.status_code == 302
    assert status_of(cycle) == "closed"


def test_only_a_closing_cycle_closes_from_the_page(lead, cycle):
    response = lead.post(cycle_url(cycle, "closure/close/"))
    assert response.status_code == 400
    assert "Move the cycle to closing first" in response.content.decode()
    assert status_of(cycle) == "draft"


def test_a_closed_cycle_can_be_reopened_and_its_checklist_changes_again(lead, cycle):
    make_closure(cycle, ALL_DONE, status="closed")
    step = cycle_url(cycle, "closure/steps/communicated/")
    refused = lead.post(step, {"state": "not_yet"})
    assert refused.status_code == 302  # back to the checklist, nothing changed
    assert stored(cycle)["communicated"] == ("done", "")
    assert lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closing"}).status_code == 302
    assert lead.post(step, {"state": "not_yet"}).status_code == 302
    assert stored(cycle)["communicated"] == ("not_yet", "")


# Recording steps --------------------------------------------------------------------------


def test_recording_a_step_without_javascript(lead, cycle):
    make_closure(cycle)
    url = cycle_url(cycle, "closure/steps/thanked/")
    form = lead.get(url)
    assert form.status_code == 200
    assert "Contributors thanked and recognised" in form.content.decode()
    response = lead.post(url, {"state": "done", "note": "Certificates at the final café."})
    assert response.status_code == 302
    assert response.url.endswith("/closure/#closure-item-thanked")
    assert stored(cycle)["thanked"] == ("done", "Certificates at the final café.")
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "Certificates at the final café." in page
    assert "2 of 5</strong>" in page


def test_recording_a_step_with_htmx_redraws_the_checklist(lead, cycle):
    make_closure(cycle)
    url = cycle_url(cycle, "closure/steps/communicated/")
    htmx = {"HX-Request": "true"}
    form = lead.get(url, headers=htmx)
    assert form.status_code == 200
    assert form.content.decode().lstrip().startswith('<li id="closure-item-communicated"')
    response = lead.post(
        url, {"state": "explained", "note": "Funding ended suddenly."}, headers=htmx
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#closure-body"
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="closure-body">')
    assert "Funding ended suddenly." in body
    assert stored(cycle)["communicated"] == ("explained", "Funding ended suddenly.")


def test_an_explanation_is_needed_full_page_400(lead, cycle):
    make_closure(cycle)
    response = lead.post(cycle_url(cycle, "closure/steps/transition/"), {"state": "explained"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert "Explain why this step was not done." in page
    assert stored(cycle)["transition"] == ("not_yet", "")


def test_an_explanation_is_needed_htmx_200(lead, cycle):
    make_closure(cycle)
    response = lead.post(
        cycle_url(cycle, "closure/steps/transition/"),
        {"state": "explained", "note": "   "},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Explain why this step was not done." in response.content.decode()
    assert stored(cycle)["transition"] == ("not_yet", "")


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Say whether this step is done"),
        ({"state": "finished"}, "Choose done, not done with a reason, or not yet."),
        ({"state": "done", "note": "x" * 5001}, "must be 5,000 characters or fewer"),
    ],
)
def test_bad_step_input_is_refused_clearly(lead, cycle, data, message):
    make_closure(cycle)
    response = lead.post(cycle_url(cycle, "closure/steps/thanked/"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored(cycle)["thanked"] == ("not_yet", "")


def test_an_unknown_step_is_404(lead, cycle):
    make_closure(cycle)
    assert lead.get(cycle_url(cycle, "closure/steps/party/")).status_code == 404
    assert lead.post(cycle_url(cycle, "closure/steps/party/"), {"state": "done"}).status_code == 404


def test_steps_cannot_be_recorded_before_closing(lead, cycle):
    response = lead.post(cycle_url(cycle, "closure/steps/thanked/"), {"state": "done"})
    assert response.status_code == 302
    assert stored(cycle) == {}
    htmx = lead.get(cycle_url(cycle, "closure/steps/thanked/"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == cycle_url(cycle, "closure/")


# What the data shows ----------------------------------------------------------------------


def test_a_published_report_back_counts_as_learning_shared(org, lead, cycle):
    make_closure(cycle, all_but("learning_shared"))
    make_report_back(cycle, "A draft that does not count")
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 400
    make_report_back(cycle, "What changed in 2026", published_at=timezone.now())
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "What changed in 2026</a> published on" in page
    assert "A draft that does not count" not in page
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 302


def test_open_actions_keep_the_handover_step_open(org, lead, cycle):
    make_closure(cycle, all_but("actions_handed_over"))
    make_action(cycle, "Evening clinic", status="done")
    make_action(cycle, "Somali leaflets", status="dropped", dropped_reason="Printed by the council")
    still_open = make_action(cycle, "Bus timetable", status="on_track")
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "Of 3 actions: 1 done, 1 dropped with a reason, <strong>1 still open</strong>" in page
    assert "Bus timetable</a>" in page
    # "Done" cannot be claimed while an action is open; an explanation can be given.
    url = cycle_url(cycle, "closure/steps/actions_handed_over/")
    refused = lead.post(url, {"state": "done"})
    assert refused.status_code == 400
    assert "1 action is still open." in refused.content.decode()
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 400
    with scopes_disabled():
        still_open.status = "done"
        still_open.save()
    with scope(organisation=org.pk):
        assert checklist_for(cycle).item("actions_handed_over").state == "done"
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 302


def test_an_open_action_can_be_explained_instead(lead, cycle):
    make_closure(cycle, all_but("actions_handed_over"))
    make_action(cycle, "Bus timetable", status="at_risk")
    url = cycle_url(cycle, "closure/steps/actions_handed_over/")
    note = "The bus company owns this now; it reports to the council."
    assert lead.post(url, {"state": "explained", "note": note}).status_code == 302
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 302


def test_community_leads_and_governance_read_but_cannot_change(client_for, users, cycle):
    make_closure(cycle, {"communicated": ("done", "Told at the café")})
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        page = client_for(users[role]).get(cycle_url(cycle, "closure/")).content.decode()
        assert "Told at the café" in page
        assert "Record this step" not in page
        assert "Close the cycle" not in page
        assert "Start the next iteration" not in page


def test_a_lead_not_on_the_cycle_gets_404(client_for, org, users):
    other = make_cycle(org, "Not yours", slug="not-yours")
    make_closure(other)
    assert (
        client_for(users[Role.COMMUNITY_LEAD]).get(cycle_url(other, "closure/")).status_code == 404
    )


def test_recording_a_step_is_in_the_audit_trail(org, users, lead, cycle):
    from auditlog.models import LogEntry

    make_closure(cycle)
    lead.post(cycle_url(cycle, "closure/steps/thanked/"), {"state": "done", "note": "A meal"})
    entry = (
        LogEntry.objects.filter(additional_data__organisation_id=org.pk)
        .filter(content_type__model="closureitem")
        .latest("timestamp")
    )
    assert entry.actor == users[Role.ENGAGEMENT_LEAD]
    assert entry.changes_dict["state"] == ["not_yet", "done"]


# The stage 5 readiness item -------------------------------------------------------------


def test_readiness_counts_closure_responsible_by_the_checklist_rules(org, users):
    from cycles.closure import closure_responsible

    active = make_cycle(org, title="Still active")
    unexplained = make_closure(make_cycle(org, title="Thanks not done"), all_but("thanked"))
    explained = make_closure(
        make_cycle(org, title="Thanks explained"), all_but("thanked", "explained")
    )
    by_data = make_closure(
        make_cycle(org, title="Shared by report-back"), all_but("learning_shared")
    )
    make_report_back(by_data, "What changed", published_at=timezone.now())
    reopened = make_closure(make_cycle(org, title="Action opened since"), ALL_DONE)
    make_action(reopened, "Bus timetable", status="on_track")
    closed = make_closure(make_cycle(org, title="Closed"), ALL_DONE, status="closed")
    cycles = [active, unexplained, explained, by_data, reopened, closed]

    with scope(organisation=org.pk):
        met = closure_responsible(cycles)
        for cycle in cycles:
            assert met[cycle.pk] == checklist_for(cycle).all_settled or cycle is active

    assert met == {
        active.pk: False,
        unexplained.pk: False,
        explained.pk: True,
        by_data.pk: True,
        reopened.pk: False,
        closed.pk: True,
    }
