"""The registry's system checks fail on each way a registration can go wrong."""

from t2a import checks
from t2a.registry import OrganisationData, ReadinessMeasure, ReminderSource, registry
from tests.registry import only, plus


def ids(messages) -> set[str]:
    return {m.id for m in messages}


def test_everything_registered_today_passes():
    assert checks.registered_paths_import() == []
    assert checks.every_stage_measured() == []
    assert checks.organisation_data_registered() == []


def test_a_path_into_a_higher_app_is_refused(monkeypatch):
    plus(monkeypatch, ReminderSource(app="cycles", key="x", position=0, source="actions.x.y"))
    assert ids(checks.registered_paths_import()) == {"t2a.E101"}


def test_a_path_that_does_not_import_is_refused(monkeypatch):
    plus(monkeypatch, ReminderSource(app="cycles", key="x", position=0, source="cycles.nope.f"))
    assert ids(checks.registered_paths_import()) == {"t2a.E102"}


def test_a_stage_without_a_measure_is_refused(monkeypatch):
    only(monkeypatch, ReadinessMeasure, keep=lambda m: m.stage != 3)
    messages = checks.every_stage_measured()
    assert ids(messages) == {"t2a.E104"} and "Stage 3" in messages[0].msg


def test_a_tenant_model_nobody_registered_is_refused(monkeypatch):
    only(monkeypatch, OrganisationData, keep=lambda d: d.key != "cycles.EthicsLogEntry")
    messages = checks.organisation_data_registered()
    assert ids(messages) == {"t2a.E105"} and "cycles.EthicsLogEntry" in messages[0].msg


def test_registering_the_same_thing_twice_is_refused():
    app = registry.for_app("cycles")
    try:
        app.reminder_source("cycles.selectors.reminders.ethics_reviews_due")
    except ValueError as exc:
        assert "twice" in str(exc)
    else:
        raise AssertionError("registered twice without complaint")
