"""`pulse_report_data(cycle)`, which the annual-evaluation PDF reads, and the trend across
a chain of iterations (cycles linked by `previous_iteration`)."""

import json

import pytest
from django_scopes import scope, scopes_disabled

from cycles.models import Cycle
from cycles.tests.builders import make_cycle
from feedback import pulse
from feedback.pulse import pulse_report_data
from t2a.models import Role

from .builders import make_pulse_responses, make_pulse_survey
from .conftest import url

pytestmark = pytest.mark.django_db

LABELS = ["Openness", "Fairness", "Consistency", "Understanding", "Ability", "Integrity"]


def chain(org, *titles: str) -> list[Cycle]:
    """Cycles each repeating the one before, oldest first."""
    cycles = []
    for n, title in enumerate(titles):
        cycle = make_cycle(org, title, slug=f"iteration-{n + 1}")
        if cycles:
            with scopes_disabled():
                Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=cycles[-1])
                cycle.refresh_from_db()
        cycles.append(cycle)
    return cycles


def report(org, cycle) -> dict:
    with scope(organisation=org.pk):
        return pulse_report_data(cycle)


def test_a_cycle_without_a_survey_reports_nothing_in_the_right_shape(org, cycle):
    data = report(org, cycle)
    assert data == {
        "responses": 0,
        "averages": [{"label": label, "average": None} for label in LABELS],
        "trend": [{"cycle": cycle.title, "averages": dict.fromkeys(LABELS)}],
        "comments": [],
    }


def test_the_report_carries_the_cycles_figures_and_comments(org, cycle):
    survey, _ = make_pulse_survey(cycle)
    make_pulse_responses(
        survey,
        [(5, 4, 3, 2, 1, 5), (4, 4, 3, 2, 2, 3), (3, 4, 3, 2, 3, 1)],
        comments=["First comment.", "", "Third comment."],
    )
    data = report(org, cycle)
    assert data["responses"] == 3
    assert data["averages"] == [
        {"label": "Openness", "average": 4.0},
        {"label": "Fairness", "average": 4.0},
        {"label": "Consistency", "average": 3.0},
        {"label": "Understanding", "average": 2.0},
        {"label": "Ability", "average": 2.0},
        {"label": "Integrity", "average": 3.0},
    ]
    assert data["comments"] == ["First comment.", "Third comment."]
    assert data["trend"] == [
        {
            "cycle": cycle.title,
            "averages": dict(zip(LABELS, [4.0, 4.0, 3.0, 2.0, 2.0, 3.0], strict=True)),
        }
    ]
    # Plain data only: it survives a JSON round trip unchanged.
    assert json.loads(json.dumps(data)) == data
    assert all(type(a["average"]) is float for a in data["averages"])


def test_averages_are_rounded_to_two_places(org, cycle):
    survey, _ = make_pulse_survey(cycle)
    make_pulse_responses(survey, [(1, 1, 1, 1, 1, 1), (2, 2, 2, 2, 2, 2), (2, 2, 2, 2, 2, 2)])
    assert report(org, cycle)["averages"][0] == {"label": "Openness", "average": 1.67}


def test_the_trend_runs_across_the_chain_of_iterations_oldest_first(org):
    first, second, third = chain(org, "Maternity 2024", "Maternity 2025", "Maternity 2026")
    one, _ = make_pulse_survey(first, closed=True)
    make_pulse_responses(one, [(2, 2, 2, 2, 2, 2), (3, 3, 3, 3, 3, 3)], comments=["Old one."])
    three, _ = make_pulse_survey(third)
    make_pulse_responses(three, [(4, 5, 4, 5, 4, 5)], comments=["New one."])
    other = make_cycle(org, "Unrelated cycle", slug="unrelated")
    unrelated, _ = make_pulse_survey(other)
    make_pulse_responses(unrelated, [(1, 1, 1, 1, 1, 1)])

    data = report(org, third)
    assert data["responses"] == 1
    assert data["comments"] == ["New one."]  # this cycle's only
    assert [row["cycle"] for row in data["trend"]] == [
        "Maternity 2024",
        "Maternity 2025",
        "Maternity 2026",
    ]
    assert data["trend"][0]["averages"]["Openness"] == 2.5
    assert data["trend"][1]["averages"] == dict.fromkeys(LABELS)  # no survey that time
    assert data["trend"][2]["averages"]["Fairness"] == 5.0
    # An earlier iteration's report shows the same chain.
    assert [row["cycle"] for row in report(org, first)["trend"]][0] == "Maternity 2024"


def test_the_results_page_shows_the_trend(client_for, users, org):
    first, second = chain(org, "Maternity 2025", "Maternity 2026")
    with scopes_disabled():
        second.lead = users[Role.ENGAGEMENT_LEAD]
        second.save()
    old, _ = make_pulse_survey(first, closed=True)
    make_pulse_responses(old, [(2, 2, 2, 2, 2, 2)])
    new, _ = make_pulse_survey(second)
    make_pulse_responses(new, [(4, 4, 4, 4, 4, 4)])
    html = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, "pulse", second.pk)).content
    html = html.decode()
    assert "This cycle is iteration 2 of the same work, which began with Maternity 2025" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "Maternity 2025: 2.0" in svg and "Maternity 2026: 4.0" in svg
    assert svg.count('fill="#768692"') == 6 and svg.count('fill="#005eb8"') == 6
    assert "style=" not in svg
    assert "Maternity 2026 (this cycle)" in html


@pytest.mark.parametrize("iterations", [2, 12])
def test_results_page_queries_do_not_grow_with_iterations(
    client_for, users, org, iterations, django_assert_max_num_queries
):
    from .test_pulse_staff import RESULTS_QUERIES

    cycles = chain(org, *[f"Iteration {n}" for n in range(iterations)])
    for cycle in cycles:
        survey, _ = make_pulse_survey(cycle)
        make_pulse_responses(survey, [(3, 3, 3, 3, 3, 3)] * 3, comments=["A comment."])
    client = client_for(users[Role.ADMIN])
    with django_assert_max_num_queries(RESULTS_QUERIES):
        response = client.get(url(org, "pulse", cycles[-1].pk))
    assert response.status_code == 200
    assert response.content.decode().count("Iteration 0") >= 2


def test_the_pulse_module_lists_six_questions_in_order():
    assert [q.label for q in pulse.QUESTIONS] == LABELS
