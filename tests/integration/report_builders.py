"""A cycle with something in every report section (every app's), for the PDF report tests."""

from datetime import date, timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import SignOff, SignOffRound
from actions.tests.builders import make_action, make_plan, make_priority
from cycles.models import Cycle
from cycles.tests.builders import make_stage_one_cycle
from feedback.tests.builders import make_activity, make_insight, make_theme
from stakeholders.tests.builders import link, make_stakeholder, make_steering_member
from t2a.models import Role


def make_report_cycle(org, users, *, actions: int = 3, rows: int = 2, title=None) -> Cycle:
    cycle = make_stage_one_cycle(org, users, rows=rows, title=title)
    stakeholder = make_stakeholder(
        org, "Eastside mosque", trusted_place=True, communities_reached=["Somali women"]
    )
    link(stakeholder, cycle)
    make_steering_member(cycle, "community", stakeholder=stakeholder, role="Chair")
    make_activity(cycle, reach={"Somali women": 9})
    make_activity(cycle, "Café at the children's centre", method="conversation_cafe")
    theme = make_theme(cycle, "Transport")
    make_insight(cycle, themes=[theme])
    priority = make_priority(cycle, "Appointments people can get to", agreed_on=date(2026, 2, 1))
    plan = make_plan(cycle)
    for n in range(actions):
        make_action(
            cycle, "Evening antenatal clinic" if n == 0 else f"Action {n + 1}", priority=priority
        )
    with scopes_disabled():
        now = timezone.now()
        round_ = SignOffRound.objects.create(
            organisation=org,
            plan=plan,
            version=1,
            content_hash="a" * 64,
            snapshot={},
            sent_by=users[Role.ENGAGEMENT_LEAD],
            sent_at=now - timedelta(days=2),
        )
        SignOff.objects.create(
            organisation=org,
            round=round_,
            lead=users[Role.COMMUNITY_LEAD],
            decision="approve",
            comment="This is what we asked for.",
            content_hash="a" * 64,
            decided_at=now - timedelta(days=1),
        )
    return cycle
