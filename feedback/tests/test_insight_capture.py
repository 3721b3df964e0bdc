"""Quick insight capture: themes on the fly, consent for attribution, bad input, ownership."""

import pytest
from django_scopes import scopes_disabled

from feedback.models import Insight, InsightTheme, Theme
from t2a.models import Role

from .builders import make_activity, make_insight, make_theme
from .conftest import url

pytestmark = pytest.mark.django_db


def capture(client, org, cycle, **data):
    return client.post(url(org, "insight_create", cycle.pk), data)


def test_a_community_lead_records_insight_with_new_and_existing_themes(
    client_for, users, org, cycle, activity, theme
):
    lead = users[Role.COMMUNITY_LEAD]
    response = capture(
        client_for(lead),
        org,
        cycle,
        activity=activity.pk,
        summary="Appointment letters only come in English.",
        quote="I had to ask my son to read it to me.",
        themes="transport,  Language barriers ; language BARRIERS",
        population_group="Somali families",
    )
    # Back to an empty form for the same activity, ready for the next person.
    assert response.status_code == 302
    assert response.url.endswith(f"?activity={activity.pk}")
    with scopes_disabled():
        insight = Insight.objects.get()
        assert insight.captured_by == lead
        assert insight.captured_at is not None
        assert insight.attribution == "A community member"
        assert sorted(t.name for t in insight.themes.all()) == ["Language barriers", "Transport"]
        assert Theme.objects.filter(cycle=cycle).count() == 2  # "transport" reused Transport


def test_a_named_contributor_needs_recorded_consent(client_for, users, org, cycle, activity):
    client = client_for(users[Role.COMMUNITY_LEAD])
    refused = capture(
        client, org, cycle, activity=activity.pk, summary="Said a lot.", contributor_name="Hodan"
    )
    assert refused.status_code == 400
    assert "To credit someone by name, tick that they agreed" in refused.content.decode()
    with scopes_disabled():
        assert not Insight.objects.exists()
        assert not Theme.objects.exists()

    capture(
        client,
        org,
        cycle,
        activity=activity.pk,
        summary="Said a lot.",
        contributor_name="Hodan",
        credit_consent="on",
    )
    with scopes_disabled():
        insight = Insight.objects.get()
    assert insight.attribution == "Hodan"
    assert insight.credit_consent_at is not None
    assert insight.credit_consent_recorded_by == users[Role.COMMUNITY_LEAD]


def test_the_database_refuses_a_name_without_consent(org, cycle):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_insight(cycle, contributor_name="Hodan")


