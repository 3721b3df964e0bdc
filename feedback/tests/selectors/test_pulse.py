"""`pulse_report_data(cycle)`, which the annual-evaluation PDF reads, and the trend across
a chain of iterations (cycles linked by `previous_iteration`) (selectors/pulse.py)."""

import json

import pytest
from django_scopes import scope

from cycles.tests.builders import make_cycle
from feedback.selectors.pulse import pulse_report_data
from feedback.tests.builders import make_iteration_chain, make_pulse_responses, make_pulse_survey

pytestmark = pytest.mark.django_db

LABELS = ["Openness", "Fairness", "Consistency", "Understanding", "Ability", "Integrity"]


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
    first, second, third = make_iteration_chain(
        org, "Maternity 2024", "Maternity 2025", "Maternity 2026"
    )
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
