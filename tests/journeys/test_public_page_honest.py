"""Browser journey: the plan is signed off and in delivery; the engagement lead reports an
action off track and edits another. The public page still shows the signed-off plan with the
bad news, and says changes are waiting for sign-off. The community lead signs the new version
off; the public page then shows it and what changed."""

from datetime import date

import pytest
from django.utils import timezone
from django_scopes import scope

from actions.models import Action
from actions.services.plan import action_plan_move, action_update
from actions.services.signoff import action_plan_send_for_signoff, signoff_record
from actions.tests.builders import make_action, make_priority
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_public_page
from t2a.models import Membership, Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

from .steps import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PENDING = "We are making changes to this plan. They are waiting for the community leads"


def test_an_edit_waiting_for_sign_off_hides_nothing(page, phone_page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    hodan = make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org")
    cycle = make_cycle(
        org,
        "Maternity voices in Highfields",
        slug="maternity-voices",
        lead=staff,
        community_leads=(hodan,),
        start_date=date(2026, 1, 5),
    )
    priority = make_priority(
        cycle,
        "Appointments that fit working lives",
        description="Women who work shifts miss antenatal appointments.",
        agreed_on=date(2026, 1, 20),
    )
    clinic = make_action(
        cycle,
        "Evening clinic at the Highfields centre",
        priority=priority,
        owner=staff,
        due_date=date(2026, 6, 30),
    )
    interpreters = make_action(
        cycle,
        "Interpreters at every scan",
        priority=priority,
        owner=staff,
        due_date=date(2026, 5, 1),
        community_measure="Nobody has to bring a child to interpret",
    )
    make_public_page(
        cycle,
        summary="Black mothers in Highfields are more likely to lose a baby.",
        how_to_get_involved="Come to the café at Highfields library on Tuesdays.",
    )
    with scope(organisation=org.pk):
        signoff_round = action_plan_send_for_signoff(cycle=cycle, by=staff)
        signoff_record(
            cycle=cycle,
            membership=Membership.objects.get(user=hodan),
            decision="approve",
            comment="",
            content_hash=signoff_round.content_hash,
        )
        action_plan_move(cycle=cycle, by=staff, to="in_delivery")
    public_url = f"{live_server.url}/p/northgate/maternity-voices/"
    plan_url = f"{live_server.url}/o/northgate/actions/cycles/{cycle.pk}/plan/"
    action_url = f"{live_server.url}/o/northgate/actions/action/"

    # The engagement lead reports bad news on one action, then edits the other.
    sign_in(page, live_server, staff.email)
    page.goto(f"{action_url}{interpreters.pk}/")
    page.get_by_role("link", name="Add a progress update").click()
    page.get_by_label("Status now").select_option(label="Off track")
    page.get_by_label("What has happened").fill("No interpreting agency has agreed the rota yet.")
    page.get_by_label("Share this update with the public").check()
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("Progress update saved.").wait_for()
    page.goto(f"{action_url}{clinic.pk}/edit/")
    page.get_by_label("Due date").fill("2026-09-30")
    page.get_by_role("button", name="Save action").click()
    page.wait_for_url(plan_url)
    page.get_by_text("the public page shows the version they last agreed").wait_for()
    page.locator("#awaiting-signoff-note").wait_for()

    # A visitor still reads the signed-off plan, the bad news and a note about the changes.
    page.context.clear_cookies()
    page.goto(public_url)
    main = page.locator("main").inner_text()
    assert "Interpreters at every scan" in main and "Off track" in main
    assert "No interpreting agency has agreed the rota yet." in main
    assert "Evening clinic at the Highfields centre" in main and "Due by 30 June 2026" in main
    assert PENDING in main
    assert "still being agreed" not in main
    shoot(page, "public-page-changes-waiting")
    phone_page.goto(public_url)
    assert no_sideways_scroll(phone_page)
    phone_page.locator("#plan-changes-pending").wait_for()
    shoot(phone_page, "public-page-changes-waiting-phone")

    # The lead sends the new version; the community lead reads what changed and approves.
    sign_in(page, live_server, staff.email)
    page.goto(plan_url)
    page.get_by_role("button", name="Send for community sign-off").click()
    page.get_by_text("Version 2 sent").wait_for()
    sign_in(page, live_server, hodan.email)
    page.goto(f"{plan_url}sign-off/")
    page.get_by_text("due date changed from 30 June 2026 to 30 September 2026").wait_for()
    page.locator("#rule").wait_for()
    shoot(page, "sign-off-page")
    # While Hodan reads, the lead changes the plan again and sends version 3: her answer
    # to version 2 is not counted, and she is shown version 3.
    with scope(organisation=org.pk):
        action_update(
            action=Action.objects.get(pk=clinic.pk),
            by=staff,
            fields={"community_measure": "Women who work shifts get a booked appointment"},
        )
        action_plan_send_for_signoff(cycle=cycle, by=staff)
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Send my answer").click()
    page.locator("#plan-changed").get_by_text("Read version 3 below and answer again.").wait_for()
    assert "Thank you" not in page.locator("main").inner_text()
    shoot(page, "sign-off-page-plan-changed")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_url(plan_url)
    page.get_by_text("Thank you. Your approval has been recorded.").wait_for()
    page.locator("#signoff-record summary").click()
    shoot(page, "plan-signed-off-record")

    # The public page now shows version 2 and what changed.
    page.context.clear_cookies()
    page.goto(public_url)
    main = page.locator("main").inner_text()
    assert PENDING not in main
    assert "Due by 30 September 2026" in main and "Off track" in main
    signed_on = timezone.localdate().strftime("%-d %B %Y")
    assert f"What changed when the community signed off this plan on {signed_on}" in main
    assert (
        "Action \u2018Evening clinic at the Highfields centre\u2019: due date changed from "
        "30 June 2026 to 30 September 2026."
    ) in main
    shoot(page, "public-page-what-changed")
    phone_page.goto(public_url)
    assert no_sideways_scroll(phone_page)
    phone_page.locator("#plan-changes").scroll_into_view_if_needed()
    shoot(phone_page, "public-page-what-changed-phone")

    # The lead pauses an action: the public reads why, next to the status.
    sign_in(page, live_server, staff.email)
    page.goto(f"{action_url}{interpreters.pk}/updates/new/")
    page.get_by_label("Status now").select_option(label="Paused")
    page.get_by_label("What has happened").fill("We have paused the rota.")
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("Say why the action is paused, in words for the public").first.wait_for()
    shoot(page, "progress-paused-needs-reason")
    page.get_by_label("If paused or dropped, why").fill(
        "The agency went out of business. We are finding a new one with the community."
    )
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("Progress update saved.").wait_for()
    page.context.clear_cookies()
    page.goto(public_url)
    assert (
        "Why it is paused: The agency went out of business. We are finding a new one with "
        "the community."
    ) in page.locator("main").inner_text()
    shoot(page, "public-page-paused-reason")
