"""Browser journey: an engagement lead picks a stakeholder file far bigger than the import
takes; the import page comes back with an error saying how big a file may be, and a
smaller file then goes through to the preview."""

import pytest
from playwright.sync_api import expect

from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "name,kind,sector\n"


def test_a_file_too_big_to_import_is_explained_on_the_import_page(page, live_server, shoot):
    make_organisation("Leicester Health Partnership", "leicester")
    org = make_organisation("Northgate ICB", "northgate")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "lead@northgate.example.org")
    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server.url}/o/northgate/stakeholders/import/")

    rows = "Brook Library,place,other public sector\n" * 160_000  # about 6 MB
    page.get_by_label("CSV file").set_input_files(
        {"name": "everyone.csv", "mimeType": "text/csv", "buffer": (HEADER + rows).encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The file is bigger than 1 MB. Choose a smaller file.")
    expect(page.get_by_role("heading", name="Import stakeholders from a CSV file")).to_be_visible()
    shoot(page, "import-file-too-big")

    page.get_by_label("CSV file").set_input_files(
        {"name": "few.csv", "mimeType": "text/csv", "buffer": (HEADER + rows[:400]).encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    # Waits for the preview to replace the refusal, then checks nothing of it is left.
    expect(page.get_by_text("bigger than")).to_have_count(0)
    expect(page.get_by_text("too big")).to_have_count(0)
    shoot(page, "import-preview")
