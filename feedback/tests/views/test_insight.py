"""Insight (views/insight.py): the list, quick capture, the insight's page and edits, closure,
and sensitive insight reaching engagement leads and admins only."""

from datetime import date

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from feedback.models import Insight, InsightTheme, Theme
from feedback.tests.builders import (
    count_queries,
    grow_insight,
    make_activity,
    make_insight,
    make_theme,
)
from feedback.tests.conftest import SECRET, SECRET_QUOTE, url
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


CAPTURERS = STAFF | {Role.COMMUNITY_LEAD}


def test_another_organisations_admin_gets_404(client_for, outsider, org, cycle, insight):
    client = client_for(outsider)
    for path in (
        url(org, "insight_list", cycle.pk),
        url(org, "insight_create", cycle.pk),
        url(org, "insight_detail", insight.pk),
        url(org, "insight_edit", insight.pk),
        url(org, "insight_closure", insight.pk),
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code == 404, path


def test_a_community_lead_not_on_the_cycle_gets_404(client_for, org, cycle, activity, insight):
    stranger = make_member(org, Role.COMMUNITY_LEAD, "other.lead@northgate.example.org")
    client = client_for(stranger)
    for path in [
        url(org, "insight_list", cycle.pk),
        url(org, "insight_create", cycle.pk),
        url(org, "insight_detail", insight.pk),
        url(org, "insight_edit", insight.pk),
    ]:
        assert client.get(path).status_code == 404, path


def test_insight_list_and_detail(client_for, users, org, cycle, insight):
    assert_role_matrix(client_for, users, url(org, "insight_list", cycle.pk), get=ALL_ROLES)
    assert_role_matrix(
        client_for, users, url(org, "insight_list", cycle.pk), get=ALL_ROLES, htmx=True
    )
    assert_role_matrix(client_for, users, url(org, "insight_detail", insight.pk), get=ALL_ROLES)


def test_insight_create(client_for, users, org, cycle, activity):
    data = {"activity": activity.pk, "summary": "Clinic letters arrive late."}
    assert_role_matrix(
        client_for,
        users,
        url(org, "insight_create", cycle.pk),
        get=CAPTURERS,
        post=CAPTURERS,
        data=data,
    )


def test_insight_edit_is_for_staff_and_the_lead_who_captured_it(
    client_for, users, org, cycle, activity, insight
):
    # `insight` was captured by the community lead: they may edit it.
    assert_role_matrix(
        client_for,
        users,
        url(org, "insight_edit", insight.pk),
        get=CAPTURERS,
        post=CAPTURERS,
        data={"activity": activity.pk, "summary": "Edited."},
    )
    # Someone else's insight: staff only.
    theirs = make_insight(cycle, "Captured by the engagement lead", activity=activity)
    theirs.captured_by = users[Role.ENGAGEMENT_LEAD]

    with scopes_disabled():
        theirs.save()
    assert_role_matrix(
        client_for,
        users,
        url(org, "insight_edit", theirs.pk),
        get=STAFF,
        post=STAFF,
        data={"activity": activity.pk, "summary": "Edited."},
    )


def test_insight_closure(client_for, users, org, insight):
    assert_role_matrix(
        client_for,
        users,
        url(org, "insight_closure", insight.pk),
        get=STAFF,
        post=STAFF,
        data={"action": "out_of_scope", "reason": "A national decision, not a local one."},
    )


def capture(client, org, cycle, **data):
    data.setdefault("record_consent", "on")  # they agreed to it being recorded
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


def test_out_of_scope_needs_a_reason(client_for, users, org, cycle, insight):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "insight_closure", insight.pk), {"action": "out_of_scope", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Say why this insight is out of scope" in response.content.decode()
    with scopes_disabled():
        insight.refresh_from_db()
    assert insight.out_of_scope_at is None


def test_reopening_makes_it_unanswered_again(client_for, users, org, cycle, insight):
    client = client_for(users[Role.ADMIN])
    client.post(url(org, "insight_closure", insight.pk), {"reason": "Not local."})
    client.post(url(org, "insight_closure", insight.pk), {"action": "reopen"})
    with scopes_disabled():
        insight.refresh_from_db()
    assert insight.closure_state == "unanswered" and insight.out_of_scope_reason == ""


def test_insight_list_filters_by_closure(client_for, users, org, cycle):
    make_insight(cycle, "Still open")
    make_insight(cycle, "Ruled out", out_of_scope_at=timezone.now(), out_of_scope_reason="National")
    client = client_for(users[Role.GOVERNANCE])
    body = client.get(
        url(org, "insight_list", cycle.pk) + "?closure=out_of_scope",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Ruled out" in body and "Still open" not in body and "<html" not in body


def every_page(org, cycle, activity, sensitive) -> list[tuple[str, dict]]:
    with scopes_disabled():
        theme_pk = sensitive.theme_links.get().theme_id
    htmx = {"HX-Request": "true"}
    return [
        ("/o/northgate/", {}),
        (url(org, "home"), {}),
        (url(org, "cycle", cycle.pk), {}),
        (url(org, "activity_detail", activity.pk), {}),
        (url(org, "insight_list", cycle.pk), {}),
        (url(org, "insight_list", cycle.pk) + f"?theme={theme_pk}", {}),
        (url(org, "insight_list", cycle.pk) + "?closure=unanswered", htmx),
        (url(org, "insight_list", cycle.pk) + f"?theme={theme_pk}", htmx),
        (url(org, "theme_list", cycle.pk), {}),
        (url(org, "theme_suggest", cycle.pk) + "?themes=safe", htmx),
        (url(org, "insight_detail", sensitive.pk), {}),
        (url(org, "insight_edit", sensitive.pk), {}),
        (url(org, "insight_closure", sensitive.pk), {}),
    ]


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_community_leads_and_governance_never_receive_sensitive_text(
    role, client_for, users, org, cycle, activity, sensitive, insight
):
    client = client_for(users[role])
    for path, headers in every_page(org, cycle, activity, sensitive):
        response = client.get(path, headers=headers)
        body = response.content.decode()
        assert SECRET not in body, path
        assert SECRET_QUOTE not in body, path
    # The detail is hidden as if it did not exist, even from the lead who captured it.
    assert client.get(url(org, "insight_detail", sensitive.pk)).status_code == 404
    assert client.get(url(org, "insight_edit", sensitive.pk)).status_code in (403, 404)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT_LEAD])
