"""The register's pages (views/stakeholders.py): the list, a stakeholder's page, adding and
editing one, and the cycles whose map they are on."""

import unicodedata
from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from stakeholders.models import Stakeholder, StakeholderCycle
from stakeholders.tests.builders import (
    link,
    make_commitment,
    make_conversation,
    make_stakeholder,
    measure_pages,
    populate_register,
    with_contact,
)
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix

REGISTER_VIEWERS = STAFF | {Role.COMMUNITY_LEAD}


def url(org, name, *args):
    return reverse(f"stakeholders:{name}", args=[org.slug, *args])


def valid_data(**extra):
    data = {
        "kind": "place",
        "name": "Al-Noor Community Centre",
        "sector": "faith",
        "trusted_tags": ["place"],
        "communities_text": "Somali women\nYoung carers",
        "influence": "3",
        "interest": "4",
        "relationship_strength": "2",
        "preferred_channels": ["whatsapp", "in_person"],
        "languages": "Somali, English",
        "access_needs": "",
        "notes": "",
        "email": "",
        "phone": "",
        "address": "",
        "consent_date": "",
        "consent_basis": "",
        "contact_owner": "",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, users, outsider, client_for, cycle):
    s = make_stakeholder(org)
    link(s, cycle)
    client = client_for(outsider)
    for path in (
        url(org, "stakeholder_list"),
        url(org, "stakeholder_create"),
        url(org, "stakeholder_detail", s.pk),
        url(org, "stakeholder_edit", s.pk),
        url(org, "stakeholder_link_cycle", s.pk),
        url(org, "stakeholder_unlink_cycle", s.pk, cycle.pk),
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"name": "Leak"}).status_code == 404, path


@pytest.mark.django_db
def test_register_matrix(org, users, client_for, cycle):
    assert_role_matrix(client_for, users, url(org, "stakeholder_list"), get=REGISTER_VIEWERS)


@pytest.mark.django_db
def test_community_lead_sees_only_the_stakeholders_of_their_cycles(org, users, client_for, cycle):
    theirs = make_stakeholder(org, "In their cycle")
    link(theirs, cycle)
    other_cycle = make_cycle(org, "Someone else's cycle")
    link(make_stakeholder(org, "In another cycle"), other_cycle)
    make_stakeholder(org, "In no cycle")
    lead = client_for(users[Role.COMMUNITY_LEAD])
    page = lead.get(url(org, "stakeholder_list")).text
    assert "In their cycle" in page
    assert "In another cycle" not in page and "In no cycle" not in page
    staff_page = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, "stakeholder_list")).text
    assert all(n in staff_page for n in ("In their cycle", "In another cycle", "In no cycle"))
    hidden = make_stakeholder(org, "Hidden")
    assert lead.get(url(org, "stakeholder_detail", hidden.pk)).status_code == 404
    assert lead.get(url(org, "stakeholder_detail", theirs.pk)).status_code == 200


@pytest.mark.django_db
def test_filters_and_search(org, users, client_for, cycle):
    place = make_stakeholder(
        org, "Brook Library", kind="place", trusted_place=True, sector="other_public"
    )
    make_stakeholder(org, "Dr Okoro", sector="nhs", trusted_voice=True)
    make_stakeholder(
        org, "Pastor Grace", sector="faith", trusted_leader=True, notes="Runs the food bank"
    )
    link(place, cycle)
    client = client_for(users[Role.ADMIN])

    def names(**params):
        response = client.get(url(org, "stakeholder_list"), params)
        assert response.status_code == 200
        return {s.name for s in response.context["stakeholders"]}

    assert names(sector="nhs") == {"Dr Okoro"}
    assert names(tag="leader") == {"Pastor Grace"}
    assert names(tag="place") == {"Brook Library"}
    assert names(cycle=cycle.pk) == {"Brook Library"}
    assert names(q="food bank") == {"Pastor Grace"}
    assert names(q="okoro", sector="faith") == set()
    bad = client.get(url(org, "stakeholder_list"), {"cycle": "999999", "tag": "nonsense"})
    assert bad.status_code == 200
    assert "There is a problem" in bad.text
    assert list(bad.context["stakeholders"]) == []


