"""Community lead, whole cycle, on a phone: accepts the emailed invitation, records insight
from the café they run, finds the plan through their notification and signs it off. Then
the same sign-off with the keyboard alone (Tab, Shift+Tab, Enter and Space; no clicks)."""

import re

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from actions.models import ActionPlan, SignOff
from actions.services import signoff as action_services
from actions.tests.builders import make_action, make_priority
from cycles.tests.builders import make_cycle
from feedback.models import Insight
from feedback.tests.builders import make_activity
from t2a.models import Role, User
from t2a.services import organisations as t2a_services
from tests.cast import PASSWORD, make_member, make_organisation, make_user

from .steps import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Maternity voices in Highfields"
BACK_LINK = re.compile(r"^Back to\sAction plan$")


def build():
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    make_user("dan@northgate.example.org", full_name="Dan Whitfield")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    cycle = make_cycle(
        org, TITLE, lead=staff, population_groups=["Somali families", "Young mothers"]
    )
    priority = make_priority(cycle, "Getting to evening appointments")
    make_action(cycle, "A later bus on route 31", priority=priority, owner=staff)
    return org, staff, cycle


def join_cycle(org, staff, cycle, user, *, facilitate=None):
    """What the engagement lead does once the new member has joined (not this role's steps):
    adds them to the cycle and the café, and sends the plan for sign-off."""
    with scopes_disabled():
        cycle.community_leads.add(user)
        if facilitate is not None:
            facilitate.facilitators.add(user)
    with scope(organisation=org.pk):
        action_services.action_plan_send_for_signoff(cycle=cycle, by=staff)


def test_community_lead_from_invitation_to_sign_off_on_a_phone(phone_page, live_server, shoot):
    page = phone_page
    org, staff, cycle = build()
    with scope(organisation=org.pk):
        t2a_services.invitation_create(
            organisation=org,
            email="shanice@northgate.example.org",
            role=Role.COMMUNITY_LEAD,
            invited_by=staff,
        )
    link = re.search(r"http://\S+/o/northgate/join/\S+", mail.outbox[-1].body).group(0)

    # 1. The invitation link, opened on the phone.
    page.goto(f"{live_server.url}/o/{link.split('/o/', 1)[1]}")
    shoot(page, "accept-invitation")
    assert no_sideways_scroll(page)
    page.get_by_label("Your full name").fill("Shanice Brown")
    page.get_by_label("Create a password").fill("river-lantern-meadow-42")
    page.get_by_label("Type the password again").fill("a-different-password-99")
    page.get_by_role("button", name="Create account and join").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    shoot(page, "accept-invitation-error")
    page.get_by_label("Create a password").fill("river-lantern-meadow-42")
    page.get_by_label("Type the password again").fill("river-lantern-meadow-42")
    page.get_by_role("button", name="Create account and join").click()
    page.wait_for_url(f"{live_server.url}/o/northgate/")
    page.get_by_text("signed in as community lead").wait_for()
    shoot(page, "organisation-home")
    assert no_sideways_scroll(page)

    with scopes_disabled():
        shanice = User.objects.get(email="shanice@northgate.example.org")
    cafe = make_activity(cycle, "Tuesday café at Highfields library")
    join_cycle(org, staff, cycle, shanice, facilitate=cafe)

    # 2. Insight from the café she runs.
    page.goto(f"{live_server.url}/o/northgate/listening/")
    shoot(page, "listening-home")
    page.get_by_role("link", name=TITLE).click()
    shoot(page, "cycle-calendar")
    page.get_by_role("link", name="Tuesday café at Highfields library").click()
    shoot(page, "activity")
    page.get_by_role("link", name="Record insight from this activity").click()
    page.get_by_role("button", name="Save insight").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    shoot(page, "insight-error")
    page.get_by_label("What was said").fill(
        "Mothers leave the evening clinic early to catch the last bus."
    )
    page.get_by_label("Which group is the speaker from? (optional)").select_option(
        "Somali families"
    )
    page.get_by_label("They agreed to this being recorded").check()
    page.get_by_role("button", name="Save insight").click()
    page.get_by_text("Insight saved.").wait_for()
    shoot(page, "insight-saved")
    assert no_sideways_scroll(page)
    with scopes_disabled():
        insight = Insight.objects.get(cycle=cycle)
        assert (insight.captured_by, insight.activity) == (shanice, cafe)

    # 3. The sign-off request, found through her notifications.
    page.get_by_role("link", name="Notifications").first.click()
    shoot(page, "notifications")
    page.get_by_role("link", name=f"Please review the action plan for {TITLE}").click()
    page.get_by_role("heading", name="Sign off the action plan").wait_for()
    expect(page.get_by_text("A later bus on route 31").first).to_be_visible()
    # On a phone the breadcrumbs fold into one back link.
    expect(page.get_by_role("link", name=BACK_LINK)).to_be_visible()
    shoot(page, "sign-off")
    page.get_by_label("Request changes").check()
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert page.title().startswith("Error:")
    shoot(page, "sign-off-error")
    page.get_by_label("Approve").check()
    send = page.get_by_role("button", name="Send my answer")
    assert send.bounding_box()["height"] >= 44  # a comfortable touch target
    send.click()
    page.get_by_text("Your approval has been recorded").wait_for()
    page.get_by_text("Signed off on").wait_for()
    shoot(page, "plan-signed-off")
    assert no_sideways_scroll(page)
    with scopes_disabled():
        assert ActionPlan.objects.get(cycle=cycle).status == "signed_off"
        assert SignOff.objects.get().lead == shanice


