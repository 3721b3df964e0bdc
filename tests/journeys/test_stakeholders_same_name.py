"""Browser journey: an engagement lead adds a stakeholder whose name is already on the
register in the other Unicode form, is warned with a link to the record that is there,
checks it, and then adds a different person of the same name on purpose; a name of
invisible characters only is refused."""

import unicodedata

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from stakeholders.models import Stakeholder
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIAN = "Siân Hughes"


def fill_person(page, name: str) -> None:
    page.get_by_label("Person", exact=True).check()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Sector").select_option(label="Community")


def test_lead_is_warned_of_a_name_already_on_the_register(page, live_server, shoot):
    org = make_organisation("Cardiff and Vale Partnership", "cardiff", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "rhys@cardiff.example.org")
    # Typed on a keyboard that sends the decomposed form: a plus a combining circumflex.
    stored = unicodedata.normalize("NFD", SIAN)
    existing = make_stakeholder(org, stored, sector="community")
    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server.url}/o/cardiff/stakeholders/new/")

    # Only invisible characters: refused as empty, with the error summary.
    fill_person(page, "\u200b\u2060\ufeff")
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error: ")
    shoot(page, "invisible-name-refused")

    # The composed form of a name already there: a warning that links to it.
    fill_person(page, SIAN)
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.get_by_role("link", name="A stakeholder with this name is already on")
    expect(summary).to_be_visible()
    warning = page.locator("#same-name")
    expect(warning.get_by_role("link", name=stored)).to_be_visible()
    shoot(page, "same-name-warning")

    # The link opens the record that is already there.
    with page.expect_navigation():
        warning.get_by_role("link", name=stored).click()
    assert page.url.endswith(f"/stakeholders/{existing.pk}/")
    page.go_back()

    # A different person of the same name, added on purpose.
    fill_person(page, SIAN)
    page.get_by_label("This is a different person or organisation: add them anyway").check()
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.get_by_text(f"{SIAN} has been added to the register.")).to_be_visible()
    shoot(page, "added-anyway")
    with scopes_disabled():
        names = sorted(Stakeholder.objects.values_list("name", flat=True))
    assert [unicodedata.normalize("NFC", n) for n in names] == [SIAN, SIAN]


def test_an_import_names_rows_that_repeat_before_anything_is_saved(page, live_server, shoot):
    org = make_organisation("Cardiff and Vale Partnership", "cardiff", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "rhys@cardiff.example.org")
    make_stakeholder(org, SIAN, sector="community")
    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server.url}/o/cardiff/stakeholders/import/")
    decomposed = unicodedata.normalize("NFD", SIAN)
    rows = (
        "name,sector\nCanolfan Gymunedol Grangetown,community\n"
        f"{decomposed},community\nCANOLFAN  gymunedol grangetown\u200b,community\n"
    )
    page.get_by_label("CSV file").set_input_files(
        {"name": "partners.csv", "mimeType": "text/csv", "buffer": rows.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    warning = page.locator("#same-names")
    assert "Row 4 (CANOLFAN gymunedol grangetown) repeats row 2." in warning.inner_text()
    expect(warning.get_by_role("link", name=SIAN)).to_be_visible()
    shoot(page, "import-same-names")

    # Importing without saying the rows were checked is refused, and saves nothing.
    page.get_by_role("button", name="Import 3 stakeholders").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shoot(page, "import-same-names-refused")
    page.get_by_label("I have checked these rows: import them anyway").check()
    page.get_by_role("button", name="Import 3 stakeholders").click()
    expect(page.get_by_text("3 stakeholders imported.")).to_be_visible()
    with scopes_disabled():
        assert Stakeholder.objects.count() == 4
