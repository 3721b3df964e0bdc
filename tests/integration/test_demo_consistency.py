"""The demo tells one story: activities are held where their titles say, the plan's
approvals are dated the day it was signed off, nothing that happened is dated in the future,
and the stages happen in order (listen, agree priorities, plan, sign off, deliver, report
back), all relative to the day of seeding."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from actions.models import (
    Action,
    ActionPlan,
    Escalation,
    Priority,
    ProgressUpdate,
    RoundStatus,
    SignOff,
    SignOffRound,
)
from cycles.models import Cycle
from cycles.services.demo import MATERNITY_SLUG
from feedback.models import ActivityStatus, EngagementActivity, Insight, ReportBack
from stakeholders.models import Stakeholder
from t2a.services.demo import demo_data_seed, demo_organisation_seed

pytestmark = pytest.mark.django_db

# Places a title can name, beyond the demo's Trusted Places.
LOCALITIES = ["Braunstone"]


def day(value: datetime | date) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def test_demo_dates_and_places_agree_with_each_other():
    demo = demo_organisation_seed()
    demo_data_seed(demo)
    today = timezone.localdate()
    with scope(organisation=demo.organisation.pk):
        cycle = Cycle.objects.get(slug=MATERNITY_SLUG)
        places = Stakeholder.objects.filter(trusted_place=True)
        words = [p.name.split()[0] for p in places] + LOCALITIES
        activities = list(EngagementActivity.objects.filter(cycle=cycle).select_related("venue"))
        for activity in activities:
            where = activity.venue.name if activity.venue else activity.venue_text
            for word in words:
                if word.lower() in activity.title.lower():
                    assert word.lower() in where.lower(), (activity.title, where)
        happened = [a for a in activities if a.status != ActivityStatus.PLANNED]
        assert all(cycle.start_date <= a.held_on < today for a in happened)
        assert all(a.held_on > today for a in activities if a.status == ActivityStatus.PLANNED)
        last_listened = max(a.held_on for a in happened)

        insights = list(Insight.objects.filter(cycle=cycle).select_related("activity"))
        for insight in insights:
            assert day(insight.captured_at) <= today
            if insight.activity:
                assert day(insight.captured_at) >= insight.activity.held_on
        last_heard = max(day(i.captured_at) for i in insights)

        agreed = {p.agreed_on for p in Priority.objects.filter(cycle=cycle)}
        assert len(agreed) == 1
        (agreed_on,) = agreed
        assert max(last_listened, last_heard) <= agreed_on

        plan = ActionPlan.objects.get(cycle=cycle)
        signed_off = day(plan.signed_off_at)
        assert signed_off < today
        actions = list(Action.objects.filter(plan=plan))
        assert all(agreed_on <= day(a.created_at) <= signed_off for a in actions)
        assert all(a.start_date >= signed_off for a in actions)

        signed_round = SignOffRound.objects.get(plan=plan, status=RoundStatus.SIGNED_OFF)
        assert agreed_on <= day(signed_round.sent_at) <= signed_off
        assert day(signed_round.closed_at) == signed_off
        approvals = list(SignOff.objects.filter(round__plan=plan))
        assert approvals
        assert {day(s.decided_at) for s in approvals} == {signed_off}

        updates = list(ProgressUpdate.objects.filter(action__plan=plan))
        assert updates
        assert all(signed_off <= day(u.created_at) <= today for u in updates)
        # Numbers are measured on the day the update that gives them was written.
        measured = [u for u in updates if u.measured_on is not None]
        assert measured
        assert all(u.measured_on == day(u.created_at) for u in measured)
        for escalation in Escalation.objects.filter(action__plan=plan):
            assert signed_off <= day(escalation.raised_at) <= today

        for report_back in ReportBack.objects.filter(cycle=cycle).exclude(published_at=None):
            assert last_heard <= day(report_back.published_at) <= today
            linked = report_back.progress_updates.all()
            assert all(day(u.created_at) <= day(report_back.published_at) for u in linked)
