"""The retention sweep (services/retention.py, selectors/retention.py) and the setting
that drives it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django_scopes import scopes_disabled

from cycles.models import Report
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_activity
from stakeholders import tasks
from stakeholders.models import Stakeholder
from stakeholders.services import retention
from stakeholders.tests.builders import link, make_commitment, make_conversation, with_contact
from stakeholders.tests.privacy_builders import stored_file
from t2a.models import Organisation, OrganisationExport, Role
from tests.cast import make_member, make_organisation

LONDON = ZoneInfo("Europe/London")


# Everything is built on this day; the sweep runs twelve months later.
BUILT = datetime(2025, 3, 10, 12, 0, tzinfo=LONDON)


SWEEP = datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)


def set_retention(org: Organisation, months: int | None) -> Organisation:
    Organisation.objects.filter(pk=org.pk).update(stakeholder_retention_months=months)
    org.refresh_from_db()
    return org


def run(org: Organisation, when: datetime = SWEEP) -> int:
    with time_machine.travel(when, tick=False):
        return tasks.retention_apply(organisation_id=org.pk)


def state(*stakeholders: Stakeholder) -> list[tuple]:
    with scopes_disabled():
        return [
            tuple(
                Stakeholder.objects.filter(pk=s.pk).values_list(
                    "email", "phone", "address", "consent_date", "contact_details_removed_at"
                )[0]
            )
            for s in stakeholders
        ]


def contact(org, recorder, name: str, at: datetime) -> Stakeholder:
    with time_machine.travel(at, tick=False):
        return with_contact(org, recorder, name, email=f"{name.split()[0].lower()}@example.org")


@pytest.fixture
def admin(users):
    return users[Role.ADMIN]


def settings_data(org, months: str) -> dict:
    return {
        "name": org.name,
        "brand_colour": org.brand_colour,
        "escalate_owner_after_days": 0,
        "escalate_lead_after_days": 7,
        "escalate_governance_after_days": 14,
        "reading_ease_target": 60,
        "stakeholder_retention_months": months,
    }


@pytest.mark.django_db
def test_just_inside_the_window_is_kept_and_just_outside_is_removed(org, admin):
    set_retention(org, 12)
    inside = contact(org, admin, "Inside Person", BUILT + timedelta(hours=1))
    outside = contact(org, admin, "Outside Person", BUILT - timedelta(hours=1))

    assert run(org) == 1

    assert state(inside)[0][:3] == ("inside@example.org", "07700 900123", "")
    email, phone, address, consent, removed_at = state(outside)[0]
    assert (email, phone, address, consent) == ("", "", "", None)
    assert removed_at == SWEEP
    with scopes_disabled():
        outside.refresh_from_db()
    assert outside.name == "Outside Person", "only contact details go, not the record"
    assert outside.consent_recorded_by is None and outside.consent_basis == ""


@pytest.mark.django_db(transaction=True)
def test_removing_contact_details_withdraws_older_exports_but_not_reports(org, admin):
    set_retention(org, 12)
    contact(org, admin, "Outside Person", BUILT - timedelta(hours=1))
    export = stored_file(org, None, OrganisationExport, "export.zip")
    report = stored_file(org, make_cycle(org, "Night buses"), Report, "report.pdf")

    assert run(org) == 1

    with scopes_disabled():
        export.refresh_from_db()
        report.refresh_from_db()
    assert (export.status, export.file.name) == ("failed", "")
    assert report.status == "done" and default_storage.exists(report.file.name)
    default_storage.delete(report.file.name)
    assert run(org, SWEEP + timedelta(hours=1)) == 0


@pytest.mark.django_db
def test_recent_activity_of_any_kind_keeps_contact_details(org, admin, users):
    set_retention(org, 12)
    recent = BUILT + timedelta(days=30)
    old = BUILT - timedelta(days=300)
    names = [
        "Conversation Recent",
        "Commitment Open",
        "Cycle Running",
        "Venue Recent",
        "Edited Recent",
        "Cycle Closed",
    ]
    people = {n: contact(org, admin, n, old) for n in names}
    with time_machine.travel(recent, tick=False):
        make_conversation(org, admin, [people["Conversation Recent"]], held_on=recent.date())
        make_activity(
            make_cycle(org, "Closed one", status="closed"),
            venue=people["Venue Recent"],
            held_on=recent.date(),
        )
        with scopes_disabled():
            Stakeholder.objects.get(pk=people["Edited Recent"].pk).save()
    with time_machine.travel(old, tick=False):
        conversation = make_conversation(
            org, admin, [people["Commitment Open"]], held_on=old.date()
        )
        make_commitment(conversation, admin, old.date() + timedelta(days=14))
        link(people["Cycle Running"], make_cycle(org, "Running", status="active"))
        link(people["Cycle Closed"], make_cycle(org, "Finished", status="closed"))

    assert run(org) == 1
    removed = [n for n, s in people.items() if state(s)[0][0] == ""]
    assert removed == ["Cycle Closed"]


@pytest.mark.django_db
def test_blank_setting_and_other_organisations_are_untouched(org, other_org, admin, users):
    set_retention(org, 12)
    other_admin = make_member(other_org, Role.ADMIN, "admin@southfield.example.org")
    third = make_organisation("Eastbrook Trust", "eastbrook")
    third_admin = make_member(third, Role.ADMIN, "admin@eastbrook.example.org")
    set_retention(third, 6)
    mine = contact(org, admin, "Mine Old", BUILT - timedelta(days=400))
    blank = contact(other_org, other_admin, "Blank Old", BUILT - timedelta(days=4000))
    theirs = contact(third, third_admin, "Theirs Old", BUILT - timedelta(days=400))

    assert run(other_org) == 0
    assert run(org) == 1
    assert state(blank)[0][0] == "blank@example.org"
    assert state(theirs)[0][0] == "theirs@example.org", "org's run must not touch another"
    assert state(mine)[0][0] == ""

    # The beat entry's sweep reaches every organisation that has the setting, and only them.
    with time_machine.travel(SWEEP, tick=False):
        assert tasks.retention_sweep() == 2
    assert state(theirs)[0][0] == ""
    assert state(blank)[0][0] == "blank@example.org"


@pytest.mark.django_db
def test_running_twice_changes_nothing_more(org, admin, monkeypatch):
    set_retention(org, 12)
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    people = [contact(org, admin, f"Old {i}", BUILT - timedelta(days=40)) for i in range(5)]
    kept = contact(org, admin, "Kept Person", BUILT + timedelta(days=1))

    assert run(org) == 5, "five stakeholders in batches of two"
    after_first = state(*people, kept)
    assert run(org, SWEEP + timedelta(hours=1)) == 0
    assert state(*people, kept) == after_first


@pytest.mark.django_db
def test_sweep_queries_do_not_grow_with_the_data(org, admin, django_assert_max_num_queries):
    set_retention(org, 12)
    for i in range(3):
        contact(org, admin, f"Few {i}", BUILT - timedelta(days=40))
    # The sweep, then withdrawing the exports made before it (savepoint, read, update).
    with django_assert_max_num_queries(9):
        assert run(org) == 3
    for i in range(40):
        contact(org, admin, f"Many {i}", BUILT - timedelta(days=40))
    with django_assert_max_num_queries(9):
        assert run(org) == 40


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["3", "121", "twelve", "-6"])
def test_setting_out_of_range_is_refused_clearly(org, users, client_for, value):
    response = client_for(users[Role.ADMIN]).post(
        reverse("organisation_settings", args=[org.slug]), settings_data(org, value)
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Enter a number of months from 6 to 120" in response.text
    org.refresh_from_db()
    assert org.stakeholder_retention_months is None


@pytest.mark.django_db
def test_admin_sets_and_clears_the_setting(org, users, client_for):
    client = client_for(users[Role.ADMIN])
    url = reverse("organisation_settings", args=[org.slug])
    assert "months without activity" in client.get(url).text
    assert client.post(url, settings_data(org, "24")).status_code == 302
    org.refresh_from_db()
    assert org.stakeholder_retention_months == 24
    assert client.post(url, settings_data(org, "")).status_code == 302
    org.refresh_from_db()
    assert org.stakeholder_retention_months is None
