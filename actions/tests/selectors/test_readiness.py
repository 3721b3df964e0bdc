"""Stage 4 and 5 readiness items measured from the plan, escalations and report-backs."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.models import Evaluation, PlanStatus, PriorityRanking, RippleEffect
from actions.selectors.readiness import (
    escalations_decided,
    evaluation_written,
    priorities_ranked,
    progress_updates_on_time,
)
from cycles.selectors import readiness
from cycles.tests.builders import make_cycle
from feedback.selectors.readiness import report_back_published
from feedback.tests.builders import make_report_back

from ..builders import (
    make_action,
    make_escalation,
    make_plan,
    make_priority,
    make_update,
)

pytestmark = pytest.mark.django_db


def _measure(measure, cycles):
    with scope(organisation=cycles[0].organisation_id):
        return measure(cycles)


def test_priorities_ranked_needs_a_ranking_and_an_agreed_set(org, users):
    lead = users["community_lead"]
    ranked_and_agreed, ranked_only, agreed_only = (
        make_cycle(org, title=t) for t in ("Ranked and agreed", "Ranked only", "Agreed only")
    )
    for cycle, agreed in ((ranked_and_agreed, True), (ranked_only, False)):
        priority = make_priority(cycle, agreed_on=date(2026, 5, 1) if agreed else None)
        with scopes_disabled():
            PriorityRanking.objects.create(
                organisation=org, cycle=cycle, lead=lead, priority=priority, position=1
            )
    make_priority(agreed_only, agreed_on=date(2026, 5, 1))

    met = _measure(priorities_ranked, [ranked_and_agreed, ranked_only, agreed_only])

    assert met == {ranked_and_agreed.pk: True, ranked_only.pk: False, agreed_only.pk: False}


def test_progress_updates_on_time_in_delivery_with_nothing_overdue(org):
    on_time, late, not_delivering = (
        make_cycle(org, title=t) for t in ("On time", "Late", "Still drafting")
    )
    now = timezone.now()
    for cycle in (on_time, late):
        make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=now - timedelta(days=90))
    fresh = make_action(on_time, start_date=date(2025, 1, 1), cadence_days=28)
    make_update(fresh, when=now - timedelta(days=3))
    stale = make_action(late, start_date=date(2025, 1, 1), cadence_days=28)
    make_update(stale, when=now - timedelta(days=40))
    make_plan(not_delivering)

    met = _measure(progress_updates_on_time, [on_time, late, not_delivering])

    assert met == {on_time.pk: True, late.pk: False, not_delivering.pk: False}


def test_escalations_decided_counts_only_undecided_ones(org, users):
    decided, waiting, none = (make_cycle(org, title=t) for t in ("Decided", "Waiting", "None"))
    escalation = make_escalation(make_action(decided))
    with scopes_disabled():
        escalation.decision = "Fund interpreters from the winter budget."
        escalation.decided_at = timezone.now()
        escalation.decided_by = users["governance"]
        escalation.save()
    make_escalation(make_action(waiting))

    met = _measure(escalations_decided, [decided, waiting, none])

    assert met == {decided.pk: True, waiting.pk: False, none.pk: True}


def test_report_back_published_only_when_published(org):
    published, draft = make_cycle(org, title="Published"), make_cycle(org, title="Draft")
    make_report_back(published, published_at=timezone.now())
    make_report_back(draft)

    met = _measure(report_back_published, [published, draft])

    assert met == {published.pk: True, draft.pk: False}


def test_the_cycle_checklist_now_measures_these_items(org):
    cycle = make_cycle(org)
    make_report_back(cycle, published_at=timezone.now())
    with scope(organisation=org.pk):
        by_stage = readiness.evaluate(cycle)
    results = {r.item.key: r.met for s in (4, 5) for r in by_stage[s].results}
    assert results["report_back_published"] is True
    assert results["priorities_ranked"] is False
    assert results["escalations_decided"] is True
    assert results["progress_updates_on_time"] is False


def test_evaluation_written_needs_both_reflections_some_evidence_and_a_ripple(org):
    complete, no_evidence, no_ripple, nothing = (
        make_cycle(org, title=t) for t in ("Complete", "No evidence", "No ripple", "Nothing")
    )
    reflections = {"what_worked": "Cafés in the mosque hall.", "what_to_adapt": "Start earlier."}
    with scopes_disabled():
        for cycle, evidence in ((complete, True), (no_evidence, False), (no_ripple, True)):
            Evaluation.objects.create(
                organisation=org,
                cycle=cycle,
                evidence_system="The board moved the clinic." if evidence else "",
                **reflections,
            )
        for cycle in (complete, no_evidence):
            RippleEffect.objects.create(
                organisation=org,
                cycle=cycle,
                description="Parents joined the board",
                level="system",
            )

    met = _measure(evaluation_written, [complete, no_evidence, no_ripple, nothing])

    assert met == {complete.pk: True, no_evidence.pk: False, no_ripple.pk: False, nothing.pk: False}


def test_readiness_item_is_wired_into_the_cycle_checklist(org, cycle):
    make_action(cycle)
    with scope(organisation=org.pk):
        stage4 = readiness.evaluate(cycle, stages=[4])[4]  # Co-production and action
    item = next(r for r in stage4.results if r.key == "action_plan_signed_off")
    assert item.met is False
