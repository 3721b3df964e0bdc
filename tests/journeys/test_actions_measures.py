"""Browser journey: the engagement lead turns an action's measure into a number (a decimal
comma caught on the way), adds a progress update with the value measured, and sees the
percentage and the line on the action page and the governance dashboard, then on the
public page once the plan is signed off, at desktop and phone width."""

from datetime import date

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, ActionPlan, MeasureKind, PlanStatus
from actions.tests.builders import make_action, make_signed_off
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_public_page
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_measures_an_action_by_a_number(page, phone_page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    cycle = make_cycle(
        org, "Maternity voices in Highfields", lead=staff, start_date=date(2026, 1, 5)
    )
    action = make_action(cycle, "Shorter waits for a first midwife appointment", owner=staff)
    url = f"{live_server.url}/o/northgate/actions/action/{action.pk}/"

    sign_in(page, live_server, staff.email)
    page.goto(url)
    page.get_by_role("link", name="Edit action").click()
    page.get_by_label("Metric (how it is measured)").fill("Average wait for a first appointment")
    page.get_by_label("Yes, a number with a unit, so progress shows as a percentage").check()
    page.get_by_label("Unit (for a number)").fill("days")
    page.get_by_label("Baseline (where we start)").fill("60")
    page.get_by_label("Target", exact=True).fill("30,5")
    page.get_by_role("button", name="Save action").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.title().startswith("Error:")
    page.get_by_role("link", name="Target: use a full stop for decimals").wait_for()
    shoot(page, "measure-error")
    page.get_by_label("Target", exact=True).fill("30")
    page.get_by_role("button", name="Save action").click()
    page.get_by_text("saved.").first.wait_for()
    with scopes_disabled():
        saved = Action.objects.get(pk=action.pk)
    assert saved.measure_kind == MeasureKind.NUMERIC and saved.target_value == 30

    page.goto(url)
    page.get_by_text("No value measured yet", exact=True).wait_for()
    page.get_by_role("link", name="Add a progress update").click()
    page.get_by_label("What has happened").fill("Two extra clinics a week since February.")
    page.get_by_label("Average wait for a first appointment now (days)").fill("45")
    page.get_by_label("Date measured").fill("2026-03-02")
    page.get_by_label("Share this update with the public").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Progress update saved.").wait_for()
    page.get_by_text("50% of the way to the target", exact=True).wait_for()
    chart = page.get_by_role(
        "img", name="Average wait for a first appointment: baseline 60 days, target 30 days."
    )
    assert "Measured 45 days on 2 March 2026" in chart.get_attribute("aria-label")
    shoot(page, "action-page")

    # The governance dashboard shows the same progress.
    page.goto(f"{live_server.url}/o/northgate/actions/cycles/{cycle.pk}/governance/")
    page.locator("#measured-progress").scroll_into_view_if_needed()
    page.get_by_text("50% of the way to the target", exact=True).wait_for()
    shoot(page, "governance")

    sign_in(phone_page, live_server, staff.email)
    phone_page.goto(url)
    phone_page.get_by_text("50% of the way to the target", exact=True).wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(phone_page, "action-page-phone")

    # Once the community has signed the plan off, the public page shows it too.
    with scopes_disabled():
        ActionPlan.objects.filter(cycle=cycle).update(
            status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now()
        )
    make_signed_off(cycle)
    make_public_page(cycle)
    for viewer, name in ((page, "public-desktop"), (phone_page, "public-390")):
        viewer.goto(f"{live_server.url}/p/northgate/{cycle.slug}/")
        viewer.get_by_text("50% of the way to the target", exact=True).wait_for()
        assert viewer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shoot(viewer, name)
