"""Trust-indicator arithmetic on hand-built cases, and the sparkline's markup."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scope

from actions.models import PlanStatus
from actions.selectors.indicators import months_ending, sparkline, trust_indicators
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_activity, make_insight
from stakeholders.selectors.indicators import commitment_kept_rate
from stakeholders.tests.builders import make_commitment, make_conversation
from t2a.models import Membership, Role

from ..builders import make_action, make_plan, make_update

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 3, 15)


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=LONDON)


def indicators(org, user, cycle=None, cycles=()):
    with scope(organisation=org.pk):
        membership = Membership.objects.get(user=user)
        found = trust_indicators(
            organisation=org,
            membership=membership,
            cycles=list(cycles),
            cycle=cycle,
            today=TODAY,
        )
    return {i.key: i for i in found}


def trend(indicator) -> dict[date, float | None]:
    return dict(indicator.trend)


def test_months_run_from_eleven_months_back_to_this_month():
    months = months_ending(TODAY)
    assert months[0] == date(2025, 4, 1) and months[-1] == date(2026, 3, 1)
    assert len(months) == 12


def test_latency_is_the_median_of_answered_insight_and_counts_the_unanswered(org, users, cycle):
    make_insight(cycle, captured_at=at(2026, 1, 5), answered_at=at(2026, 1, 15))  # 10 days
    make_insight(cycle, captured_at=at(2026, 1, 5), answered_at=at(2026, 2, 4))  # 30, late
    make_insight(cycle, captured_at=at(2026, 2, 1), answered_at=at(2026, 2, 15))  # 14 days
    make_insight(cycle, captured_at=at(2026, 2, 1))  # never answered
    make_insight(cycle, captured_at=at(2026, 2, 2))  # never answered
    make_insight(
        cycle,
        captured_at=at(2026, 2, 3),
        out_of_scope_at=at(2026, 2, 9),
        out_of_scope_reason="A national decision",
    )
    latency = indicators(org, users[Role.ADMIN], cycle=cycle)["latency"]
    assert latency.figure == "14 days"
    assert "2 still unanswered" in latency.detail
    assert trend(latency)[date(2026, 1, 1)] == 10
    assert trend(latency)[date(2026, 2, 1)] == 22  # median of 30 and 14, by month answered
    assert trend(latency)[date(2026, 3, 1)] is None
    assert latency.links[0].text == "2 still unanswered"
    assert latency.links[0].url.endswith(f"/cycles/{cycle.pk}/insights/?closure=unanswered")


def test_with_nothing_answered_latency_says_so(org, users, cycle):
    make_insight(cycle, captured_at=at(2026, 2, 1))
    latency = indicators(org, users[Role.ADMIN], cycle=cycle)["latency"]
    assert latency.figure == "No answers yet"
    assert "1 still unanswered" in latency.detail


def test_on_time_counts_updates_by_their_due_date_and_silence_as_late(org, users, cycle):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=at(2026, 1, 1))
    action = make_action(cycle, owner=users[Role.COMMUNITY_LEAD], cadence_days=14)
    make_action(cycle, "Not yet started", start_date=date(2026, 3, 10), due_date=date(2026, 6, 1))
    make_update(action, when=at(2026, 1, 10))  # due 15 Jan: on time
    make_update(action, when=at(2026, 1, 30))  # due 24 Jan: late
    make_update(action, when=at(2026, 2, 10))  # due 13 Feb: on time
    # Next due 24 Feb; nothing by 15 March: one update missing.
    on_time = indicators(org, users[Role.ADMIN], cycle=cycle)["on_time"]
    assert on_time.figure == "50%"
    assert on_time.detail.startswith("2 of 4 updates owed")
    assert "1 late, 1 still missing" in on_time.detail
    assert trend(on_time)[date(2026, 1, 1)] == 50
    assert trend(on_time)[date(2026, 2, 1)] == 50  # on time on 10 Feb, missing from 24 Feb
    assert trend(on_time)[date(2026, 3, 1)] is None
    assert on_time.links[0].text == "1 overdue now"


def test_on_time_rate_with_every_update_on_time(org, users, cycle):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=at(2026, 2, 1))
    action = make_action(cycle, owner=users[Role.COMMUNITY_LEAD], cadence_days=28)
    make_update(action, when=at(2026, 2, 20))
    make_update(action, when=at(2026, 3, 10))
    on_time = indicators(org, users[Role.ADMIN], cycle=cycle)["on_time"]
    assert on_time.figure == "100%"


def test_commitments_kept_late_do_not_count_as_kept(org, users, cycle):
    lead = users[Role.ENGAGEMENT_LEAD]
    conversation = make_conversation(org, lead, held_on=date(2026, 2, 1), cycle=cycle)
    make_commitment(conversation, lead, date(2026, 2, 10), kept_on=date(2026, 2, 12))  # late
    make_commitment(conversation, lead, date(2026, 2, 20), kept_on=date(2026, 2, 19))  # kept
    make_commitment(conversation, lead, date(2026, 3, 1))  # open, date passed
    make_commitment(conversation, lead, date(2026, 3, 30))  # open, not yet due
    kept = indicators(org, users[Role.ADMIN], cycle=cycle)["commitments"]
    assert kept.figure == "33%"
    assert kept.detail.startswith("1 of 3 promises")
    assert trend(kept)[date(2026, 2, 1)] == 50
    assert trend(kept)[date(2026, 3, 1)] == 0
    with scope(organisation=org.pk):
        rate = commitment_kept_rate(
            organisation=org, start=date(2025, 4, 1), end=None, as_of=TODAY, cycle=cycle
        )
    assert (rate.kept_on_time, rate.due) == (1, 3)


def test_closure_and_reach(org, users, cycle):
    cycle.population_groups = ["Somali women", "Young fathers"]
    cycle.save()
    make_insight(cycle, captured_at=at(2026, 1, 5), answered_at=at(2026, 1, 15))
    make_insight(cycle, captured_at=at(2026, 1, 6))
    make_insight(
        cycle, captured_at=at(2026, 2, 3), out_of_scope_at=at(2026, 2, 9), out_of_scope_reason="X"
    )
    make_activity(cycle, held_on=date(2026, 2, 14), participants=9, reach={"Somali women": 7})
    make_activity(cycle, "Planned", held_on=date(2026, 4, 1), status="planned", participants=None)
    found = indicators(org, users[Role.ADMIN], cycle=cycle)
    closure = found["closure"]
    assert closure.figure == "67%"
    assert trend(closure)[date(2026, 1, 1)] == 50
    assert trend(closure)[date(2026, 2, 1)] == 100
    reach = found["reach"]
    assert reach.figure == "1 of 2 groups"
    assert reach.detail.startswith("9 participants in 1 activity held")
    assert trend(reach)[date(2026, 2, 1)] == 9


def test_meaningful_conversations_per_month(org, users, cycle):
    lead = users[Role.ENGAGEMENT_LEAD]
    for day in (3, 10, 17):
        make_conversation(org, lead, held_on=date(2026, 2, day), cycle=cycle)
    make_conversation(org, lead, held_on=date(2026, 3, 2), cycle=cycle, meaningful=False)
    found = indicators(org, users[Role.ADMIN], cycle=cycle)["conversations"]
    assert found.figure == "0.2 a month"  # 3 in 12 months
    assert trend(found)[date(2026, 2, 1)] == 3
    assert trend(found)[date(2026, 3, 1)] == 0


def test_organisation_figures_add_up_the_cycles(org, users, cycle):
    other = make_cycle(org, "Diabetes", slug="diabetes")
    make_insight(cycle, captured_at=at(2026, 1, 5), answered_at=at(2026, 1, 15))
    make_insight(other, captured_at=at(2026, 1, 5), answered_at=at(2026, 2, 4))
    make_insight(other, captured_at=at(2026, 1, 5))
    found = indicators(org, users[Role.ADMIN], cycles=[cycle, other])
    assert found["latency"].figure == "20 days"
    assert "1 still unanswered" in found["latency"].detail
    assert found["closure"].figure == "67%"


def test_sparkline_uses_presentation_attributes_and_leaves_gaps():
    svg = str(sparkline([1, 2, None, 4, 5, None], label="A trend"))
    assert "style=" not in svg
    assert 'role="img"' in svg and 'aria-label="A trend"' in svg
    assert svg.count("<polyline") == 2  # two runs either side of the gap
    assert 'stroke="#005eb8"' in svg
    empty = str(sparkline([None] * 12, label="Nothing yet"))
    assert "<polyline" not in empty and "<title>Nothing yet</title>" in empty