def test_consent_without_a_name_shows_a_community_member(client_for, users, org, cycle, activity):
    capture(
        client_for(users[Role.ADMIN]),
        org,
        cycle,
        activity=activity.pk,
        summary="Nothing named.",
        credit_consent="on",
    )
    with scopes_disabled():
        insight = Insight.objects.get()
    assert insight.credit_consent_at is None
    assert insight.attribution == "A community member"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quote": "q" * 20_000}, "quote", "The quote must be 1,000 characters or fewer"),
        ({"summary": ""}, "summary", "Write what was said"),
        ({"summary": "s" * 4001}, "summary", "4,000 characters or fewer"),
        ({"themes": "a, b, c, d, e, f, g, h, i, j, k"}, "themes", "10 themes or fewer"),
        ({"themes": "t" * 81}, "themes", "80 characters or fewer"),
        ({"population_group": "Martians"}, "population_group", "Select a valid choice"),
        ({"activity": "999999"}, "activity", "Choose one of the activities"),
        ({"activity": ""}, "activity", "Choose the activity this insight came from"),
    ],
)
def test_bad_input_gives_a_clear_error_and_saves_nothing(
    client_for, users, org, cycle, activity, changes, field, message
):
    data = {"activity": activity.pk, "summary": "Fine.", "themes": "Brand new theme"} | changes
    response = capture(client_for(users[Role.COMMUNITY_LEAD]), org, cycle, **data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert f'href="#id_{field}"' in body
    with scopes_disabled():
        assert not Insight.objects.exists()
        assert not Theme.objects.exists()


def test_community_leads_can_only_capture_from_activities_they_facilitate(
    client_for, users, org, cycle, activity
):
    not_theirs = make_activity(cycle, "Staff-run listening event", community_led=False)
    client = client_for(users[Role.COMMUNITY_LEAD])
    page = client.get(url(org, "insight_create", cycle.pk)).content.decode()
    assert activity.title in page and not_theirs.title not in page
    response = capture(client, org, cycle, activity=not_theirs.pk, summary="Sneaky.")
    assert response.status_code == 400
    with scopes_disabled():
        assert not Insight.objects.exists()


def test_a_lead_who_facilitates_nothing_is_told_why_there_is_no_form(client_for, users, org, cycle):
    make_activity(cycle, "Staff café")
    page = client_for(users[Role.COMMUNITY_LEAD]).get(url(org, "insight_create", cycle.pk))
    assert page.status_code == 200
    assert "not a facilitator of an activity in this cycle" in page.content.decode()


def test_staff_can_record_standalone_insight(client_for, users, org, cycle):
    response = capture(
        client_for(users[Role.ENGAGEMENT_LEAD]), org, cycle, summary="Heard at the GP surgery."
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Insight.objects.get().activity is None


def test_a_lead_edits_their_own_insight_and_its_themes(
    client_for, users, org, cycle, activity, insight
):
    client = client_for(users[Role.COMMUNITY_LEAD])
    form = client.get(url(org, "insight_edit", insight.pk)).content.decode()
    assert 'value="Transport"' in form
    response = client.post(
        url(org, "insight_edit", insight.pk),
        {"activity": activity.pk, "summary": "Buses stop at 6pm.", "themes": "Bus times"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        insight.refresh_from_db()
        assert insight.summary == "Buses stop at 6pm."
        assert [t.name for t in insight.themes.all()] == ["Bus times"]
        assert InsightTheme.objects.count() == 1


def test_a_lead_cannot_edit_another_leads_insight(client_for, users, org, cycle, activity):
    from tests.cast import make_member

    other = make_member(org, Role.COMMUNITY_LEAD, "second.lead@northgate.example.org")
    with scopes_disabled():
        cycle.community_leads.add(other)
        activity.facilitators.add(other)
    theirs = make_insight(cycle, "Original words", activity=activity, captured_by=other)
    client = client_for(users[Role.COMMUNITY_LEAD])
    assert client.get(url(org, "insight_detail", theirs.pk)).status_code == 200
    assert client.get(url(org, "insight_edit", theirs.pk)).status_code == 403
    response = client.post(
        url(org, "insight_edit", theirs.pk), {"activity": activity.pk, "summary": "Changed"}
    )
    assert response.status_code == 403
    with scopes_disabled():
        theirs.refresh_from_db()
    assert theirs.summary == "Original words"


def test_renaming_the_contributor_needs_consent_afresh(org, cycle, users):
    from django_scopes import scope

    from feedback.services import insight_save

    actor = users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        insight = Insight(organisation=org, cycle=cycle, summary="s", contributor_name="Hodan")
        insight_save(insight=insight, theme_names=[], credit_consent=True, actor=actor)
        first_consent = insight.credit_consent_at
        insight.contributor_name = "Amal"
        insight_save(insight=insight, theme_names=[], credit_consent=True, actor=actor)
        assert insight.credit_consent_at > first_consent
        insight.contributor_name = ""
        insight_save(insight=insight, theme_names=[], credit_consent=False, actor=actor)
        insight.refresh_from_db()
        assert insight.credit_consent_at is None and insight.credit_consent_recorded_by is None


def test_theme_suggestions_match_what_is_being_typed(client_for, users, org, cycle):
    for name in ["Transport", "Translation", "Housing", "Trust in services"]:
        make_theme(cycle, name)
    client = client_for(users[Role.COMMUNITY_LEAD])
    htmx = {"HX-Request": "true"}
    body = client.get(
        url(org, "theme_suggest", cycle.pk) + "?themes=Housing, tra", headers=htmx
    ).content.decode()
    assert "Transport" in body and "Translation" in body
    assert "Housing" not in body.split("match")[1]  # already chosen, not suggested again
    assert "<html" not in body
    new = client.get(
        url(org, "theme_suggest", cycle.pk) + "?themes=Childcare", headers=htmx
    ).content.decode()
    assert "is a new theme" in new
    picked = client.get(
        url(org, "theme_suggest", cycle.pk) + "?themes=Housing, tra&pick=Transport",
        headers=htmx,
    ).content.decode()
    assert 'value="Housing, Transport, "' in picked


def test_suggestions_never_cross_cycles(client_for, users, org, cycle):
    from cycles.tests.builders import make_cycle

    other = make_cycle(org, "Another cycle")
    make_theme(other, "Transport elsewhere")
    body = client_for(users[Role.ADMIN]).get(
        url(org, "theme_suggest", cycle.pk) + "?themes=trans", headers={"HX-Request": "true"}
    )
    assert "Transport elsewhere" not in body.content.decode()