def test_staff_see_sensitive_insight(role, client_for, users, org, cycle, sensitive):
    client = client_for(users[role])
    assert SECRET in client.get(url(org, "insight_list", cycle.pk)).content.decode()
    detail = client.get(url(org, "insight_detail", sensitive.pk)).content.decode()
    assert SECRET in detail and SECRET_QUOTE in detail and "Sensitive" in detail


def test_a_lead_who_marks_insight_sensitive_is_told_it_leaves_their_view(
    client_for, users, org, cycle, activity
):
    client = client_for(users[Role.COMMUNITY_LEAD])
    response = client.post(
        url(org, "insight_create", cycle.pk),
        {"activity": activity.pk, "summary": SECRET, "sensitive": "on", "record_consent": "on"},
        follow=True,
    )
    assert "only engagement leads and admins can see it now" in response.content.decode()
    with scopes_disabled():
        assert Insight.objects.get().sensitivity == "sensitive"
    listing = client.get(url(org, "insight_list", cycle.pk)).content.decode()
    assert SECRET not in listing


# Measured, then written down: a change that adds a per-row query breaks these.
LIMITS = {"insight_list": 10, "insight_list_htmx": 8}


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD])
def test_query_counts_do_not_grow_with_insight(
    role, client_for, users, org, cycle, django_assert_max_num_queries
):
    activities = [
        make_activity(cycle, f"Activity {n}", held_on=date(2026, 2, 1 + n)) for n in range(6)
    ]
    themes = [make_theme(cycle, f"Theme {n}") for n in range(12)]
    client = client_for(users[role])
    pages = {
        "insight_list": (url(org, "insight_list", cycle.pk) + f"?theme={themes[0].pk}", {}),
        "insight_list_htmx": (
            url(org, "insight_list", cycle.pk) + "?closure=unanswered",
            {"HX-Request": "true"},
        ),
    }
    grow_insight(cycle, activities, themes, 10, users[Role.COMMUNITY_LEAD])
    small = {name: count_queries(client, *page) for name, page in pages.items()}
    grow_insight(cycle, activities, themes, 5000, users[Role.COMMUNITY_LEAD])
    for name, (path, headers) in pages.items():
        with django_assert_max_num_queries(LIMITS[name]):
            large = count_queries(client, path, headers)
        assert large == small[name], f"{name}: {small[name]} queries for 10, {large} for 5,000"