# --- keyboard only --------------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                type: el.getAttribute('type') || '',
                id: el.id,
                text: (el.innerText || el.value || '').trim(),
                label: el.labels && el.labels[0] ? el.labels[0].innerText.trim() : '',
                checked: !!el.checked,
                focusVisible: el.matches(':focus-visible'),
                outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
                shadow: style.boxShadow !== 'none',
                background: style.backgroundColor,
                inSummary: !!el.closest('.nhsuk-error-summary'),
            };
        }"""
    )


def tab_to(page, matches, *, key: str = "Tab", limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; check its focus is seen."""
    for _ in range(limit):
        page.keyboard.press(key)
        here = focused(page)
        if matches(here):
            assert here["focusVisible"], here
            assert here["outline"] or here["shadow"], f"no visible focus style: {here}"
            return here
    raise AssertionError(f"{key} never reached the element; last focus: {focused(page)}")


def test_sign_off_with_the_keyboard_alone(page, live_server, shoot):
    org, staff, cycle = build()
    make_user("hodan@northgate.example.org", full_name="Hodan Ali")
    hodan = make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org")
    join_cycle(org, staff, cycle, hodan)

    # Sign in: Tab to each field, type, Enter submits.
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, lambda f: f["label"].startswith("Email"))
    page.keyboard.type(hodan.email)
    tab_to(page, lambda f: f["label"].startswith("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # A member of one organisation lands on its home.
    page.wait_for_url(f"{live_server.url}/o/northgate/")
    shoot(page, "keyboard-signed-in")

    # Then Action plans, the plan and its sign-off page.
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Action plans")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/o/northgate/actions/")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == TITLE)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/actions/cycles/{cycle.pk}/plan/")
    here = tab_to(page, lambda f: f["text"] == "Review and sign off")
    shoot(page, "keyboard-plan")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Sign off the action plan").wait_for()
    # On a wide screen the full breadcrumbs show and the phone's back link does not.
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("link", name="Action plan", exact=True)).to_be_visible()
    assert breadcrumbs.get_by_role("link", name=BACK_LINK).count() == 0

    # Send without choosing: the error summary takes the focus.
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Send my answer")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="There is a problem").wait_for()
    page.wait_for_load_state("networkidle")
    here = focused(page)
    assert here["inSummary"], f"focus is not on the error summary: {here}"
    shoot(page, "keyboard-error-summary")

    # The summary's link leads into the radios; Space chooses, Shift+Tab goes back.
    tab_to(page, lambda f: f["tag"] == "a" and f["inSummary"])
    page.keyboard.press("Enter")
    here = tab_to(page, lambda f: f["type"] == "radio")
    assert here["label"] == "Approve" and not here["checked"]
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_to(page, lambda f: f["tag"] == "textarea")
    page.keyboard.type("Thank you for listening.")
    here = tab_to(page, lambda f: f["type"] == "radio", key="Shift+Tab")
    assert here["label"] == "Approve" and here["checked"]
    here = tab_to(page, lambda f: f["tag"] == "button")
    assert here["text"] == "Send my answer"
    shoot(page, "keyboard-ready-to-send")
    page.keyboard.press("Enter")
    page.get_by_text("Your approval has been recorded").wait_for()
    shoot(page, "keyboard-signed-off")
    with scopes_disabled():
        signoff = SignOff.objects.get()
        assert (signoff.lead, signoff.decision) == (hodan, "approve")
        assert signoff.comment == "Thank you for listening."
        assert ActionPlan.objects.get(cycle=cycle).status == "signed_off"
