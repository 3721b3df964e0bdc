"""The annual evaluation's views: reading it, and writing it (staff)."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from actions.models import SECTIONS, Evaluation
from actions.selectors.evaluation import evaluation_what_to_adapt
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from ..builders import make_effect, make_evaluation

pytestmark = pytest.mark.django_db

EVALUATION_PAGE_QUERIES = 20


def url(name: str, org, *args) -> str:
    return reverse(f"actions:{name}", args=[org.slug, *args])


def evaluation_data(**overrides) -> dict:
    return {s.field: "" for s in SECTIONS} | overrides


def test_members_not_on_the_cycle_and_outsiders_get_404(client_for, org, cycle, outsider):
    other_lead = make_member(org, Role.COMMUNITY_LEAD, "other.lead@northgate.example.org")
    other_board = make_member(org, Role.GOVERNANCE, "other.board@northgate.example.org")
    for user in (other_lead, other_board, outsider):
        assert client_for(user).get(url("evaluation", org, cycle.pk)).status_code == 404, user
    response = client_for(outsider).post(
        url("evaluation_edit", org, cycle.pk), evaluation_data(what_worked="Taken over")
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert not Evaluation.objects.exists()


def test_everyone_on_the_cycle_reads_the_evaluation(client_for, users, org, cycle):
    make_effect(cycle)
    assert_role_matrix(client_for, users, url("evaluation", org, cycle.pk), get=ALL_ROLES)


def test_only_staff_write_the_evaluation(client_for, users, org, cycle):
    assert_role_matrix(
        client_for, users, url("evaluation_edit", org, cycle.pk), get=STAFF, post=STAFF,
        data=lambda role: evaluation_data(what_worked=f"Written by {role.value}"),
    )  # fmt: skip


def test_writing_and_reading_the_evaluation(client_for, users, org, cycle):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    page = lead.get(url("evaluation_edit", org, cycle.pk)).text
    for section in SECTIONS:
        assert section.heading in page and section.hint[:40] in page
    assert "Health outcomes take time" in page
    assert 'data-module="nhsuk-character-count"' in page and 'data-maxlength="4000"' in page
    response = lead.post(
        url("evaluation_edit", org, cycle.pk),
        evaluation_data(
            what_worked="  Cafés at the mosque brought 40 women.  ",
            what_to_adapt="Start the evening clinic sooner.",
            evidence_health="Early bookings rose from 58% to 66%.",
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        saved = Evaluation.objects.get(cycle=cycle)
    assert saved.what_worked == "Cafés at the mosque brought 40 women."
    assert saved.updated_by == users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        assert evaluation_what_to_adapt(cycle) == "Start the evening clinic sooner."
    board = client_for(users[Role.GOVERNANCE]).get(url("evaluation", org, cycle.pk)).text
    assert "Cafés at the mosque brought 40 women." in board
    assert "Early bookings rose from 58% to 66%." in board
    assert "3 of 8 sections written" in board
    assert "Edit the evaluation" not in board
    assert "Not written yet." in board


# --- bad input ------------------------------------------------------------------------------


def test_a_section_too_long_is_refused_with_the_error_summary(client_for, users, org, cycle):
    make_evaluation(cycle, what_worked="Kept as it was")
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    response = lead.post(
        url("evaluation_edit", org, cycle.pk),
        evaluation_data(what_worked="Changed", evidence_services="x" * 4001),
    )
    assert response.status_code == 400
    page = response.text
    assert "<title>Error:" in page and "There is a problem" in page
    assert "Quality and relevance of services must be 4,000 characters or fewer" in page
    assert 'href="#id_evidence_services"' in page
    with scopes_disabled():
        assert Evaluation.objects.get(cycle=cycle).what_worked == "Kept as it was"


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 120])
def test_the_evaluation_page_takes_a_fixed_number_of_queries(
    client_for, users, org, cycle, size, django_assert_max_num_queries
):
    for i in range(size):
        make_effect(cycle, f"Effect {i}")
    make_evaluation(cycle, what_worked="Yes")
    for role in (Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD):
        client = client_for(users[role])
        with django_assert_max_num_queries(EVALUATION_PAGE_QUERIES):
            assert client.get(url("evaluation", org, cycle.pk)).status_code == 200
