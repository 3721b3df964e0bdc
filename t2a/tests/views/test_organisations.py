import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from t2a.models import Membership, Organisation, Role
from tests.cast import PASSWORD, make_member, make_user
from tests.matrix import ALL_ROLES, assert_role_matrix


@pytest.mark.django_db
def test_creating_an_organisation_makes_the_creator_admin(outsider, client_for):
    client = client_for(outsider)
    response = client.post(
        reverse("organisation_create"),
        {"name": "Riverside VCSE Alliance", "brand_colour": "#330072"},
    )
    organisation = Organisation.objects.get(name="Riverside VCSE Alliance")
    assert response.url == reverse("organisation_home", args=[organisation.slug])
    with scopes_disabled():
        assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    assert "Riverside VCSE Alliance" in client.get(reverse("home")).text


@pytest.mark.django_db
def test_organisation_with_a_taken_name_gets_a_unique_slug(org, outsider, client_for):
    client_for(outsider).post(
        reverse("organisation_create"), {"name": "Northgate", "brand_colour": "#005eb8"}
    )
    assert Organisation.objects.filter(slug="northgate-2").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{"name": "", "brand_colour": "#005eb8"}, {"name": "X", "brand_colour": "blue"}]
)
def test_bad_organisation_input_shows_errors_and_creates_nothing(outsider, client_for, data):
    before = Organisation.objects.count()
    response = client_for(outsider).post(reverse("organisation_create"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_organisation_home_matrix(org, users, client_for):
    assert_role_matrix(
        client_for, users, reverse("organisation_home", args=[org.slug]), get=ALL_ROLES
    )


SETTINGS = {
    "name": "Northgate ICB",
    "brand_colour": "#00403a",
    "escalate_owner_after_days": 0,
    "escalate_lead_after_days": 7,
    "escalate_governance_after_days": 14,
    "reading_ease_target": 60,
}


@pytest.mark.django_db
def test_settings_matrix_and_mfa_switch(org, users, client_for):
    url = reverse("organisation_settings", args=[org.slug])
    assert_role_matrix(
        client_for,
        users,
        url,
        get={Role.ADMIN},
        post={Role.ADMIN},
        data=SETTINGS,
    )
    org.refresh_from_db()
    assert org.brand_colour == "#00403a"
    client_for(users[Role.ADMIN]).post(url, {**SETTINGS, "mfa_required": "on"})
    org.refresh_from_db()
    assert org.mfa_required


@pytest.mark.django_db
def test_brand_colour_cannot_inject_css(org, users, client_for):
    response = client_for(users[Role.ADMIN]).post(
        reverse("organisation_settings", args=[org.slug]),
        {**SETTINGS, "brand_colour": "red;}body{display:none"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    org.refresh_from_db()
    assert org.brand_colour == "#005eb8"


@pytest.mark.django_db
def test_header_shows_the_organisation_and_its_colour(org, users, client_for):
    org.brand_colour = "#7c2855"
    org.save()
    page = client_for(users[Role.GOVERNANCE]).get(reverse("organisation_home", args=[org.slug]))
    assert "Northgate ICB" in page.text
    assert ".t2a-brand{background-color:#7c2855;}" in page.text
    # Governance does not see admin-only navigation.
    assert reverse("members", args=[org.slug]) not in page.text


@pytest.mark.django_db
def test_unknown_organisation_is_404(users, client_for):
    assert client_for(users[Role.ADMIN]).get("/o/no-such-place/").status_code == 404


@pytest.mark.django_db
def test_friendly_error_pages(org, users, client_for):
    response = client_for(users[Role.GOVERNANCE]).get(reverse("members", args=[org.slug]))
    assert response.status_code == 403
    assert "You do not have permission" in response.text
    response = client_for(users[Role.GOVERNANCE]).get("/o/no-such-place/")
    assert "Page not found" in response.text


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_cookie_gets_a_plain_english_page(org, users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users[Role.ADMIN])
    response = browser.post(
        reverse("organisation_settings", args=[org.slug]), {**SETTINGS, "name": "Forged"}
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.text
    assert "Nothing you entered has been saved" in response.text
    assert "Go to your organisations" in response.text
    org.refresh_from_db()
    assert org.name == "Northgate ICB"
    # A member of the public (a survey, say) is not sent to the staff pages.
    public = Client(enforce_csrf_checks=True).post(f"/p/{org.slug}/any-cycle/")
    assert public.status_code == 403
    assert "allow cookies for this site" in public.text
    assert "Go to your organisations" not in public.text


@pytest.mark.django_db
def test_escalation_ladder_must_be_in_order(org, users, client_for):
    response = client_for(users[Role.ADMIN]).post(
        reverse("organisation_settings", args=[org.slug]),
        {**SETTINGS, "escalate_lead_after_days": 20, "escalate_governance_after_days": 10},
    )
    assert response.status_code == 400
    assert "Each step must come on or after the one before" in response.text
    org.refresh_from_db()
    assert (org.escalate_lead_after_days, org.escalate_governance_after_days) == (7, 14)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_signing_in_as_a_member_of_one_organisation_lands_on_its_home(org, users, role):
    client = Client()
    signed_in = client.post(
        reverse("account_login"),
        {"login": users[role].email, "password": PASSWORD},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == reverse("organisation_home", args=[org.slug])
    assert "Your organisations</h1>" not in signed_in.text
    assert "Create an organisation" not in signed_in.text


@pytest.mark.django_db
def test_a_member_of_several_organisations_chooses_one(org, other_org, users, client_for):
    lead = users[Role.COMMUNITY_LEAD]
    make_member(other_org, Role.GOVERNANCE, lead.email)
    page = client_for(lead).get(reverse("home"))
    assert page.status_code == 200
    assert "Northgate ICB" in page.text and "Southfield Council" in page.text
    # Neither role runs an organisation: starting a new one is not offered.
    assert "Create an organisation" not in page.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.ADMIN, True),
        (Role.ENGAGEMENT_LEAD, False),
        (Role.COMMUNITY_LEAD, False),
        (Role.GOVERNANCE, False),
    ],
)
def test_creating_an_organisation_is_offered_to_admins_only(org, users, client_for, role, offered):
    client = client_for(users[role])
    chooser = client.get(reverse("organisation_chooser"))
    assert chooser.status_code == 200
    assert "Northgate ICB" in chooser.text
    assert ("Create an organisation" in chooser.text) is offered
    assert client.get(reverse("organisation_create")).status_code == (200 if offered else 403)
    before = Organisation.objects.count()
    client.post(reverse("organisation_create"), {"name": "Mine", "brand_colour": "#005eb8"})
    assert Organisation.objects.count() == before + (1 if offered else 0)


@pytest.mark.django_db
def test_someone_in_no_organisation_is_offered_to_create_one(client_for):
    client = client_for(make_user("new@example.org"))
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "You are not a member of any organisation yet" in page.text
    assert "Create an organisation" in page.text
    assert client.get(reverse("organisation_create")).status_code == 200


@pytest.mark.django_db
def test_the_chooser_asks_to_sign_in_first():
    response = Client().get(reverse("organisation_chooser"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
