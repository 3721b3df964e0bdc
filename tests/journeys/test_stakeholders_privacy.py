"""Browser journey: an admin downloads everything held about a stakeholder who asked for
it, then erases their data with the typed confirmation (a wrong name first)."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from stakeholders.models import Stakeholder
from stakeholders.tests.builders import link, make_commitment, make_conversation, with_contact
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_exports_then_erases_a_stakeholder(page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    admin = make_member(org, Role.ADMIN, "amira@leicester.example.org")
    cycle = make_cycle(org, "Maternity and neonatal services in Leicester")
    grace = with_contact(
        org, admin, "Grace Bello", email="grace.bello@example.org", notes="Prefers evenings."
    )
    link(grace, cycle, role="Co-facilitator")
    conversation = make_conversation(
        org, admin, [grace], summary="Grace Bello told us about the night bus."
    )
    make_commitment(conversation, admin, timezone.localdate() + timedelta(days=7))

    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/o/leicester/stakeholders/")
    page.get_by_role("link", name="Grace Bello").click()
    page.get_by_role("heading", name="Their data").scroll_into_view_if_needed()
    shoot(page, "stakeholder-with-their-data")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download everything held about Grace Bello").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"leicester-stakeholder-{grace.pk}-")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    everything = json.loads(archive.read("everything.json"))
    assert everything["stakeholder"][0]["email"] == "grace.bello@example.org"
    assert len(everything["stakeholders_commitment_made_to"]) == 1

    page.get_by_role("link", name="Erase Grace Bello's data").click()
    expect(page.get_by_role("heading", name="Erase Grace Bello's data")).to_be_visible()
    shoot(page, "erase-confirmation")

    # A typo is refused, clearly, and nothing is erased.
    page.get_by_label("Type the stakeholder's name to confirm").fill("Grace Belo")
    page.get_by_label("I have downloaded their data").check()
    page.get_by_role("button", name="Erase Grace Bello's data").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shoot(page, "erase-wrong-name")
    with scopes_disabled():
        assert Stakeholder.objects.get(pk=grace.pk).name == "Grace Bello"

    page.get_by_label("Type the stakeholder's name to confirm").fill("Grace Bello")
    page.get_by_label("I have downloaded their data").check()
    page.get_by_role("button", name="Erase Grace Bello's data").click()
    erased = f"Erased stakeholder #{grace.pk}"
    expect(page.get_by_role("heading", name=erased)).to_be_visible()
    expect(page.get_by_text("Grace Bello's data has been erased.")).to_be_visible()
    expect(page.get_by_text("The record cannot be changed.")).to_be_visible()
    assert page.get_by_role("link", name="Change details").count() == 0
    shoot(page, "erased")

    page.get_by_role("link", name="Back to stakeholders").click()
    expect(page.get_by_role("row", name=f"{erased} (person) Erased")).to_be_visible()
    shoot(page, "register-shows-erased")
    with scopes_disabled():
        grace.refresh_from_db()
        assert (grace.email, grace.notes, grace.erased_by) == ("", "", admin)


def test_admin_sets_the_retention_period(page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    admin = make_member(org, Role.ADMIN, "amira@leicester.example.org")
    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/o/leicester/settings/")
    field = page.get_by_label("Remove stakeholders' contact details after this many months")
    field.fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter a number of months from 6 to 120")).to_be_visible()
    shoot(page, "retention-refused")
    field.fill("24")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Organisation settings saved.")).to_be_visible()
    shoot(page, "retention-saved")
    org.refresh_from_db()
    assert org.stakeholder_retention_months == 24