# --- consent to record (issue 23, item 8) -------------------------------------------------


def test_capture_without_consent_to_record_is_refused_and_nothing_saved(
    client_for, users, org, cycle, activity
):
    response = capture(
        client_for(users[Role.COMMUNITY_LEAD]),
        org,
        cycle,
        activity=activity.pk,
        summary="The clinic letters are only in English.",
        record_consent="",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Tick that they agreed to this being recorded" in html
    with scopes_disabled():
        assert not Insight.objects.exists()


def test_the_capture_form_asks_for_consent_to_record(client_for, users, org, cycle, activity):
    noted = make_activity(
        cycle,
        "Café at the mosque",
        facilitators=[users[Role.COMMUNITY_LEAD]],
        record_consent_note="We explained how notes are used; everyone agreed.",
    )
    html = client_for(users[Role.COMMUNITY_LEAD]).get(url(org, "insight_create", cycle.pk))
    html = html.content.decode()
    assert "They agreed to this being recorded" in html
    assert f"{noted.title} (14 Mar) \u2013 consent to record noted" in html
    assert f"{activity.title} (14 Mar)</option>" in html


def test_capture_from_an_activity_with_a_consent_note_needs_no_tick(client_for, users, org, cycle):
    noted = make_activity(
        cycle,
        facilitators=[users[Role.COMMUNITY_LEAD]],
        record_consent_note="We explained how notes are used; everyone agreed.",
    )
    client = client_for(users[Role.COMMUNITY_LEAD])
    capture(client, org, cycle, activity=noted.pk, summary="Too far to walk.", record_consent="")
    with scopes_disabled():
        insight = Insight.objects.get()
    html = client.get(url(org, "insight_detail", insight.pk)).content.decode()
    assert "Covered by the activity&rsquo;s note of how consent was gathered" in html
    assert "We explained how notes are used; everyone agreed." in html


def test_the_insight_page_shows_consent_to_record(client_for, users, org, cycle, activity):
    agreed = make_insight(
        cycle, "Agreed.", activity=activity, record_consent_recorded_by=users[Role.COMMUNITY_LEAD]
    )
    old = make_insight(cycle, "From before we asked.", record_consent="")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    html = client.get(url(org, "insight_detail", agreed.pk)).content.decode()
    assert "They agreed to this being recorded." in html
    assert f"by {users[Role.COMMUNITY_LEAD]}" in html
    html = client.get(url(org, "insight_detail", old.pk)).content.decode()
    assert "There is no record that they agreed to this being recorded" in html
    assert "it is not quoted on the public page" in html
    listing = client.get(url(org, "insight_list", cycle.pk)).content.decode()
    assert listing.count("Consent to record not recorded") == 1


def test_confirming_consent_on_an_old_insight(client_for, users, org, cycle):
    old = make_insight(cycle, "From before we asked.", record_consent="")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    client.post(url(org, "insight_edit", old.pk), {"summary": old.summary, "record_consent": "on"})
    old.refresh_from_db()
    assert (
        old.may_be_quoted_publicly and old.record_consent_recorded_by == users[Role.ENGAGEMENT_LEAD]
    )
