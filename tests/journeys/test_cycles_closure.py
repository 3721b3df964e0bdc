"""Browser journey: an engagement lead moves a cycle to closing, works through the closure
checklist (in place, with htmx), is stopped from closing with a step left, explains it,
closes the cycle, starts the next iteration and follows the chain between them."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from actions.models import ActionHandover
from actions.tests.builders import make_action, make_evaluation
from cycles.models import ClosureItem, Cycle
from cycles.tests.builders import make_cycle, make_toc_item
from feedback.tests.builders import make_report_back
from stakeholders.tests.builders import link, make_stakeholder
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADAPT = "Start in the evenings, and with the mosque rather than the surgery."


def record(page, step: str, choice: str, note: str) -> None:
    item = page.locator(f"#closure-item-{step}")
    item.get_by_role("link", name="Record this step").click()
    form = page.locator(f"#closure-item-{step} form")
    form.wait_for()
    form.get_by_label(choice, exact=True).check()
    form.get_by_label("What was done, or why not").fill(note)
    form.get_by_role("button", name="Save").click()
    # The checklist is redrawn in place with the step's new state.
    page.wait_for_selector(f"#closure-item-{step} >> text={note}")


def test_lead_closes_a_cycle_responsibly_and_starts_the_next_iteration(page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    cycle = make_cycle(org, "Maternity in Highfields 2026", status="active", lead=lead)
    link(make_stakeholder(org, "Central Mosque"), cycle, "Venue host")
    make_toc_item(cycle, "activity", "Conversation cafés in Somali and Arabic")
    make_action(cycle, "Evening antenatal clinic", status="done")
    make_action(cycle, "Later bus to the clinic", status="at_risk", owner=lead)
    make_report_back(cycle, "What you told us in 2026", published_at=timezone.now())
    make_evaluation(cycle, what_worked="The cafés", what_to_adapt=ADAPT)
    sign_in(page, live_server, lead.email)

    # Move the cycle to closing from its page.
    page.goto(f"{live_server.url}/o/leicester/cycles/{cycle.pk}/")
    page.get_by_role("link", name="see the closure checklist").click()
    shoot(page, "checklist-not-open")
    page.get_by_role("button", name="Start closing this cycle").click()
    expect(page.get_by_text("is now closing")).to_be_visible()
    expect(page.get_by_text("1 of 5", exact=True)).to_be_visible()  # the report-back
    shoot(page, "checklist-open")

    record(page, "communicated", "Done", "Told every café group in March, three months ahead.")
    record(page, "thanked", "Done", "Certificates and a shared meal at the last café.")
    expect(page.get_by_text("3 of 5", exact=True)).to_be_visible()
    shoot(page, "checklist-three-done")

    # Closing now is refused: the transition step is not done or explained.
    page.get_by_role("button", name="Close the cycle").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("This cycle cannot close yet: 2 closure steps")).to_be_visible()
    assert page.title().startswith("Error: ")
    shoot(page, "close-refused")

    # The no-JavaScript path for one step: the step's own page.
    page.goto(f"{live_server.url}/o/leicester/cycles/{cycle.pk}/closure/steps/transition/")
    page.get_by_label("Not done, and I will explain why").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Explain why this step was not done.").first).to_be_visible()
    shoot(page, "step-needs-a-reason")
    page.get_by_label("What was done, or why not").fill(
        "The council's community champions scheme opens next spring; we will offer it then."
    )
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Saved: transition into longer-term opportunities offered.")
    ).to_be_visible()

    record(page, "actions_handed_over", "Not done, and I will explain why",
           "The later bus goes to the next iteration.")  # fmt: skip
    expect(page.get_by_text("5 of 5", exact=True)).to_be_visible()
    page.get_by_role("button", name="Close the cycle").click()
    expect(page.get_by_text("Maternity in Highfields 2026 is closed.")).to_be_visible()
    expect(page.get_by_text("This cycle is closed.")).to_be_visible()
    shoot(page, "cycle-closed")

    # Start the next iteration from the closed cycle's page.
    page.get_by_role("link", name="Start the next iteration").click()
    expect(page.get_by_text("1 stakeholder in the cycle")).to_be_visible()
    expect(page.get_by_text("1 open action,")).to_be_visible()
    expect(page.get_by_text(ADAPT)).to_be_visible()
    shoot(page, "next-iteration-form")
    page.get_by_label("Title of the next iteration").fill("Maternity in Highfields 2027")
    page.get_by_role("button", name="Start the next iteration").click()

    expect(
        page.get_by_role("heading", name="Maternity in Highfields 2027", level=1)
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Iteration 2 of 2")).to_be_visible()
    expect(page.get_by_text(ADAPT)).to_be_visible()
    shoot(page, "next-iteration-home")

    # Back along the chain to the first iteration, whose checklist shows the handover.
    page.get_by_role("link", name="← Previous iteration").click()
    expect(page.get_by_role("heading", name="Iteration 1 of 2")).to_be_visible()
    expect(page.get_by_role("link", name="Next iteration")).to_be_visible()
    shoot(page, "first-iteration-home")
    page.get_by_role("link", name="Closure checklist").first.click()
    expect(page.get_by_text("1 handed over to")).to_be_visible()
    shoot(page, "checklist-after-handover")

    with scopes_disabled():
        new = Cycle.objects.get(previous_iteration=cycle)
        assert (new.status, new.current_stage, new.starting_notes) == ("draft", 1, ADAPT)
        assert Cycle.objects.get(pk=cycle.pk).status == "closed"
        assert ActionHandover.objects.filter(cycle=cycle, next_cycle=new).count() == 1
        assert ClosureItem.objects.filter(cycle=cycle, state="explained").count() == 2
