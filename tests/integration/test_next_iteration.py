"""Repeating the cycle with every stage's carry-over: "start next iteration" creates the
next cycle linked to this one and carries exactly the stakeholders, steering group, theory
of change, open actions and the evaluation's "what to adapt" — nothing else — in one
transaction, once."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.models import Action, ActionHandover, ActionPlan, PlanStatus, Priority, ProgressUpdate
from actions.tests.builders import make_action, make_evaluation, make_plan, make_update
from cycles.models import (
    CaseForChange,
    Cycle,
    EthicsLogEntry,
    InclusionPrompts,
    TheoryOfChangeItem,
)
from cycles.selectors.closure import checklist_for
from cycles.selectors.cycles import cycle_iterations
from cycles.services import closure as services
from cycles.tests.builders import (
    cycle_url,
    make_case_for_change,
    make_closure,
    make_ethics_entry,
    make_toc_item,
)
from feedback.models import EngagementActivity, Insight, ReportBack
from feedback.tests.builders import make_activity, make_insight, make_report_back
from stakeholders.models import StakeholderCycle, SteeringGroupMember, SteeringMeeting
from stakeholders.tests.builders import (
    link,
    make_meeting,
    make_stakeholder,
    make_steering_member,
)
from t2a import audit
from t2a.models import Role

pytestmark = pytest.mark.django_db

ADAPT = "Hold the cafés in the evening; start with the mosque, not the surgery."


@pytest.fixture
def lead(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


@pytest.fixture
def full_cycle(org, users, cycle):
    """A closing cycle with something of everything in it."""
    make_case_for_change(cycle, inequality_addressed="Stillbirths", most_affected="Black mothers")
    make_ethics_entry(cycle)
    with scopes_disabled():
        InclusionPrompts.objects.create(organisation=org, cycle=cycle, missing_groups="Dads")
    make_toc_item(cycle, "input", "Two community connectors", 0)
    agreed = make_toc_item(cycle, "outcome_short", "More women book early", 0)
    with scopes_disabled():
        TheoryOfChangeItem.objects.filter(pk=agreed.pk).update(agreed_on=date(2026, 2, 1))
    amina, mosque = make_stakeholder(org, "Amina Yusuf"), make_stakeholder(org, "Central Mosque")
    link(amina, cycle, "Co-facilitator")
    link(mosque, cycle, "Venue host")
    make_steering_member(cycle, "community", stakeholder=amina, role="Chair")
    make_steering_member(cycle, "nhs", user=users[Role.ENGAGEMENT_LEAD])
    make_meeting(cycle)
    activity = make_activity(cycle)
    make_insight(cycle, activity=activity)
    make_insight(cycle, "Nobody told us the clinic moved.")
    make_report_back(cycle, "What we did", published_at=timezone.now())
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now())
    make_action(cycle, "Evening clinic", status="done")
    make_action(cycle, "Leaflets", status="dropped", status_reason="The council printed them")
    bus = make_action(cycle, "Later bus", status="at_risk", owner=users[Role.ENGAGEMENT_LEAD])
    make_update(bus, status="at_risk", narrative="The bus company is slow.")
    make_action(cycle, "Interpreters", status="not_started", in_scope=False,
                out_of_scope_reason="Needs the trust's budget")  # fmt: skip
    make_evaluation(cycle, what_worked="The cafés", what_to_adapt=ADAPT)
    make_closure(cycle, {"communicated": "done"})
    return cycle


def start(org, cycle, by, title="Maternity 2027", **extra) -> Cycle:
    with scope(organisation=org.pk):
        return services.cycle_start_next_iteration(cycle=cycle, by=by, title=title, **extra)


def snapshot(cycle) -> dict:
    with scopes_disabled():
        return {
            "stakeholders": sorted(
                StakeholderCycle.objects.filter(cycle=cycle).values_list(
                    "stakeholder__name", "role"
                )
            ),
            "steering": sorted(
                (str(s.stakeholder or s.user), s.sector, s.role)
                for s in SteeringGroupMember.objects.filter(cycle=cycle)
            ),
            "toc": sorted(
                TheoryOfChangeItem.objects.filter(cycle=cycle).values_list(
                    "kind", "text", "position"
                )
            ),
            "actions": sorted(
                Action.objects.filter(plan__cycle=cycle).values_list("title", "status")
            ),
        }


def test_a_paused_action_is_carried_with_the_reason_the_public_was_given(org, users, full_cycle):
    make_action(full_cycle, "Walking group", status="paused", status_reason="The park is shut")
    new = start(org, full_cycle, users[Role.ENGAGEMENT_LEAD])
    with scopes_disabled():
        carried = Action.objects.get(plan__cycle=new, title="Walking group")
    assert (carried.status, carried.status_reason) == ("paused", "The park is shut")


def test_next_iteration_carries_exactly_what_it_should(org, users, full_cycle):
    lead = users[Role.ENGAGEMENT_LEAD]
    new = start(org, full_cycle, lead, start_date=date(2027, 1, 4))
    before, after = snapshot(full_cycle), snapshot(new)
    assert (
        after["stakeholders"]
        == before["stakeholders"]
        == [
            ("Amina Yusuf", "Co-facilitator"),
            ("Central Mosque", "Venue host"),
        ]
    )
    assert after["steering"] == before["steering"]
    assert len(after["steering"]) == 2
    assert after["toc"] == before["toc"]
    # Only the open actions, in scope or not; not the done or dropped ones.
    assert after["actions"] == [("Interpreters", "not_started"), ("Later bus", "at_risk")]
    with scopes_disabled():
        new = Cycle.objects.get(pk=new.pk)
        assert new.previous_iteration_id == full_cycle.pk
        assert (new.status, new.current_stage, new.start_date) == ("draft", 1, date(2027, 1, 4))
        assert new.starting_notes == ADAPT
        assert (new.inequality, new.place, new.population_groups, new.lead_id) == (
            full_cycle.inequality, full_cycle.place, full_cycle.population_groups,
            full_cycle.lead_id,
        )  # fmt: skip
        assert set(new.community_leads.all()) == {users[Role.COMMUNITY_LEAD]}
        assert set(new.governance_members.all()) == {users[Role.GOVERNANCE]}
        # The theory of change is agreed again with communities.
        assert not TheoryOfChangeItem.objects.filter(cycle=new, agreed_on__isnull=False).exists()
        # A draft plan for community sign-off, with copies of the priorities it needs.
        plan = ActionPlan.objects.get(cycle=new)
        assert (plan.status, plan.version) == ("draft", 0)
        assert list(Priority.objects.filter(cycle=new).values_list("title", flat=True)) == [
            "Being listened to"
        ]
        bus = Action.objects.get(plan=plan, title="Later bus")
        assert (bus.owner_id, bus.metric, bus.target) == (
            users[Role.ENGAGEMENT_LEAD].pk, "Evening appointments booked per month", "40",
        )  # fmt: skip
        interpreters = Action.objects.get(plan=plan, title="Interpreters")
        assert (interpreters.in_scope, interpreters.out_of_scope_reason) == (
            False,
            "Needs the trust's budget",
        )
        # And nothing else: a fresh case for change, no insight, activities, report-backs,
        # progress updates, ethics log, inclusion answers or steering meetings.
        for model in (
            CaseForChange, Insight, EngagementActivity, ReportBack, EthicsLogEntry,
            InclusionPrompts, SteeringMeeting,
        ):  # fmt: skip
            assert not model.objects.filter(cycle=new).exists(), model.__name__
        assert not ProgressUpdate.objects.filter(action__plan=plan).exists()
        # The handover is recorded against the old cycle, one row per open action.
        handovers = ActionHandover.objects.filter(cycle=full_cycle)
        assert sorted(handovers.values_list("action__title", "carried_to__title")) == [
            ("Interpreters", "Interpreters"),
            ("Later bus", "Later bus"),
        ]
        assert set(handovers.values_list("next_cycle_id", flat=True)) == {new.pk}
        # The old plan stops asking for updates on actions that now live in the new one.
        assert ActionPlan.objects.get(cycle=full_cycle).status == "closed"
        # The old cycle keeps everything it had.
        assert Action.objects.filter(plan__cycle=full_cycle).count() == 4
    with scope(organisation=org.pk):
        item = checklist_for(full_cycle).item("actions_handed_over")
        assert [c.pk for c in cycle_iterations(new)] == [full_cycle.pk, new.pk]
    assert item.state == "done" and item.met_by_data


def test_the_handover_shows_on_the_old_cycles_checklist(org, users, lead, full_cycle):
    new = start(org, full_cycle, users[Role.ENGAGEMENT_LEAD])
    page = lead.get(cycle_url(full_cycle, "closure/")).content.decode()
    assert "2 handed over to" in page
    assert f'href="/o/{org.slug}/cycles/{new.pk}/">Maternity 2027</a>' in page
    assert "<strong>0 still open</strong>" in page


def test_without_an_evaluation_the_starting_notes_are_empty(org, users, cycle):
    make_closure(cycle)
    new = start(org, cycle, users[Role.ENGAGEMENT_LEAD])
    assert new.starting_notes == ""
    with scopes_disabled():
        assert not ActionPlan.objects.filter(cycle=new).exists()  # nothing open, no plan


def test_a_second_next_iteration_is_refused(org, users, lead, full_cycle):
    first = start(org, full_cycle, users[Role.ENGAGEMENT_LEAD])
    with pytest.raises(ValidationError, match="already has a next iteration: Maternity 2027"):
        start(org, full_cycle, users[Role.ENGAGEMENT_LEAD], title="Again")
    response = lead.post(cycle_url(full_cycle, "next-iteration/"), {"title": "Again"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "already has a next iteration" in page
    assert "This cycle already continues in" in page
    with scopes_disabled():
        assert list(Cycle.objects.filter(previous_iteration=full_cycle)) == [first]
        assert not Cycle.objects.filter(title="Again").exists()


def test_the_page_shows_what_will_be_carried_and_starts_it(org, users, lead, full_cycle):
    page = lead.get(cycle_url(full_cycle, "next-iteration/")).content.decode()
    assert "2 stakeholders in the cycle" in page
    assert "2 steering group seats" in page
    assert "2 theory of change items" in page
    assert "2 open actions" in page
    assert ADAPT in page
    assert f'value="{full_cycle.title} (iteration 2)"' in page
    response = lead.post(
        cycle_url(full_cycle, "next-iteration/"),
        {"title": f"{full_cycle.title} (iteration 2)", "start_date": "2027-01-04"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        new = Cycle.objects.get(previous_iteration=full_cycle)
    assert response.url == cycle_url(new)
    page = lead.get(response.url).content.decode()
    assert "Iteration 2 of 2" in page
    assert "started as the next iteration" in page
    assert ADAPT in page  # the starting notes
    # The carried actions are copied in bulk; each copy is in the audit trail as created
    # by the lead who started the iteration.
    with scopes_disabled():
        carried = set(Action.objects.filter(plan__cycle=new).values_list("pk", flat=True))
        created = audit.entries_for(new.organisation).filter(
            content_type__model="action", object_id__in=carried
        )
        assert len(carried) == 2
        assert {e.object_id for e in created} == carried
        assert {e.actor_id for e in created} == {users[Role.ENGAGEMENT_LEAD].pk}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": ""}, "Enter a title for the next iteration."),
        ({"title": "x" * 201}, "200 characters or fewer"),
        ({"title": "Fine", "start_date": "31 February"}, "Enter a valid date."),
    ],
)
def test_bad_input_starts_nothing(org, lead, full_cycle, data, message):
    response = lead.post(cycle_url(full_cycle, "next-iteration/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page and "There is a problem" in page
    assert message in page
    with scopes_disabled():
        assert Cycle.objects.count() == 1
        assert not ActionHandover.objects.exists()


def test_a_failure_part_way_leaves_nothing_behind(org, users, full_cycle, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ActionHandover.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        start(org, full_cycle, users[Role.ENGAGEMENT_LEAD])
    with scopes_disabled():
        assert Cycle.objects.count() == 1
        assert StakeholderCycle.objects.count() == 2
        assert TheoryOfChangeItem.objects.count() == 2
        assert ActionPlan.objects.count() == 1
        assert ActionPlan.objects.get().status == "in_delivery"