@pytest.mark.django_db
def test_filtered_list_returns_only_the_results_to_htmx(org, users, client_for):
    make_stakeholder(org, "Dr Okoro", sector="nhs")
    response = client_for(users[Role.ADMIN]).get(
        url(org, "stakeholder_list"), {"sector": "nhs"}, headers={"HX-Request": "true"}
    )
    assert response.text.strip().startswith('<div id="results">')
    assert "Dr Okoro" in response.text


@pytest.mark.django_db
def test_detail_matrix(org, users, client_for, cycle):
    stakeholder = make_stakeholder(org)
    link(stakeholder, cycle)
    assert_role_matrix(
        client_for, users, url(org, "stakeholder_detail", stakeholder.pk), get=REGISTER_VIEWERS
    )


@pytest.mark.django_db
def test_contact_details_shown_to_staff_and_the_recorded_contact_only(
    org, users, client_for, cycle
):
    lead = users[Role.COMMUNITY_LEAD]
    not_theirs = with_contact(org, users[Role.ADMIN], "Grace Bello", email="grace@example.org")
    theirs = with_contact(
        org, users[Role.ADMIN], "Hodan Ali", email="hodan@example.org", contact_owner=lead
    )
    link(not_theirs, cycle)
    link(theirs, cycle)
    for role in STAFF:
        page = client_for(users[role]).get(url(org, "stakeholder_detail", not_theirs.pk)).text
        assert "grace@example.org" in page and "07700 900123" in page
    community = client_for(lead)
    page = community.get(url(org, "stakeholder_detail", not_theirs.pk)).text
    assert "Grace Bello" in page
    assert "grace@example.org" not in page and "07700 900123" not in page
    page = community.get(url(org, "stakeholder_detail", theirs.pk)).text
    assert "hodan@example.org" in page


@pytest.mark.django_db
def test_community_lead_sees_stakeholders_they_are_the_recorded_contact_of(org, users, client_for):
    lead = users[Role.COMMUNITY_LEAD]
    theirs = with_contact(org, users[Role.ADMIN], "Hodan Ali", contact_owner=lead)
    response = client_for(lead).get(url(org, "stakeholder_detail", theirs.pk))
    assert response.status_code == 200


@pytest.mark.django_db
def test_timeline_is_for_staff(org, users, client_for, cycle):
    stakeholder = make_stakeholder(org)
    link(stakeholder, cycle)
    conversation = make_conversation(
        org, users[Role.ENGAGEMENT_LEAD], [stakeholder], summary="Coffee at the centre"
    )
    make_commitment(
        conversation, users[Role.ENGAGEMENT_LEAD], date(2026, 5, 1), promise="Send the leaflet"
    )
    staff = client_for(users[Role.ADMIN]).get(url(org, "stakeholder_detail", stakeholder.pk)).text
    assert "Coffee at the centre" in staff and "Send the leaflet" in staff
    lead = client_for(users[Role.COMMUNITY_LEAD]).get(
        url(org, "stakeholder_detail", stakeholder.pk)
    )
    assert "Coffee at the centre" not in lead.text


@pytest.mark.django_db
def test_create_matrix(org, users, client_for):
    assert_role_matrix(
        client_for,
        users,
        url(org, "stakeholder_create"),
        get=STAFF,
        post=STAFF,
        data=lambda role: valid_data(name=f"Added by {role}"),
    )


