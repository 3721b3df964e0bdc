"""Migrations of the actions app, run forward over rows written before them."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, MeasureKind, ProgressUpdate
from actions.selectors import content
from tests.migrator import migrate, migrate_to_latest

BEFORE = ("actions", "0008_honest_public_page_and_signoff_rules")
NUMERIC_MEASURES = ("actions", "0009_numeric_measures")


@pytest.mark.django_db(transaction=True)
def test_numeric_measures_keep_every_action_and_its_words(org, cycle):
    old = migrate([BEFORE])
    try:
        common = {"organisation_id": org.pk}
        plan = old.get_model("actions", "ActionPlan").objects.create(cycle_id=cycle.pk, **common)
        priority = old.get_model("actions", "Priority").objects.create(
            cycle_id=cycle.pk, title="Being listened to", **common
        )
        old_action = old.get_model("actions", "Action")
        worded = old_action.objects.create(
            plan=plan, priority=priority, title="Evening clinic", metric="Appointments booked",
            baseline="About 3 a week", target="40 a month", **common,
        )  # fmt: skip
        bare = old_action.objects.create(plan=plan, priority=priority, title="Say hello", **common)
        old.get_model("actions", "ProgressUpdate").objects.create(
            action=worded, status="on_track", narrative="Room booked.",
            created_at=timezone.now(), **common,
        )  # fmt: skip
        migrate([NUMERIC_MEASURES])
        with scopes_disabled():
            actions = {a.pk: a for a in Action.objects.select_related("priority")}
            assert set(actions) == {worded.pk, bare.pk}
            evening = actions[worded.pk]
            assert (evening.metric, evening.baseline, evening.target) == (
                "Appointments booked", "About 3 a week", "40 a month",
            )  # fmt: skip
            assert all(a.measure_kind == MeasureKind.QUALITATIVE for a in actions.values())
            assert all(a.baseline_value is None and a.measure_unit == "" for a in actions.values())
            update = ProgressUpdate.objects.get()
            assert update.measured_value is None and update.measured_on is None
            # Their content is what it was: a plan signed off before keeps its hash.
            assert "measure_kind" not in content.action_content(evening)
            # And the words stay valid: saved again, the checks in the database accept them.
            evening.full_clean()
            evening.save()
    finally:
        migrate_to_latest()
