"""Engagement lead, whole cycle: creates a cycle, writes the case for change, maps two
stakeholders, plans a listening activity and records insight from it, adds a priority and
an action, sends the plan for sign-off (a community lead signs it off on their phone),
publishes a report-back, switches on the public page and checks what the public sees."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from actions.models import ActionPlan
from cycles.models import CaseForChange, Cycle
from feedback.models import Insight, PublicPage, ReportBack
from stakeholders.models import Stakeholder
from t2a.models import Role
from tests.cast import make_member, make_organisation, make_user

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Maternity voices in Highfields"
BODY = (
    "Thank you for talking to us at the café. You told us the last bus leaves before the "
    "evening clinic ends. We asked the bus company to run a later bus, and they agreed to "
    "try it for three months."
)


def test_engagement_lead_runs_a_whole_cycle(page, phone_page, chromium, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    make_user("dan@northgate.example.org", full_name="Dan Whitfield")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    make_user("shanice@northgate.example.org", full_name="Shanice Brown")
    community = make_member(org, Role.COMMUNITY_LEAD, "shanice@northgate.example.org")
    base = f"{live_server.url}/o/northgate"

    # 1. A new cycle.
    sign_in(page, live_server, lead.email)
    page.goto(f"{base}/")
    shoot(page, "organisation-home")
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Cycles").click()
    shoot(page, "cycle-list-empty")
    page.get_by_role("link", name="Create a cycle").click()
    shoot(page, "create-cycle")
    page.get_by_label("Cycle title").fill(TITLE)
    page.get_by_label("Health inequality this cycle addresses").fill(
        "Black and Somali mothers in Highfields miss more antenatal appointments."
    )
    page.get_by_label("Place or area").fill("Highfields")
    page.get_by_label("Population groups in focus").fill("Somali families\nYoung mothers")
    page.get_by_label("Start date").fill("2026-01-05")
    page.get_by_label("Target date").fill("2026-12-31")
    page.get_by_label("Shanice Brown").check()
    page.get_by_role("button", name="Create cycle").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    shoot(page, "cycle-home-new")
    with scopes_disabled():
        cycle = Cycle.objects.get(organisation=org)
        assert list(cycle.community_leads.all()) == [community]
        assert (cycle.start_date, cycle.lead) == (date(2026, 1, 5), lead)

    # 2. Stage 1: the case for change.
    page.get_by_role("link", name="Case for change").first.click()
    shoot(page, "case-for-change-empty")
    page.get_by_role("link", name="Edit these sections").click()
    page.get_by_role("button", name="Save case for change").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    shoot(page, "case-for-change-error")
    page.get_by_label("The inequality being addressed").fill(
        "Somali mothers attend a third fewer antenatal appointments than the city average."
    )
    page.get_by_label("Who is most affected and why").fill(
        "Mothers who work shifts and rely on buses that stop early in the evening."
    )
    page.get_by_label("Local insight summary").fill("Talks with the Somali women's group.")
    page.get_by_role("button", name="Save case for change").click()
    page.get_by_text("Case for change saved.").wait_for()
    shoot(page, "case-for-change-saved")

    # 3. Two stakeholders, each added to the cycle.
    for name, kind, sector, tag in (
        ("Highfields library", "Place", "Community", "Trusted Place"),
        ("Hodan Ali", "Person", "Community", "Trusted Voice"),
    ):
        page.goto(f"{base}/")
        page.get_by_role("link", name="Stakeholders", exact=True).first.click()
        page.get_by_role("link", name="Add a stakeholder").click()
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Sector").select_option(label=sector)
        page.get_by_label(tag).check()
        page.get_by_label("Communities reached").fill("Somali families")
        page.get_by_label("Interest").select_option("5")
        page.get_by_role("button", name="Add stakeholder").click()
        page.get_by_role("heading", name=name).wait_for()
        page.get_by_label("Role in this cycle").fill("Partner for the listening phase")
        page.get_by_role("button", name="Add to cycle").click()
        page.get_by_text("Partner for the listening phase").wait_for()
    shoot(page, "stakeholder-added-to-cycle")
    page.get_by_role("link", name="Back to stakeholders").click()
    shoot(page, "stakeholder-register")
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org, cycle_links__cycle=cycle).count() == 2

    # 4. Listening: an activity at the Trusted Place, and insight from it.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Listening", exact=True).first.click()
    shoot(page, "listening-home")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Plan an activity").click()
    shoot(page, "plan-activity")
    page.get_by_label("Title").fill("Conversation café at Highfields library")
    page.get_by_label("Method").select_option("conversation_cafe")
    page.get_by_label("Date").fill("2026-02-03")
    page.get_by_label("Venue: a Trusted Place").select_option(label="Highfields library")
    page.get_by_label("Shanice Brown").check()
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Number of participants").fill("12")
    page.get_by_role("button", name="Add activity").click()
    page.get_by_text("added to the listening calendar").wait_for()
    page.get_by_role("heading", name="Conversation café at Highfields library").wait_for()
    shoot(page, "activity-added")
    page.get_by_role("link", name="Record insight from this activity").click()
    shoot(page, "record-insight")
    page.get_by_label("What was said").fill("The last bus leaves before the evening clinic ends.")
    page.get_by_label("Themes (optional)").fill("Transport")
    page.get_by_label("They agreed to this being recorded").check()
    page.get_by_role("button", name="Save insight").click()
    page.get_by_text("Insight saved.").wait_for()
    shoot(page, "insight-saved")
    with scopes_disabled():
        insight = Insight.objects.get(cycle=cycle)
        assert insight.captured_by == lead

    # 5. Co-production: a priority drawn from that insight, and an action serving it.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Action plans", exact=True).first.click()
    shoot(page, "plan-list")
    page.get_by_role("link", name=TITLE, exact=True).click()
    shoot(page, "plan-empty")
    page.get_by_role("link", name="Priorities").click()
    shoot(page, "priorities-empty")
    page.get_by_role("link", name="Add a priority").click()
    page.get_by_label("Priority", exact=True).fill("Getting to evening appointments")
    page.get_by_label("Transport").check()
    page.get_by_label("The last bus leaves before the evening clinic ends.").check()
    shoot(page, "add-priority")
    page.get_by_role("button", name="Save priority").click()
    page.get_by_role("cell", name="Getting to evening appointments").first.wait_for()
    shoot(page, "priorities")
    page.get_by_role("link", name="Go to the action plan").click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Priority it serves").select_option(label="Getting to evening appointments")
    page.get_by_label("Action", exact=True).fill("A later bus on route 31")
    page.get_by_label("Owner").select_option(label="Dan Whitfield")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_label("Due date").fill("2026-06-01")
    page.get_by_label("The measure that matters to the community").fill(
        "Mothers can get home by bus after an evening appointment"
    )
    page.get_by_label("Metric (how it is measured)").fill("Buses after 8pm on route 31")
    page.get_by_label("Baseline (where we start)").fill("0")
    page.get_by_label("Target").fill("2")
    shoot(page, "add-action")
    page.get_by_role("button", name="Save action").click()
    page.get_by_text("added to the plan").wait_for()
    shoot(page, "plan-draft")
    page.get_by_role("button", name="Send for community sign-off").click()
    page.get_by_text("Version 1 sent to the community leads").wait_for()
    shoot(page, "plan-sent")

    # The community lead signs it off on their phone (their own journey is tested apart).
    sign_in(phone_page, live_server, community.email)
    phone_page.goto(f"{base}/actions/cycles/{cycle.pk}/plan/")
    phone_page.get_by_role("link", name="Review and sign off").click()
    phone_page.get_by_label("Approve").check()
    phone_page.get_by_role("button", name="Send my answer").click()
    phone_page.get_by_text("Your approval has been recorded").wait_for()
    shoot(phone_page, "community-lead-approved")

    page.reload()
    page.get_by_text("Signed off on").wait_for()
    shoot(page, "plan-signed-off")
    with scopes_disabled():
        assert ActionPlan.objects.get(cycle=cycle).status == "signed_off"

    # 6. Report back, publish, and switch on the public page.
    page.goto(f"{base}/listening/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Report-backs and public page", exact=True).first.click()
    shoot(page, "report-backs-empty")
    page.get_by_role("link", name="Write a report-back").click()
    page.get_by_label("Title").fill("What you told us about buses")
    body = page.get_by_label("What you want to tell people")
    body.fill(BODY)
    body.press("End")
    page.locator("#body-readability").get_by_text("Reading ease:").wait_for()
    page.get_by_label("The last bus leaves before the evening clinic ends.").check()
    page.get_by_label("A later bus on route 31", exact=True).check()
    page.get_by_label("Letter").check()
    shoot(page, "report-back-form")
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_text("Report-back saved as a draft").wait_for()
    shoot(page, "report-back-draft")
    page.get_by_role("button", name="Publish report-back").click()
    page.get_by_text("Report-back published").wait_for()
    shoot(page, "report-back-published")

    page.get_by_role("link", name="Report-backs", exact=True).first.click()
    page.get_by_role("link", name="Set up and switch on the public page").click()
    page.get_by_label("How people can get involved").fill(
        "Come to the café at Highfields library on Tuesday mornings. You do not need to book."
    )
    page.get_by_label("Show the public page").check()
    shoot(page, "public-page-settings")
    page.get_by_role("button", name="Save public page").click()
    page.get_by_text("The public page is on").wait_for()
    shoot(page, "public-page-on")
    with scopes_disabled():
        report_back = ReportBack.objects.get(cycle=cycle)
        assert report_back.published_at is not None
        assert Insight.objects.get(pk=insight.pk).answered_at == report_back.published_at
        assert PublicPage.objects.get(cycle=cycle).enabled
        assert CaseForChange.objects.get(cycle=cycle).most_affected.startswith("Mothers who")

    # 7. The public "you said, we did" page, as a visitor with no account sees it.
    public_link = page.get_by_role("link", name="the public “you said, we did” page")
    public_url = public_link.get_attribute("href")
    assert public_url == f"/p/northgate/{cycle.slug}/"
    visitor = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        public = visitor.new_page()
        public.console_errors = []
        public.on(
            "console",
            lambda msg: public.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        response = public.goto(f"{live_server.url}{public_url}")
        assert response.status == 200
        public.get_by_role("heading", name=TITLE).wait_for()
        public.get_by_role("heading", name="What you told us about buses").wait_for()
        text = public.locator("main").inner_text()
        assert "The last bus leaves before the evening clinic ends." in text
        assert "A later bus on route 31" in text
        assert "Getting to evening appointments" in text
        assert "You do not need to book." in text
        assert "Dan Whitfield" not in text and "dan@northgate" not in public.content()
        shoot(public, "public-page")
    finally:
        visitor.close()
