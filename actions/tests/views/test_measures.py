"""Numeric measures through the pages: the action form, a progress update with a value,
and the percentage and line on the action page, the governance dashboard, the public page
and the annual evaluation PDF."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, MeasureKind, PlanStatus, ProgressUpdate
from cycles.models import ReportKind
from cycles.tests.reports import pdftotext, render_report
from feedback.tests.builders import make_public_page
from t2a.models import Role

from ..builders import NUMERIC, make_action, make_plan, make_priority, make_signed_off, make_update

pytestmark = pytest.mark.django_db

RESULTS = Path(__file__).resolve().parents[3] / "test-results" / "reports"


@pytest.fixture
def staff(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


def action_data(priority, owner, **overrides) -> dict:
    return {
        "priority": priority.pk,
        "title": "Shorter waits",
        "owner": owner.pk,
        "start_date": "2026-02-01",
        "due_date": "2026-09-01",
        "metric": "Average wait for a first appointment",
        "measure_kind": "numeric",
        "measure_unit": "days",
        "baseline": "60",
        "target": "30",
        "scope": "in",
        "cadence_days": "28",
    } | overrides


def new_action_url(org, cycle) -> str:
    return f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/actions/new/"


def test_a_numeric_measure_is_saved_as_numbers(staff, org, cycle, users):
    priority = make_priority(cycle)
    data = action_data(priority, users[Role.ENGAGEMENT_LEAD], baseline="1,250", target="987.5")
    assert staff.post(new_action_url(org, cycle), data).status_code == 302
    with scopes_disabled():
        action = Action.objects.get()
    assert action.measure_kind == MeasureKind.NUMERIC
    assert (action.baseline_value, action.target_value) == (Decimal("1250"), Decimal("987.5"))
    assert (action.baseline, action.target, action.measure_unit) == ("", "", "days")
    # The edit form shows the numbers as they were typed, without trailing zeros.
    page = staff.get(f"/o/{org.slug}/actions/action/{action.pk}/edit/").content.decode()
    assert 'value="1250"' in page and 'value="987.5"' in page


def test_words_stay_words(staff, org, cycle, users):
    priority = make_priority(cycle)
    data = action_data(
        priority, users[Role.ENGAGEMENT_LEAD], measure_kind="qualitative",
        baseline="Hardly anyone", target="Most families", measure_unit="days",
    )  # fmt: skip
    assert staff.post(new_action_url(org, cycle), data).status_code == 302
    with scopes_disabled():
        action = Action.objects.get()
    assert (action.baseline, action.target, action.measure_unit) == (
        "Hardly anyone", "Most families", "",
    )  # fmt: skip
    assert action.baseline_value is None and action.target_value is None


NUMERIC_CASES = {
    "no unit": ({"measure_unit": ""}, "Enter the unit of the number, like days or people."),
    "no metric": ({"metric": ""}, "Say what the number measures"),
    "no baseline": ({"baseline": ""}, "Enter the baseline as a number."),
    "target in words": (
        {"target": "Half as long"},
        "Target: enter a number, like 42, 12.5 or 1,250, without the unit.",
    ),
    "decimal comma": ({"target": "30,5"}, "Target: use a full stop for decimals, like 1.5"),
    "unit in the box": ({"baseline": "60 days"}, "Baseline: enter a number"),
    "too many places": ({"target": "30.12345"}, "Target: use at most 4 decimal places."),
}


@pytest.mark.parametrize("case", NUMERIC_CASES)
def test_a_numeric_measure_needs_a_unit_and_numbers(staff, org, cycle, users, case):
    priority = make_priority(cycle)
    overrides, message = NUMERIC_CASES[case]
    response = staff.post(
        new_action_url(org, cycle),
        action_data(priority, users[Role.ENGAGEMENT_LEAD], **overrides),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page and "There is a problem" in page
    summary = page[page.index("There is a problem") : page.index("There is a problem") + 2000]
    assert message in summary
    with scopes_disabled():
        assert not Action.objects.exists()


@pytest.fixture
def waits(cycle, users):
    return make_action(cycle, "Shorter waits", owner=users[Role.COMMUNITY_LEAD], **NUMERIC)


def update_url(org, action) -> str:
    return f"/o/{org.slug}/actions/action/{action.pk}/updates/new/"


def test_a_progress_update_records_the_value_and_the_page_shows_the_percentage(staff, org, waits):
    response = staff.post(
        update_url(org, waits),
        {"status": "on_track", "narrative": "Extra clinics.", "measured_value": "45",
         "measured_on": "2026-03-02"},
    )  # fmt: skip
    assert response.status_code == 302
    with scopes_disabled():
        update = ProgressUpdate.objects.get()
    assert (update.measured_value, update.measured_on) == (Decimal("45"), date(2026, 3, 2))
    page = staff.get(f"/o/{org.slug}/actions/action/{waits.pk}/").content.decode()
    assert "50% of the way to the target" in page
    assert "from 60 days to 30 days; 45 days on 2 March 2026" in page
    chart = re.search(r"<svg class=\"t2a-measure-chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in chart
    assert "Measured 45 days on 2 March 2026. 50% of the way to the target." in chart


def test_the_update_form_asks_for_a_value_only_on_numeric_measures(staff, org, cycle, waits):
    page = staff.get(update_url(org, waits)).content.decode()
    assert "Average wait for a first appointment now (days)" in page
    words = make_action(cycle, "Kinder letters")
    assert "measured_value" not in staff.get(update_url(org, words)).content.decode()
    # A value posted to a measure in words is not a field of its form: nothing is recorded.
    data = {"status": "on_track", "narrative": "Drafted.", "measured_value": "5",
            "measured_on": "2026-03-02"}  # fmt: skip
    assert staff.post(update_url(org, words), data).status_code == 302
    with scopes_disabled():
        assert ProgressUpdate.objects.get(action=words).measured_value is None


VALUE_CASES = {
    "value without a date": ({"measured_on": ""}, "Enter the date the value was measured."),
    "date in the future": (
        {"measured_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
        "The date measured must be today or in the past.",
    ),
    "value with its unit": ({"measured_value": "45 days"}, "Value now: enter a number"),
    "decimal comma": ({"measured_value": "45,5"}, "Value now: use a full stop for decimals"),
}


@pytest.mark.parametrize("case", VALUE_CASES)
def test_a_bad_value_is_refused_and_nothing_is_saved(staff, org, waits, case):
    overrides, message = VALUE_CASES[case]
    data = {"status": "on_track", "narrative": "Extra clinics.", "measured_value": "45",
            "measured_on": "2026-03-02"} | overrides  # fmt: skip
    response = staff.post(update_url(org, waits), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("n", [1, 8])
def test_the_action_page_costs_the_same_however_many_readings(
    staff, org, waits, n, django_assert_max_num_queries
):
    for day in range(n):
        make_update(waits, measured_value=Decimal(60 - day), measured_on=date(2026, 3, 1 + day))
    with django_assert_max_num_queries(22):
        assert staff.get(f"/o/{org.slug}/actions/action/{waits.pk}/").status_code == 200


def test_the_governance_dashboard_shows_each_measured_action(client_for, users, org, cycle, waits):
    make_update(waits, measured_value=Decimal("52"), measured_on=date(2026, 3, 1))
    make_update(waits, measured_value=Decimal("36"), measured_on=date(2026, 4, 1))
    make_action(cycle, "Kinder letters")
    board = client_for(users[Role.GOVERNANCE])
    for url in (f"/o/{org.slug}/actions/governance/",
                f"/o/{org.slug}/actions/cycles/{cycle.pk}/governance/"):  # fmt: skip
        page = board.get(url).content.decode()
        section = page[page.index('id="measured-progress"') :]
        section = section[: section.index('id="trust-indicators"')]
        assert "Shorter waits" in section and "Kinder letters" not in section
        assert "80% of the way to the target" in section
        assert "52 days on 1 March 2026; 36 days on 1 April 2026" in section


def test_the_public_page_shows_the_signed_off_target_and_public_values_only(org, cycle, waits):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now())
    make_signed_off(cycle)
    make_public_page(cycle)
    make_update(waits, public=True, measured_value=Decimal("45"), measured_on=date(2026, 3, 2))
    make_update(waits, public=False, measured_value=Decimal("31"), measured_on=date(2026, 4, 2))
    # A new target waiting for sign-off does not reach the public.
    with scopes_disabled():
        Action.objects.filter(pk=waits.pk).update(target_value=Decimal("20"))
    page = Client().get(f"/p/{org.slug}/{cycle.slug}/").content.decode()
    assert "50% of the way to the target" in page
    assert "from 60 days to 30 days; 45 days on 2 March 2026" in page
    assert "31 days" not in page and "20 days" not in page
    assert 'class="t2a-measure-chart"' in page and 'role="img"' in page


def test_the_annual_evaluation_pdf_shows_the_percentage(org, users, cycle, waits):
    make_update(waits, measured_value=Decimal("45"), measured_on=date(2026, 3, 2))
    make_action(cycle, "Kinder letters")
    content = render_report(org, cycle, ReportKind.ANNUAL_EVALUATION)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "annual_evaluation_measures.pdf").write_bytes(content)  # to look at
    text = pdftotext(content)
    assert "Progress towards measured targets" in text
    assert "50% of the way to the target" in text
    assert (
        "Average wait for a first appointment: baseline 60 days, target 30 days. Measured "
        "45 days on 2 March 2026." in text
    )


@pytest.mark.parametrize("n", [1, 25])
def test_measured_progress_costs_the_same_however_many_actions(
    client_for, users, org, cycle, n, django_assert_max_num_queries
):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now())
    for i in range(n):
        action = make_action(cycle, f"Shorter waits {i}", **NUMERIC)
        make_update(action, public=True, measured_value=Decimal(50), measured_on=date(2026, 3, 1))
    make_signed_off(cycle)
    make_public_page(cycle)
    board = client_for(users[Role.GOVERNANCE])
    with django_assert_max_num_queries(40):
        page = board.get(f"/o/{org.slug}/actions/cycles/{cycle.pk}/governance/")
    assert page.content.decode().count(">33% of the way to the target</p>") == min(n, 20)
    with django_assert_max_num_queries(12):
        page = Client().get(f"/p/{org.slug}/{cycle.slug}/")
    assert page.content.decode().count(">33% of the way to the target</p>") == n