@pytest.mark.django_db
def test_create_a_trusted_place(org, users, client_for):
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        url(org, "stakeholder_create"), valid_data()
    )
    assert response.status_code == 302
    with scopes_disabled():
        s = Stakeholder.objects.get(name="Al-Noor Community Centre")
    assert s.organisation == org
    assert (s.trusted_place, s.trusted_leader, s.trusted_voice) == (True, False, False)
    assert s.communities_reached == ["Somali women", "Young carers"]
    assert s.preferred_channels == ["whatsapp", "in_person"]
    assert (s.influence, s.interest, s.relationship_strength) == (3, 4, 2)


@pytest.mark.django_db
def test_contact_details_without_consent_are_refused_with_a_clear_error(org, users, client_for):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"), valid_data(email="imam@alnoor.example.org")
    )
    assert response.status_code == 400
    assert response.text.count("Contact details can only be saved with a recorded consent") >= 2
    assert "Choose the basis for holding these contact details" in response.text
    assert "<title>Error: " in response.text
    with scopes_disabled():
        assert not Stakeholder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["phone", "address"])
def test_every_contact_field_needs_consent(org, users, client_for, field):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"),
        valid_data(**{field: "07700 900456"}, consent_basis="consent"),
    )
    assert response.status_code == 400
    assert "Contact details can only be saved with a recorded consent" in response.text
    with scopes_disabled():
        assert not Stakeholder.objects.exists()


@pytest.mark.django_db
def test_contact_details_with_consent_record_who_recorded_it(org, users, client_for):
    lead = users[Role.ENGAGEMENT_LEAD]
    response = client_for(lead).post(
        url(org, "stakeholder_create"),
        valid_data(
            email="imam@alnoor.example.org",
            consent_date=timezone.localdate().isoformat(),
            consent_basis="consent",
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        s = Stakeholder.objects.get()
    assert s.consent_recorded_by == lead
    assert s.contact_owner == lead


@pytest.mark.django_db
def test_future_consent_date_is_refused(org, users, client_for):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"),
        valid_data(
            email="a@example.org",
            consent_date=(timezone.localdate() + timedelta(days=2)).isoformat(),
            consent_basis="consent",
        ),
    )
    assert response.status_code == 400
    assert "The consent date must be today or in the past." in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("influence", "6"), ("interest", "0"), ("sector", "pirates"), ("name", ""), ("kind", "car")],
)
def test_bad_values_are_refused(org, users, client_for, field, value):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"), valid_data(**{field: value})
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    with scopes_disabled():
        assert not Stakeholder.objects.exists()


@pytest.mark.django_db
def test_edit_keeps_who_recorded_consent_unless_consent_changes(org, users, client_for):
    admin, lead = users[Role.ADMIN], users[Role.ENGAGEMENT_LEAD]
    s = with_contact(org, admin, "Grace Bello")
    client = client_for(lead)
    data = valid_data(
        name="Grace Bello",
        email="grace@example.org",
        consent_date="2026-01-05",
        consent_basis="consent",
        contact_owner=str(admin.pk),
    )
    assert client.post(url(org, "stakeholder_edit", s.pk), data).status_code == 302
    s.refresh_from_db()
    assert s.consent_recorded_by == admin
    data["consent_basis"] = "legitimate_interests"
    assert client.post(url(org, "stakeholder_edit", s.pk), data).status_code == 302
    s.refresh_from_db()
    assert s.consent_recorded_by == lead


@pytest.mark.django_db
def test_edit_matrix(org, users, client_for):
    s = make_stakeholder(org)
    assert_role_matrix(
        client_for,
        users,
        url(org, "stakeholder_edit", s.pk),
        get=STAFF,
        post=STAFF,
        data=valid_data(name="Renamed"),
    )


@pytest.mark.django_db
def test_contact_owner_must_be_a_member_of_this_organisation(org, users, client_for, outsider):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"), valid_data(contact_owner=str(outsider.pk))
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text


