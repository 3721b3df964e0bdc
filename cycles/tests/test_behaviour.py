"""What the pages and services do: readiness, stage changes, change history, ordering."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles import readiness
from cycles.models import (
    CaseForChange,
    CaseForChangeRevision,
    Cycle,
    InclusionPrompts,
    StageTransition,
    TheoryOfChangeItem,
)
from t2a.models import Role

from .builders import (
    make_case_for_change,
    make_cycle,
    make_data_source,
    make_ethics_entry,
    make_inequality_row,
    make_toc_item,
)
from .conftest import cycle_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


def stage_one(cycle) -> dict[str, bool | None]:
    with scope(organisation=cycle.organisation_id):
        result = readiness.evaluate(cycle, stages=[1])[1]
    return {r.key: r.met for r in result.results}


def test_stage_one_items_are_computed_from_the_data(org, users):
    cycle = make_cycle(org)
    assert stage_one(cycle)["case_for_change_written"] is False
    make_case_for_change(
        cycle, inequality_addressed="Gap", most_affected="Them", local_insight="Said"
    )
    assert stage_one(cycle)["case_for_change_written"] is False  # no source or row yet
    make_data_source(cycle)
    make_inequality_row(cycle)
    assert stage_one(cycle)["case_for_change_written"] is True

    for kind in ("input", "activity", "outcome_short"):
        make_toc_item(cycle, kind=kind)
    assert stage_one(cycle)["theory_of_change_drafted"] is False
    make_toc_item(cycle, kind="impact")
    assert stage_one(cycle)["theory_of_change_drafted"] is True

    assert stage_one(cycle)["ethics_log_ready"] is False  # an empty log is not ready
    entry = make_ethics_entry(cycle, mitigation="Facilitator", owner=None)
    assert stage_one(cycle)["ethics_log_ready"] is False  # open entry with no owner
    with scopes_disabled():
        entry.owner = users[Role.ENGAGEMENT_LEAD]
        entry.save()
    assert stage_one(cycle)["ethics_log_ready"] is True
    make_ethics_entry(cycle, status="accepted")  # not open: needs no mitigation
    assert stage_one(cycle)["ethics_log_ready"] is True

    with scopes_disabled():
        InclusionPrompts.objects.create(
            organisation=org,
            cycle=cycle,
            missing_groups="a",
            less_trust_voice="b",
            power_holders="c",
        )
    assert stage_one(cycle)["inclusion_prompts_answered"] is False
    with scopes_disabled():
        InclusionPrompts.objects.filter(cycle=cycle).update(differing_experiences="d")
    assert stage_one(cycle)["inclusion_prompts_answered"] is True


def test_items_without_a_measure_show_as_not_yet_measured(org, monkeypatch, client_for, users):
    item = readiness.ReadinessItem("made_up", "A check from a later issue", measure=None)
    monkeypatch.setitem(readiness.CHECKLIST, 1, (*readiness.CHECKLIST[1], item))
    cycle = make_cycle(org)
    assert stage_one(cycle)["made_up"] is None
    body = client_for(users[Role.ADMIN]).get(cycle_url(cycle)).content.decode()
    assert "A check from a later issue" in body and "Not yet measured" in body


def test_readiness_for_many_cycles_takes_the_same_queries(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = [make_cycle(org)]
    many = few + [make_cycle(org, f"Cycle {n}") for n in range(20)]
    for cycle in many[::3]:
        make_data_source(cycle)
        make_ethics_entry(cycle)
    done = []
    with scope(organisation=org.pk):
        for cycles in (few, many):
            with CaptureQueriesContext(connection) as queries:
                readiness.evaluate_many(cycles)
            done.append(len(queries))
    measured = sum(1 for s in readiness.STAGES for i in readiness.CHECKLIST[s] if i.measure)
    assert done[0] == done[1] and measured <= done[0] <= 2 * measured, done


def test_advancing_records_who_when_why_and_what_was_unmet(lead, users, cycle):
    response = lead.post(
        cycle_url(cycle, "stage/advance/"),
        {
            "from_stage": "1",
            "reason": "Listening can start",
            "inclusion_changed": "yes",
            "inclusion_note": "Roma families are missing",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        transition = StageTransition.objects.get(cycle=cycle)
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 2
    assert transition.moved_by == users[Role.ENGAGEMENT_LEAD]
    assert transition.reason == "Listening can start"
    assert transition.inclusion_prompts_changed is True
    assert "case_for_change_written" in {i["key"] for i in transition.unmet_items}
    page = lead.get(cycle_url(cycle)).content.decode()
    assert "Listening can start" in page and "Roma families are missing" in page


def test_advancing_with_everything_met_needs_no_reason(lead, org, monkeypatch):
    met = readiness.ReadinessItem(
        "always", "Always met", measure="cycles.tests.test_behaviour.all_met"
    )
    monkeypatch.setitem(readiness.CHECKLIST, 1, (met,))
    cycle = make_cycle(org)
    response = lead.post(
        cycle_url(cycle, "stage/advance/"), {"from_stage": "1", "inclusion_changed": "no"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert StageTransition.objects.get(cycle=cycle).unmet_items == []


def all_met(cycles):
    return {c.pk: True for c in cycles}


def test_going_back_is_recorded(lead, org):
    cycle = make_cycle(org, current_stage=2)
    page = lead.get(cycle_url(cycle, "stage/back/")).content.decode()
    assert "inclusion_changed" not in page
    response = lead.post(
        cycle_url(cycle, "stage/back/"), {"from_stage": "2", "reason": "No steering group"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        transition = StageTransition.objects.get(cycle=cycle)
        assert (transition.from_stage, transition.to_stage) == (2, 1)
    assert "Went back from stage 2 to stage 1" in lead.get(cycle_url(cycle)).content.decode()


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


def test_a_long_chart_label_wraps_and_pushes_its_bars_down(lead, cycle):
    from cycles.charts import LABEL_CHARS, inequality_chart

    long_group = "Women in the most deprived decile of Leicester's neighbourhoods"
    make_inequality_row(cycle, "Black African", 8.1)
    make_inequality_row(cycle, long_group, 5)
    with scopes_disabled():
        chart = inequality_chart(list(cycle.case_for_change.inequality_rows.order_by("pk")))
    short, long = chart.blocks
    assert len(short.lines) == 1 and len(long.lines) == 2
    assert all(len(line) <= LABEL_CHARS for line in long.lines)
    assert " ".join(long.lines) == long.label
    assert long.bars[0].y - long.label_y > short.bars[0].y - short.label_y  # one line lower
    page = lead.get(cycle_url(cycle, "case-for-change/")).content.decode()
    assert f'<tspan x="0" dy="18">{long.lines[1]}</tspan>' in page.replace("&#x27;", "'")


def test_theory_of_change_order_edit_and_agreement(lead, cycle):
    first, second = (
        make_toc_item(cycle, text="First"),
        make_toc_item(cycle, text="Second", position=1),
    )
    base = cycle_url(cycle, "theory-of-change/")
    response = lead.post(
        f"{base}items/{second.pk}/move/", {"direction": "up"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'id="toc-body"' in response.content.decode()
    assert response["HX-Retarget"] == "#toc-body"
    with scopes_disabled():
        assert list(
            TheoryOfChangeItem.objects.order_by("position").values_list("text", flat=True)
        ) == [
            "Second",
            "First",
        ]
    lead.post(base + "agree/", {"agreed_on": timezone.localdate().isoformat()})
    lead.post(f"{base}items/{first.pk}/edit/", {"kind": "input", "text": "First, reworded"})
    with scopes_disabled():
        agreed = dict(TheoryOfChangeItem.objects.values_list("text", "agreed_on"))
    assert agreed["Second"] == timezone.localdate()
    assert agreed["First, reworded"] is None  # edited after agreement: needs agreeing again


def test_ethics_log_sorted_by_risk_with_overdue_reviews(lead, cycle):
    today = timezone.localdate()
    make_ethics_entry(cycle, consideration="Low risk", likelihood=1, impact=2)
    make_ethics_entry(
        cycle,
        consideration="High risk",
        likelihood=5,
        impact=5,
        review_date=today - timedelta(days=1),
    )
    make_ethics_entry(
        cycle,
        consideration="Closed old",
        likelihood=2,
        impact=2,
        status="closed",
        review_date=today - timedelta(days=9),
    )
    page = lead.get(cycle_url(cycle, "ethics/")).content.decode()
    assert page.index("High risk") < page.index("Closed old") < page.index("Low risk")
    assert page.count("Review overdue</strong>") == 1 and "1 review overdue" in page


def test_list_filters_and_search(lead, org, users):
    make_cycle(org, "Maternity in Leicester", status="active", lead=users[Role.ENGAGEMENT_LEAD])
    make_cycle(org, "Diabetes in Derby", status="draft", current_stage=3, place="Derby")
    url = f"/o/{org.slug}/cycles/"
    assert "Diabetes in Derby" not in lead.get(url, {"q": "leicester"}).content.decode()
    assert "Maternity in Leicester" not in lead.get(url, {"stage": "3"}).content.decode()
    assert "Maternity in Leicester" not in lead.get(url, {"status": "draft"}).content.decode()
    only_mine = lead.get(url, {"lead": users[Role.ENGAGEMENT_LEAD].pk}).content.decode()
    assert "Maternity in Leicester" in only_mine and "Diabetes in Derby" not in only_mine
    partial = lead.get(url, {"q": "derby"}, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="cycle-results"') and "Diabetes in Derby" in partial


def test_new_cycle_gets_a_unique_slug_that_survives_renaming(lead, org):
    data = {"title": "Maternity", "inequality": "Gap", "place": "Leicester", "status": "draft"}
    lead.post(f"/o/{org.slug}/cycles/new/", data)
    lead.post(f"/o/{org.slug}/cycles/new/", data)
    with scopes_disabled():
        slugs = sorted(Cycle.objects.values_list("slug", flat=True))
        assert slugs == ["maternity", "maternity-2"]
        cycle = Cycle.objects.get(slug="maternity")
    lead.post(cycle_url(cycle, "edit/"), data | {"title": "Maternity renamed"})
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).slug == "maternity"


def test_dashboard_summarises_cycles_by_stage(client_for, users, org, cycle):
    make_cycle(org, "Not theirs")
    page = client_for(users[Role.COMMUNITY_LEAD]).get(f"/o/{org.slug}/").content.decode()
    assert "1 open cycle you are part of" in page and cycle.title in page


def test_seed_demo_is_idempotent():
    from django.core.management import call_command

    call_command("seed_demo")
    with scopes_disabled():
        before = (
            Cycle.objects.count(),
            TheoryOfChangeItem.objects.count(),
            CaseForChangeRevision.objects.count(),
        )
        cycle = Cycle.objects.get(slug="maternity-and-neonatal-services-leicester")
        case = CaseForChange.objects.get(cycle=cycle)
        assert case.status == "agreed" and case.inequality_rows.count() >= 2
    call_command("seed_demo")
    with scopes_disabled():
        after = (
            Cycle.objects.count(),
            TheoryOfChangeItem.objects.count(),
            CaseForChangeRevision.objects.count(),
        )
    assert before == after
    assert stage_one(cycle)["case_for_change_written"] is True
