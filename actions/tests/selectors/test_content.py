"""Hash binding: every content field of every action is in the hash; order and delivery
status are not. The content fields are declared once (models.ACTION_CONTENT), and every
other field of an action is explicitly excluded (models.ACTION_NOT_CONTENT)."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from actions.forms.plan import NUMBER_FIELDS, ActionForm
from actions.models import ACTION_CARRIED, ACTION_CONTENT, ACTION_NOT_CONTENT, Action
from actions.selectors import content

from ..builders import NUMERIC, make_action, make_priority

pytestmark = pytest.mark.django_db

NEW_VALUES = {
    "title": "Late clinic",
    "description": "Run it on Thursdays.",
    "partners": "Northgate Buses\nSomali Women's Group",
    "start_date": date(2026, 1, 2),
    "due_date": date(2026, 4, 1),
    "community_measure": "Nobody has to take a day off work",
    "specific_result": "Two evening clinics a week",
    "metric": "Appointments booked",
    "baseline": "3",
    "target": "60",
    "in_scope": False,
    "out_of_scope_reason": "Staffing is set nationally.",
    "cadence_days": 14,
}


def test_every_field_of_an_action_is_content_or_excluded_with_a_reason():
    fields = {f.name for f in Action._meta.get_fields() if not f.auto_created or f.concrete}
    undeclared = fields - set(ACTION_CONTENT) - set(ACTION_NOT_CONTENT)
    assert undeclared == set(), (
        f"Declare {sorted(undeclared)} in models.ACTION_CONTENT (the community signs it off) "
        "or in models.ACTION_NOT_CONTENT (with why it is not)."
    )
    assert set(ACTION_CONTENT) & set(ACTION_NOT_CONTENT) == set()
    assert set(ACTION_CONTENT) | set(ACTION_NOT_CONTENT) <= fields
    assert all(ACTION_NOT_CONTENT.values()), "say why each field is not content"


def test_the_form_the_hash_and_the_next_iteration_read_the_one_declaration(cycle):
    form_fields = set(ActionForm.Meta.fields)
    # A numeric baseline and target are typed into the baseline and target boxes.
    assert form_fields == (set(ACTION_CONTENT) - {"in_scope"} - set(NUMBER_FIELDS.values())) | {
        "scope"
    }
    numeric = make_action(cycle, "Shorter waits", **NUMERIC)
    assert set(content.action_content(numeric)) == set(ACTION_CONTENT)
    assert set(ACTION_CARRIED) == (set(ACTION_CONTENT) - {"priority"}) | {
        "status",
        "status_reason",
    }


def test_a_measure_in_words_hashes_as_before_numbers_existed(cycle):
    """Plans signed off before measures could be numbers keep the hash the leads approved."""
    words = content.action_content(make_action(cycle))
    assert set(words) == set(ACTION_CONTENT) - set(content.NUMERIC_MEASURE_FIELDS)


@pytest.mark.parametrize(
    ("field", "value"),
    [("target_value", Decimal("25")), ("baseline_value", Decimal("70")), ("measure_unit", "weeks")],
)
def test_editing_a_numeric_measure_changes_the_hash(cycle, field, value):
    action = make_action(cycle, "Shorter waits", **NUMERIC)
    before = plan_hash(cycle)
    with scopes_disabled():
        setattr(action, field, value)
        action.save()
    assert plan_hash(cycle) != before


def test_the_same_number_written_differently_is_the_same_content(cycle):
    action = make_action(cycle, "Shorter waits", **NUMERIC)
    before = plan_hash(cycle)
    with scopes_disabled():
        action.target_value = Decimal("30.0000")
        action.save()
    assert plan_hash(cycle) == before


@pytest.fixture
def actions(cycle):
    return [make_action(cycle, f"Action {n}") for n in range(3)]


def plan_hash(cycle) -> str:
    with scopes_disabled():
        rows = Action.objects.filter(plan__cycle=cycle).select_related("priority")
        return content.content_hash(content.plan_content(rows))


@pytest.mark.parametrize("field", sorted(NEW_VALUES) + ["owner", "priority", "priority title"])
@pytest.mark.parametrize("which", [0, 2])
def test_editing_any_content_field_of_any_action_changes_the_hash(
    cycle, actions, users, field, which
):
    before = plan_hash(cycle)
    with scopes_disabled():
        action = Action.objects.get(pk=actions[which].pk)
        if field == "owner":
            action.owner = users["governance"]
        elif field == "priority":
            action.priority = make_priority(cycle, "Another priority")
        elif field == "priority title":
            action.priority.title = "Renamed priority"
            action.priority.save()
        else:
            setattr(action, field, NEW_VALUES[field])
        if field == "in_scope":
            action.out_of_scope_reason = "Set nationally."
        action.save()
    assert plan_hash(cycle) != before


def test_delivery_status_is_not_content(cycle, actions):
    before = plan_hash(cycle)
    with scopes_disabled():
        Action.objects.filter(pk=actions[1].pk).update(status="dropped", status_reason="Closed")
    assert plan_hash(cycle) == before


def test_order_is_not_content(cycle, actions):
    with scopes_disabled():
        rows = list(Action.objects.filter(plan__cycle=cycle).select_related("priority"))
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    shuffled.reverse()
    assert content.content_hash(content.plan_content(shuffled)) == content.content_hash(
        content.plan_content(rows)
    )


def test_partner_order_and_blank_lines_are_part_of_the_text(cycle):
    action = make_action(cycle, partners="A\n\nB")
    assert content.action_content(action)["partners"] == ["A", "B"]


def test_diff_reads_as_plain_english(cycle, users):
    first = make_action(cycle, "Evening clinic", owner=users["engagement_lead"])
    gone = make_action(cycle, "Leaflets")
    with scopes_disabled():
        before = content.snapshot(Action.objects.select_related("priority"))
        first.due_date = date(2026, 4, 1)
        first.owner = users["admin"]
        first.in_scope = False
        first.out_of_scope_reason = "Set by NHS England"
        first.save()
        gone.delete()
        make_action(cycle, "Interpreters on call")
        after = content.snapshot(Action.objects.select_related("priority"))
    sentences = [c.sentence for c in content.diff(before, after)]
    assert sentences == [
        "Action \u2018Evening clinic\u2019: owner changed from Engagement_Lead to Admin.",
        "Action \u2018Evening clinic\u2019: due date changed from 1 March 2026 to 1 April 2026.",
        "Action \u2018Evening clinic\u2019: scope changed from in scope to out of scope.",
        "Action \u2018Evening clinic\u2019: reason it is out of scope changed from nothing to "
        "\u2018Set by NHS England\u2019.",
        "Action \u2018Leaflets\u2019 removed.",
        "Action \u2018Interpreters on call\u2019 added.",
    ]