@pytest.mark.django_db
def test_link_and_unlink_a_cycle_with_a_role(org, users, client_for, cycle):
    s = make_stakeholder(org)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        url(org, "stakeholder_link_cycle", s.pk), {"cycle": cycle.pk, "role": "Venue host"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        link_row = StakeholderCycle.objects.get()
    assert (link_row.cycle, link_row.role, link_row.organisation) == (cycle, "Venue host", org)
    assert "Venue host" in client.get(url(org, "stakeholder_detail", s.pk)).text
    assert client.post(url(org, "stakeholder_unlink_cycle", s.pk, cycle.pk)).status_code == 302
    with scopes_disabled():
        assert not StakeholderCycle.objects.exists()


@pytest.mark.django_db
def test_link_matrix_and_bad_cycle(org, users, client_for, cycle, other_org):
    s = make_stakeholder(org)
    assert_role_matrix(
        client_for,
        users,
        url(org, "stakeholder_link_cycle", s.pk),
        post=STAFF,
        data={"cycle": cycle.pk, "role": "Funder"},
    )
    foreign = make_cycle(other_org, "Their cycle")
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_link_cycle", s.pk), {"cycle": foreign.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text


@pytest.mark.django_db
def test_unlink_matrix(org, users, client_for, cycle):
    s = make_stakeholder(org)

    def fresh(role):
        with scopes_disabled():
            if not StakeholderCycle.objects.filter(stakeholder=s).exists():
                link(s, cycle)
        return url(org, "stakeholder_unlink_cycle", s.pk, cycle.pk)

    assert_role_matrix(client_for, users, fresh, post=STAFF)


# --- query counts -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_query_counts_are_constant_from_10_to_2000_stakeholders(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    staff = users[Role.ENGAGEMENT_LEAD]
    focus = populate_register(org, cycle, 10, staff)
    pages = [
        url(org, "stakeholder_list"),
        url(org, "stakeholder_list") + f"?cycle={cycle.pk}&tag=leader&q=Stake",
        url(org, "stakeholder_detail", focus.pk),
    ]
    small = measure_pages(client, pages)
    assert {status for _, status in small.values()} <= {200, 403}, small
    populate_register(org, cycle, 1990, staff)
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2000
    for page, (count, status) in small.items():
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, page


def naming_data(**extra):
    return valid_data(
        **{
            "kind": "person",
            "name": "সুমি বেগম",
            "sector": "community",
            "trusted_tags": ["voice"],
            "naming_outputs": ["named_in_reports"],
            "naming_consent_given_by": "Sumi herself, at the library pop-up",
            "naming_consent_date": "2026-09-01",
            **extra,
        }
    )


@pytest.mark.django_db
def test_consent_to_be_named_is_recorded_and_shown_on_the_stakeholder_page(org, users, client_for):
    lead = users[Role.ENGAGEMENT_LEAD]
    client = client_for(lead)
    response = client.post(url(org, "stakeholder_create"), naming_data())
    assert response.status_code == 302
    with scopes_disabled():
        s = Stakeholder.objects.get()
    assert (s.named_in_reports, s.named_on_public_page) == (True, False)
    assert s.naming_consent_given_by == "Sumi herself, at the library pop-up"
    assert s.naming_consent_date == date(2026, 9, 1)
    assert s.naming_consent_recorded_by == lead
    page = client_for(users[Role.ADMIN]).get(url(org, "stakeholder_detail", s.pk)).text
    assert "Consent to be named" in page
    assert "Governance reports (PDF)" in page
    assert "Sumi herself, at the library pop-up, on 1 September 2026" in page
    assert str(lead) in page[page.index("Consent to be named") :]
    # The form shows it again as it was saved.
    form = client.get(url(org, "stakeholder_edit", s.pk)).text
    assert 'value="named_in_reports" checked>' in form
    assert 'value="named_on_public_page">' in form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("naming_consent_given_by", "Enter who gave consent to be named"),
        ("naming_consent_date", "Enter the date consent to be named was given"),
    ],
)
def test_naming_without_who_or_when_is_refused(org, users, client_for, missing, message):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"), naming_data(**{missing: ""})
    )
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert response.text.count(message) >= 2  # the summary and the field
    with scopes_disabled():
        assert not Stakeholder.objects.exists()


