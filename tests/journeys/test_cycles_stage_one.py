"""Browser journey: an engagement lead runs stage 1 and moves the cycle on with a reason."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.models import Cycle, InequalityRow, StageTransition
from cycles.tests.builders import make_cycle
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_engagement_lead_runs_stage_one_and_advances_with_a_reason(page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    make_member(org, Role.COMMUNITY_LEAD, "shanice@leicester.example.org")
    sign_in(page, live_server, lead.email)

    page.goto(f"{live_server.url}/o/leicester/")
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Cycles").click()
    shoot(page, "cycle-list-empty")
    page.get_by_role("link", name="Create a cycle").click()

    # A mistake first: dates in the wrong order.
    page.get_by_label("Cycle title").fill("Maternity and neonatal services in Leicester")
    page.get_by_label("Health inequality this cycle addresses").fill(
        "Black women and babies face higher rates of stillbirth."
    )
    page.get_by_label("Place or area").fill("Leicester city")
    page.get_by_label("Population groups in focus").fill("Black African women\nSouth Asian women")
    page.get_by_label("Start date").fill("2026-03-01")
    page.get_by_label("Target date").fill("2026-01-01")
    page.get_by_label("Shanice").check()
    page.get_by_role("button", name="Create cycle").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_text("The target date must be the same as or after the start date.").first
    ).to_be_visible()
    shoot(page, "create-cycle-error")
    page.get_by_label("Target date").fill("2027-01-31")
    page.get_by_role("button", name="Create cycle").click()
    expect(
        page.get_by_role("heading", name="Maternity and neonatal services in Leicester")
    ).to_be_visible()
    shoot(page, "cycle-home-new")

    # Case for change: the sections, then two inequality-map rows added in place (htmx).
    page.get_by_role("link", name="Case for change").first.click()
    page.get_by_role("link", name="Edit these sections").click()
    page.get_by_label("The inequality being addressed").fill(
        "Babies of Black mothers are more than twice as likely to be stillborn."
    )
    page.get_by_label("Who is most affected and why").fill(
        "Black African and Caribbean women in Highfields, who report not being listened to."
    )
    page.get_by_label("Local insight summary").fill("Conversations with a Somali women's group.")
    page.get_by_role("button", name="Save case for change").click()
    expect(page.get_by_text("Case for change saved.")).to_be_visible()

    for group, value in (("Black African and Caribbean", "6.9"), ("South Asian", "5.0")):
        page.get_by_text("Add an inequality map row").click()
        form = page.locator("#inequality-map form")
        form.get_by_label("Dimension").fill("Ethnicity")
        form.get_by_label("Group").fill(group)
        form.get_by_label("Indicator").fill("Stillbirths per 1,000 births")
        form.get_by_label("Value", exact=True).fill(value)
        form.get_by_label("Comparator value").fill("3.3")
        form.get_by_label("Comparator", exact=True).fill("White British")
        form.get_by_role("button", name="Add row").click()
        page.locator("#inequality-map").get_by_role("cell", name=group, exact=True).wait_for()
    assert page.locator("#inequality-map svg rect").count() == 4
    page.get_by_text("Add a data source").click()
    sources = page.locator("#data-sources form")
    sources.get_by_label("Type of source").select_option("jsna")
    sources.get_by_label("Title").fill("Leicester JSNA 2025")
    sources.get_by_role("button", name="Add data source").click()
    page.locator("#data-sources").get_by_role("link", name="Edit Leicester JSNA 2025").wait_for()
    shoot(page, "case-for-change")

    # Theory of change: add two items in place and reorder them.
    page.get_by_role("link", name="Theory of change").first.click()
    for text in ("Two community engagement workers", "A steering group"):
        page.get_by_label("Part of the theory of change").select_option("input")
        page.get_by_label("Text").fill(text)
        page.get_by_role("button", name="Add", exact=True).click()
        page.locator("#toc-body li", has_text=text).wait_for()
    page.get_by_role("button", name="Move up “A steering group”").click()
    expect(page.locator("#toc-body ol").first.locator("li").first).to_contain_text(
        "A steering group"
    )
    shoot(page, "theory-of-change")

    # Ethics log: an entry with a mitigation and owner.
    page.get_by_role("link", name="Ethics log").first.click()
    page.get_by_role("link", name="Add an ethical consideration").click()
    page.get_by_label("Consideration").fill("Women may share experiences of baby loss.")
    page.get_by_label("Category").select_option("trauma")
    page.get_by_label("4 – likely").check()
    page.get_by_label("5 – severe").check()
    page.get_by_label("Mitigation").fill("A trained facilitator and signposting at every session.")
    page.get_by_label("Owner").select_option(label="Dan")
    page.get_by_role("button", name="Add to the ethics log").click()
    expect(page.get_by_text("Ethics log entry added.")).to_be_visible()
    expect(page.locator("td strong.nhsuk-tag", has_text="20")).to_be_visible()
    shoot(page, "ethics-log")

    page.get_by_role("link", name="Inclusion prompts").first.click()
    page.get_by_label("Who may be missing or less visible?").fill("Roma women.")
    page.get_by_role("button", name="Save answers").click()
    shoot(page, "inclusion-prompts")

    # Advance with unmet items: refused without a reason, then recorded with one.
    page.get_by_role("link", name="Cycle overview").click()
    page.get_by_role("link", name="Move to stage 2").click()
    expect(page.get_by_text("not met", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Move to stage 2").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shoot(page, "advance-error")
    page.get_by_label("Reason").fill("The steering group meets next week; we start listening now.")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Move to stage 2").click()
    expect(page.get_by_text("is now at stage 2")).to_be_visible()
    history = page.locator("#stage-history + ul")
    expect(history.get_by_text("The steering group meets next week")).to_be_visible()
    expect(history.get_by_text("Case for change agreed by the steering group")).to_be_visible()
    shoot(page, "cycle-home-stage-2")

    with scopes_disabled():
        cycle = Cycle.objects.get(organisation=org)
        assert cycle.current_stage == 2
        assert InequalityRow.objects.filter(case_for_change__cycle=cycle).count() == 2
        transition = StageTransition.objects.get(cycle=cycle)
        assert transition.moved_by == lead and transition.inclusion_prompts_changed is False
        assert "case_for_change_agreed" in {item["key"] for item in transition.unmet_items}

    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Cycles").click()
    shoot(page, "cycle-list")


def test_cycle_home_on_a_phone(phone_page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester")
    governance = make_member(org, Role.GOVERNANCE, "ravi@leicester.example.org")
    cycle = make_cycle(org, governance_members=(governance,))
    sign_in(phone_page, live_server, governance.email)
    phone_page.goto(f"{live_server.url}/o/leicester/cycles/{cycle.pk}/")
    expect(phone_page.get_by_role("heading", name=cycle.title)).to_be_visible()
    assert phone_page.get_by_role("link", name="Move to stage 2").count() == 0
    shoot(phone_page, "cycle-home-governance-phone")
