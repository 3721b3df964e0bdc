"""The priorities' views: the combined ranking, drawing one up (themes and insight it
answers), a community lead's ranking and the agreed set."""

import pytest
from django_scopes import scope, scopes_disabled

from actions.models import Priority, PriorityRanking
from actions.selectors.priorities import combined_ranking, lead_ranking
from actions.services.priorities import priority_rank
from cycles.tests.builders import make_cycle
from feedback.selectors.insight import insight_closure
from feedback.tests.builders import make_insight, make_theme
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from ..builders import make_priority

pytestmark = pytest.mark.django_db

CL = {Role.COMMUNITY_LEAD}


@pytest.fixture
def base(org):
    return f"/o/{org.slug}/actions/"


def test_outsiders_and_members_off_the_cycle_get_404(client_for, org, base, cycle, outsider):
    priority = make_priority(cycle)
    off_cycle = make_member(org, Role.COMMUNITY_LEAD, "off.cycle@northgate.example.org")
    assert client_for(outsider).get(f"{base}cycles/{cycle.pk}/priorities/").status_code == 404
    assert client_for(off_cycle).get(f"{base}cycles/{cycle.pk}/priorities/").status_code == 404
    assert client_for(off_cycle).get(f"{base}cycles/{cycle.pk}/priorities/rank/").status_code == 404
    for url in (
        f"{base}cycles/{cycle.pk}/priorities/new/",
        f"{base}cycles/{cycle.pk}/priorities/agree/",
        f"{base}priorities/{priority.pk}/edit/",
    ):
        assert client_for(outsider).post(url, {"title": "Taken over"}).status_code == 404, url
    with scopes_disabled():
        assert list(Priority.objects.values_list("title", flat=True)) == [priority.title]


def test_everyone_on_the_cycle_reads_the_priorities(client_for, users, base, cycle):
    make_priority(cycle)
    assert_role_matrix(client_for, users, f"{base}cycles/{cycle.pk}/priorities/", get=ALL_ROLES)


def test_priority_writing_is_for_staff(client_for, users, base, cycle):
    priority = make_priority(cycle)
    data = lambda role: {"title": f"Priority by {role.value}"}  # noqa: E731
    assert_role_matrix(
        client_for, users, f"{base}cycles/{cycle.pk}/priorities/new/", get=STAFF, post=STAFF,
        data=data,
    )  # fmt: skip
    assert_role_matrix(
        client_for, users, f"{base}priorities/{priority.pk}/edit/", get=STAFF, post=STAFF,
        data=data,
    )  # fmt: skip
    assert_role_matrix(
        client_for, users, f"{base}cycles/{cycle.pk}/priorities/agree/", get=STAFF, post=STAFF,
        data={"priorities": [priority.pk], "agreed_on": "2026-01-01"},
    )  # fmt: skip


def test_only_community_leads_rank(client_for, users, base, cycle):
    priority = make_priority(cycle)
    assert_role_matrix(
        client_for, users, f"{base}cycles/{cycle.pk}/priorities/rank/", get=CL, post=CL,
        data={f"position_{priority.pk}": "1"},
    )  # fmt: skip


def test_creating_a_priority_links_themes_and_answers_insight(client_for, users, org, cycle):
    theme = make_theme(cycle, "Appointment times")
    linked = make_insight(cycle, "Evening clinics would help.")
    make_insight(cycle, "Not linked.")
    out = make_insight(cycle, "Out of scope one.")
    with scopes_disabled():
        out.out_of_scope_at, out.out_of_scope_reason = out.captured_at, "National policy"
        out.save()
        before = insight_closure(cycle)[cycle.pk]
    assert (before.answered, before.out_of_scope, before.unanswered) == (0, 1, 2)

    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/new/",
        {"title": "Appointments that fit working lives", "themes": [theme.pk],
         "insights": [linked.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    with scopes_disabled():
        priority = Priority.objects.get()
        assert list(priority.themes.all()) == [theme]
        assert list(priority.insights.all()) == [linked]
        after = insight_closure(cycle)[cycle.pk]
    assert (after.answered, after.out_of_scope, after.unanswered) == (1, 1, 1)


def test_combined_ranking_counts_each_leads_order(org, cycle, users, two_leads, client_for):
    _, second_lead = two_leads
    a, b, c = (make_priority(cycle, t) for t in ("Access", "Buses", "Childcare"))
    with scope(organisation=org.pk):
        priority_rank(cycle=cycle, lead=users[Role.COMMUNITY_LEAD], order=[b, a, c])
        priority_rank(cycle=cycle, lead=second_lead, order=[b, c, a])
        ranked, leads = combined_ranking(cycle=cycle)
    assert leads == 2
    assert [(r.priority.title, r.points, r.ranked_by) for r in ranked] == [
        ("Buses", 6, 2), ("Access", 3, 2), ("Childcare", 3, 2),
    ]  # fmt: skip
    page = client_for(users[Role.GOVERNANCE]).get(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/"
    )
    assert "Ranked by 2 of 2 community leads." in page.content.decode()


def test_ranking_again_replaces_the_leads_order(org, cycle, users, client_for):
    a, b = make_priority(cycle, "Access"), make_priority(cycle, "Buses")
    client = client_for(users[Role.COMMUNITY_LEAD])
    url = f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/rank/"
    client.post(url, {f"position_{a.pk}": "1", f"position_{b.pk}": "2"})
    response = client.post(url, {f"position_{a.pk}": "2", f"position_{b.pk}": "1"})
    assert response.status_code == 302
    with scope(organisation=org.pk):
        assert lead_ranking(cycle=cycle, lead=users[Role.COMMUNITY_LEAD]) == {
            a.pk: 2, b.pk: 1,
        }  # fmt: skip


# --- bad input ------------------------------------------------------------------------------


def test_insight_of_another_cycle_cannot_be_linked(client_for, users, org, cycle):
    foreign = make_insight(make_cycle(org, "Other"), "Elsewhere")
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/new/",
        {"title": "A priority", "insights": [foreign.pk]},
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not Priority.objects.exists()


def test_ranking_with_a_position_used_twice(client_for, users, org, cycle):
    first, second = make_priority(cycle, "One"), make_priority(cycle, "Two")
    response = client_for(users[Role.COMMUNITY_LEAD]).post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/rank/",
        {f"position_{first.pk}": "1", f"position_{second.pk}": "1"},
    )
    assert response.status_code == 400
    assert "use each position once" in response.content.decode()
    with scopes_disabled():
        assert not PriorityRanking.objects.exists()