@pytest.mark.django_db
def test_a_future_date_of_consent_to_be_named_is_refused(org, users, client_for):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"), naming_data(naming_consent_date=tomorrow)
    )
    assert response.status_code == 400
    assert "must be today or in the past" in response.text


@pytest.mark.django_db
def test_taking_consent_to_be_named_back_clears_it(org, users, client_for):
    admin, lead = users[Role.ADMIN], users[Role.ENGAGEMENT_LEAD]
    client_for(admin).post(url(org, "stakeholder_create"), naming_data())
    with scopes_disabled():
        s = Stakeholder.objects.get()
    assert s.naming_consent_recorded_by == admin
    # Saving unchanged keeps who recorded it; a change records who changed it.
    client_for(lead).post(url(org, "stakeholder_edit", s.pk), naming_data())
    s.refresh_from_db()
    assert s.naming_consent_recorded_by == admin
    data = naming_data(naming_outputs=["named_in_reports", "named_on_public_page"])
    client_for(lead).post(url(org, "stakeholder_edit", s.pk), data)
    s.refresh_from_db()
    assert (s.named_on_public_page, s.naming_consent_recorded_by) == (True, lead)
    response = client_for(lead).post(
        url(org, "stakeholder_edit", s.pk), naming_data(naming_outputs=[])
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.named_in_reports, s.named_on_public_page) == (False, False)
    assert (s.naming_consent_given_by, s.naming_consent_date) == ("", None)
    assert s.naming_consent_recorded_by is None
    page = client_for(lead).get(url(org, "stakeholder_detail", s.pk)).text
    assert "count সুমি বেগম but do not name them" in page


@pytest.mark.django_db
def test_the_database_refuses_naming_without_a_recorded_consent(org):
    with scopes_disabled(), pytest.raises(IntegrityError):
        make_stakeholder(org, "Grace Bello", named_in_reports=True)


# The same name twice ------------------------------------------------------------------------

SIAN = "Siân Hughes"
SIAN_DECOMPOSED = unicodedata.normalize("NFD", SIAN)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "typed"),
    [(SIAN, SIAN_DECOMPOSED), (SIAN_DECOMPOSED, SIAN), (SIAN, " siân\u00a0 HUGHES\u200b")],
    ids=["typed-decomposed", "stored-decomposed", "case-and-spaces"],
)
def test_a_name_already_on_the_register_warns_with_a_link_to_it(
    org, users, client_for, stored, typed
):
    existing = make_stakeholder(org, stored)
    other = make_stakeholder(org, "Siân Hughes-Jones")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        url(org, "stakeholder_create"), valid_data(kind="person", name=typed, trusted_tags=[])
    )
    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page
    assert "A stakeholder with this name is already on the register." in page
    assert f'<a href="{url(org, "stakeholder_detail", existing.pk)}">{stored}</a>' in page
    assert url(org, "stakeholder_detail", other.pk) not in page
    with scopes_disabled():
        assert Stakeholder.objects.count() == 2
    # Two people can share a name: once the member says so, the new one is added.
    confirmed = client.post(
        url(org, "stakeholder_create"),
        valid_data(kind="person", name=typed, trusted_tags=[], same_name_confirmed="on"),
    )
    assert confirmed.status_code == 302
    with scopes_disabled():
        added = Stakeholder.objects.latest("pk")
    assert added.name in (SIAN, "siân HUGHES") and added.pk != existing.pk  # composed, trimmed


@pytest.mark.django_db
def test_a_new_name_needs_no_confirmation(org, users, client_for):
    make_stakeholder(org, "Siân Hughes-Jones")
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_create"), valid_data(name=SIAN)
    )
    assert response.status_code == 302
