"""Themes (views/themes.py): the synthesis, merging, and suggestions while typing."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from feedback.models import Insight, InsightTheme, Theme
from feedback.tests.builders import (
    count_queries,
    grow_insight,
    make_activity,
    make_insight,
    make_theme,
)
from feedback.tests.conftest import url
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db

CAPTURERS = STAFF | {Role.COMMUNITY_LEAD}


def test_another_organisations_admin_gets_404(client_for, outsider, org, cycle, theme):
    client = client_for(outsider)
    for path in (
        url(org, "theme_list", cycle.pk),
        url(org, "theme_suggest", cycle.pk) + "?themes=tra",
        url(org, "theme_merge", theme.pk),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(url(org, "theme_merge", theme.pk)).status_code == 404


def test_a_community_lead_not_on_the_cycle_gets_404(client_for, org, cycle):
    stranger = make_member(org, Role.COMMUNITY_LEAD, "other.lead@northgate.example.org")
    response = client_for(stranger).get(url(org, "theme_list", cycle.pk))
    assert response.status_code == 404


def test_theme_list_and_merge(client_for, users, org, cycle, insight, theme):
    assert_role_matrix(client_for, users, url(org, "theme_list", cycle.pk), get=ALL_ROLES)
    targets = {}

    def merge_url(role):
        # A fresh pair of themes per role, so each POST has something to merge.
        source = make_theme(cycle, f"Source {role.value}")
        targets[role] = make_theme(cycle, f"Target {role.value}")
        return url(org, "theme_merge", source.pk)

    assert_role_matrix(
        client_for,
        users,
        merge_url,
        get=STAFF,
        post=STAFF,
        data=lambda role: {"target": targets[role].pk},
    )


def test_theme_suggest(client_for, users, org, cycle, theme):
    assert_role_matrix(
        client_for,
        users,
        url(org, "theme_suggest", cycle.pk) + "?themes=tra",
        get=CAPTURERS,
        htmx=True,
    )


def test_merge_moves_every_insight_and_leaves_no_orphan(client_for, users, org, cycle):
    buses = make_theme(cycle, "Buses")
    transport = make_theme(cycle, "Transport")
    only_buses = [make_insight(cycle, f"Bus {n}", themes=[buses]) for n in range(3)]
    both = make_insight(cycle, "Bus and train", themes=[buses, transport])
    only_transport = make_insight(cycle, "Train", themes=[transport])

    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        url(org, "theme_merge", buses.pk), {"target": transport.pk}, follow=True
    )
    assert "merged into" in response.content.decode()
    with scopes_disabled():
        assert not Theme.objects.filter(pk=buses.pk).exists()
        assert not InsightTheme.objects.filter(theme_id=buses.pk).exists()
        tagged = set(transport.insights.values_list("pk", flat=True))
        assert tagged == {i.pk for i in [*only_buses, both, only_transport]}
        # The insight that had both keeps a single link.
        assert InsightTheme.objects.filter(insight=both).count() == 1
        assert Insight.objects.count() == 5


def test_merge_refuses_a_theme_of_another_cycle(client_for, users, org, cycle):
    elsewhere = make_theme(make_cycle(org, "Other"), "Transport")
    source = make_theme(cycle, "Buses")
    make_insight(cycle, "Bus", themes=[source])
    response = client_for(users[Role.ADMIN]).post(
        url(org, "theme_merge", source.pk), {"target": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "Choose one of this cycle" in response.content.decode()
    with scopes_disabled():
        assert Theme.objects.filter(pk=source.pk).exists()


def test_synthesis_shows_counts_activities_groups_and_insights(client_for, users, org, cycle):
    cafe = make_activity(cycle, "Café at the mosque")
    popup = make_activity(cycle, "Library pop-up")
    transport = make_theme(cycle, "Transport")
    make_theme(cycle, "Unused")
    make_insight(
        cycle, "Bus is late", activity=cafe, themes=[transport], population_group="Somali families"
    )
    make_insight(cycle, "No parking", activity=popup, themes=[transport])
    make_insight(cycle, "Taxi costs", themes=[transport], population_group="Black African women")
    make_insight(cycle, "Fourth one", themes=[transport])
    body = client_for(users[Role.GOVERNANCE]).get(url(org, "theme_list", cycle.pk))
    text = body.content.decode()
    assert "4 insights" in text
    assert "Café at the mosque" in text and "Library pop-up" in text
    assert "Black African women, Somali families" in text
    assert "Fourth one" in text and "Taxi costs" in text and "No parking" in text
    assert "Bus is late" not in text  # only the latest three per theme
    assert text.index("Transport") < text.index("Unused")


def test_theme_suggestions_match_what_is_being_typed(client_for, users, org, cycle):
    for name in ["Transport", "Translation", "Housing", "Trust in services"]:
        make_theme(cycle, name)
    client = client_for(users[Role.COMMUNITY_LEAD])
    htmx = {"HX-Request": "true"}
    body = client.get(
        url(org, "theme_suggest", cycle.pk) + "?themes=Housing, tra", headers=htmx
    ).content.decode()
    assert "Transport" in body and "Translation" in body
    assert "Housing" not in body.split("match")[1]  # already chosen, not suggested again
    assert "<html" not in body
    new = client.get(
        url(org, "theme_suggest", cycle.pk) + "?themes=Childcare", headers=htmx
    ).content.decode()
    assert "is a new theme" in new
    picked = client.get(
        url(org, "theme_suggest", cycle.pk) + "?themes=Housing, tra&pick=Transport",
        headers=htmx,
    ).content.decode()
    assert 'value="Housing, Transport, "' in picked


def test_suggestions_never_cross_cycles(client_for, users, org, cycle):
    other = make_cycle(org, "Another cycle")
    make_theme(other, "Transport elsewhere")
    body = client_for(users[Role.ADMIN]).get(
        url(org, "theme_suggest", cycle.pk) + "?themes=trans", headers={"HX-Request": "true"}
    )
    assert "Transport elsewhere" not in body.content.decode()


def test_sensitive_insight_is_left_out_of_theme_counts_for_others(
    client_for, users, org, cycle, sensitive
):
    body = client_for(users[Role.GOVERNANCE]).get(url(org, "theme_list", cycle.pk))
    assert "0 insights" in body.content.decode()
    body = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, "theme_list", cycle.pk))
    assert "1 insight" in body.content.decode()


THEME_LIST_QUERIES = 9  # measured, then written down: a per-row query breaks this


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD])
def test_query_counts_do_not_grow_with_insight(
    role, client_for, users, org, cycle, django_assert_max_num_queries
):
    activities = [
        make_activity(cycle, f"Activity {n}", held_on=date(2026, 2, 1 + n)) for n in range(6)
    ]
    themes = [make_theme(cycle, f"Theme {n}") for n in range(12)]
    client = client_for(users[role])
    path = url(org, "theme_list", cycle.pk)
    grow_insight(cycle, activities, themes, 10, users[Role.COMMUNITY_LEAD])
    small = count_queries(client, path)
    grow_insight(cycle, activities, themes, 5000, users[Role.COMMUNITY_LEAD])
    with django_assert_max_num_queries(THEME_LIST_QUERIES):
        large = count_queries(client, path)
    assert large == small, f"{small} queries for 10, {large} for 5,000"
