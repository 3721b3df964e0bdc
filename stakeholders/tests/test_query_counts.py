"""Page query counts stay the same from 10 to 2,000 stakeholders."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from stakeholders.models import (
    Commitment,
    Conversation,
    Sector,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
)
from t2a.models import Role

from .builders import make_decision, make_meeting

SECTORS = list(Sector.values)


def populate(org, cycle, n: int, staff) -> Stakeholder:
    """n stakeholders on the cycle's map, with conversations and commitments; returns one."""
    with scopes_disabled():
        start = Stakeholder.objects.filter(organisation=org).count()
        rows = Stakeholder.objects.bulk_create(
            Stakeholder(
                organisation=org,
                name=f"Stakeholder {start + i:04d}",
                sector=SECTORS[i % len(SECTORS)],
                influence=i % 5 + 1,
                interest=(i // 5) % 5 + 1,
                trusted_leader=i % 3 == 0,
                trusted_voice=i % 4 == 0,
                trusted_place=i % 7 == 0,
                communities_reached=["Somali women"] if i % 2 else ["Young carers"],
            )
            for i in range(n)
        )
        StakeholderCycle.objects.bulk_create(
            StakeholderCycle(organisation=org, stakeholder=s, cycle=cycle, role="Partner")
            for s in rows
        )
        SteeringGroupMember.objects.bulk_create(
            SteeringGroupMember(organisation=org, cycle=cycle, stakeholder=s, sector=s.sector)
            for s in rows[: min(n, 40)]
        )
        focus = rows[0]
        conversations = Conversation.objects.bulk_create(
            Conversation(
                organisation=org,
                held_on=date(2026, 1, 1) + timedelta(days=i % 300),
                staff_member=staff,
                channel="phone",
                summary=f"Check-in {i}",
                meaningful=i % 2 == 0,
                cycle=cycle,
            )
            for i in range(n // 4 or 1)
        )
        Conversation.stakeholders.through.objects.bulk_create(
            Conversation.stakeholders.through(conversation=c, stakeholder=s)
            for c in conversations
            for s in (focus, rows[-1])
        )
        Commitment.objects.bulk_create(
            Commitment(
                organisation=org,
                conversation=c,
                promise="Call back",
                made_to=focus,
                owner=staff,
                due_on=c.held_on + timedelta(days=7),
                kept_on=c.held_on if i % 3 == 0 else None,
            )
            for i, c in enumerate(conversations)
        )
        meeting = make_meeting(cycle)
        for k in range(3):
            make_decision(meeting, f"Decision {start}-{k}")
    return focus


PAGES = {
    "register": lambda org, cycle, s: reverse("stakeholders:stakeholder_list", args=[org.slug]),
    "register filtered": lambda org, cycle, s: (
        reverse("stakeholders:stakeholder_list", args=[org.slug])
        + f"?cycle={cycle.pk}&tag=leader&q=Stake"
    ),
    "grid": lambda org, cycle, s: reverse("stakeholders:cycle_grid", args=[org.slug, cycle.pk]),
    "3Ts": lambda org, cycle, s: reverse("stakeholders:cycle_trusted", args=[org.slug, cycle.pk]),
    "stakeholder": lambda org, cycle, s: reverse(
        "stakeholders:stakeholder_detail", args=[org.slug, s.pk]
    ),
    "steering group": lambda org, cycle, s: reverse(
        "stakeholders:steering_group", args=[org.slug, cycle.pk]
    ),
    "conversations": lambda org, cycle, s: reverse(
        "stakeholders:conversation_list", args=[org.slug]
    ),
    "summary": lambda org, cycle, s: reverse("stakeholders:stakeholder_summary", args=[org.slug]),
    "cycle page": lambda org, cycle, s: reverse("cycles:cycle_detail", args=[org.slug, cycle.pk]),
    "organisation home": lambda org, cycle, s: reverse("organisation_home", args=[org.slug]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_query_counts_are_constant_from_10_to_2000_stakeholders(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    staff = users[Role.ENGAGEMENT_LEAD]
    focus = populate(org, cycle, 10, staff)
    small = {}
    for name, page in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page(org, cycle, focus))
        assert response.status_code in (200, 403), name
        small[name] = (len(queries), response.status_code)
    populate(org, cycle, 1990, staff)
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2000
    for name, page in PAGES.items():
        count, status = small[name]
        with django_assert_max_num_queries(count):
            response = client.get(page(org, cycle, focus))
        assert response.status_code == status, name
    # The grid stays bounded: at most 25 dots per cell, whatever the data.
    grid = client.get(PAGES["grid"](org, cycle, focus)).context["grid"]
    assert len(grid["dots"]) <= 25 * 25
    assert sum(m.count for m in grid["more"]) + len(grid["dots"]) == 2000
