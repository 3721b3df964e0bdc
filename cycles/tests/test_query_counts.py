"""The cycle list and cycle home take as many queries for 50 cycles as for one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from cycles.models import StageTransition
from t2a.models import Role

from .builders import (
    make_cycle,
    make_data_source,
    make_ethics_entry,
    make_inequality_row,
    make_toc_item,
)
from .conftest import cycle_url

pytestmark = pytest.mark.django_db


def fill(cycle, users, n: int) -> None:
    for i in range(n):
        make_data_source(cycle, f"Source {i}")
        make_inequality_row(cycle, f"Group {i}", 2 + i)
        make_toc_item(cycle, kind="activity", text=f"Activity {i}", position=i)
        make_ethics_entry(cycle, owner=users[Role.ENGAGEMENT_LEAD])
    with scopes_disabled():
        StageTransition.objects.bulk_create(
            StageTransition(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                from_stage=1 + i % 2,
                to_stage=2 - i % 2,
                moved_by=users[Role.ENGAGEMENT_LEAD],
                reason="Because",
            )
            for i in range(n)
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_cycle_list_and_home_queries_do_not_grow(
    org, users, client_for, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    people = {"community_leads": (users[Role.COMMUNITY_LEAD],), "lead": users[Role.ENGAGEMENT_LEAD]}
    first = make_cycle(org, "First", **people)
    fill(first, users, 1)
    list_url = f"/o/{org.slug}/cycles/"
    small = {"list": count(client, list_url), "home": count(client, cycle_url(first))}
    small["case"] = count(client, cycle_url(first, "case-for-change/"))
    small["ethics"] = count(client, cycle_url(first, "ethics/"))
    small["toc"] = count(client, cycle_url(first, "theory-of-change/"))

    fill(first, users, 30)
    for n in range(49):
        cycle = make_cycle(org, f"Cycle {n}", current_stage=1 + n % 5, **people)
        fill(cycle, users, 2)

    with django_assert_max_num_queries(small["list"]):
        client.get(list_url)
    with django_assert_max_num_queries(small["list"]):
        client.get(list_url, {"page": "2", "q": "cycle"})
    with django_assert_max_num_queries(small["home"]):
        client.get(cycle_url(first))
    for name, suffix in (
        ("case", "case-for-change/"),
        ("ethics", "ethics/"),
        ("toc", "theory-of-change/"),
    ):
        with django_assert_max_num_queries(small[name]):
            client.get(cycle_url(first, suffix))
    print(f"\nquery counts for {role}: {small}")
