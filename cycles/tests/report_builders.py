"""A cycle with something in every report section, for the PDF report tests."""

from datetime import date, timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import SignOff, SignOffRound
from actions.tests.builders import make_action, make_plan, make_priority
from cycles.models import Cycle, EthicsLogEntry
from feedback.tests.builders import make_activity, make_insight, make_theme
from stakeholders.tests.builders import link, make_stakeholder, make_steering_member

from .builders import (
    make_case_for_change,
    make_cycle,
    make_data_source,
    make_inequality_row,
    make_toc_item,
)


def make_report_cycle(org, users, *, actions: int = 3, rows: int = 2, title=None) -> Cycle:
    from t2a.models import Role

    cycle = make_cycle(
        org,
        title or "Maternity services in Northgate",
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD],),
        governance_members=(users[Role.GOVERNANCE],),
        population_groups=["Black African women", "Somali women"],
    )
    make_case_for_change(
        cycle,
        inequality_addressed="Black African women in Northgate are twice as likely to lose a baby.",
        most_affected="Women who arrived recently and work shifts.",
    )
    make_data_source(cycle, "Northgate JSNA 2025")
    for n in range(rows):
        make_inequality_row(cycle, group=f"Black African {n + 1}", value=8.1 + n)
    make_toc_item(cycle)
    with scopes_disabled():
        EthicsLogEntry.objects.create(
            organisation=org,
            cycle=cycle,
            consideration="Women may fear immigration checks",
            category="confidentiality",
            likelihood=3,
            impact=4,
            mitigation="Meet away from NHS premises",
        )
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
