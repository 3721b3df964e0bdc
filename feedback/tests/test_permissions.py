"""Permission matrix for every listening view: each role, GET and POST."""

import pytest

from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from .builders import make_insight, make_theme
from .conftest import url

pytestmark = pytest.mark.django_db

CAPTURERS = STAFF | {Role.COMMUNITY_LEAD}


def test_listening_home(client_for, users, org):
    assert_role_matrix(client_for, users, url(org, "home"), get=ALL_ROLES)


def test_cycle_calendar(client_for, users, org, cycle, activity):
    assert_role_matrix(client_for, users, url(org, "cycle", cycle.pk), get=ALL_ROLES)


def test_activity_create(client_for, users, org, cycle):
    data = {"title": "Café", "method": "conversation_cafe", "held_on": "2026-02-01"}
    data["status"] = "planned"
    assert_role_matrix(
        client_for, users, url(org, "activity_create", cycle.pk), get=STAFF, post=STAFF, data=data
    )


def test_activity_detail_and_edit(client_for, users, org, activity):
    assert_role_matrix(client_for, users, url(org, "activity_detail", activity.pk), get=ALL_ROLES)
    assert_role_matrix(
        client_for, users, url(org, "activity_edit", activity.pk), get=STAFF, post=STAFF
    )


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
    from django_scopes import scopes_disabled

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


def test_theme_list_and_merge(client_for, users, org, cycle, insight, theme):
    assert_role_matrix(client_for, users, url(org, "theme_list", cycle.pk), get=ALL_ROLES)
    targets = {}

    def merge_url(role):
        # A fresh pair of themes per role, so each POST has something to merge.
        source = make_theme(cycle, f"Source {role.value}")
        targets[role] = make_theme(cycle, f"Target {role.value}")
        return url(org, "theme_merge", source.pk)

    assert_role_matrix(
        client_for,
        users,
        merge_url,
        get=STAFF,
        post=STAFF,
        data=lambda role: {"target": targets[role].pk},
    )


def test_theme_suggest(client_for, users, org, cycle, theme):
    assert_role_matrix(
        client_for,
        users,
        url(org, "theme_suggest", cycle.pk) + "?themes=tra",
        get=CAPTURERS,
        htmx=True,
    )


def test_a_community_lead_not_on_the_cycle_gets_404(client_for, org, cycle, activity, insight):
    from tests.cast import make_member

    stranger = make_member(org, Role.COMMUNITY_LEAD, "other.lead@northgate.example.org")
    client = client_for(stranger)
    for path in [
        url(org, "cycle", cycle.pk),
        url(org, "insight_list", cycle.pk),
        url(org, "insight_create", cycle.pk),
        url(org, "theme_list", cycle.pk),
        url(org, "activity_detail", activity.pk),
        url(org, "insight_detail", insight.pk),
        url(org, "insight_edit", insight.pk),
    ]:
        assert client.get(path).status_code == 404, path


# --- report-backs and the public page -----------------------------------------------------


def test_report_back_list_and_detail(client_for, users, org, cycle):
    from .builders import make_report_back

    report_back = make_report_back(cycle)
    assert_role_matrix(client_for, users, url(org, "report_back_list", cycle.pk), get=ALL_ROLES)
    assert_role_matrix(
        client_for, users, url(org, "report_back_detail", report_back.pk), get=ALL_ROLES
    )


def test_report_back_create_and_edit(client_for, users, org, cycle):
    from .builders import make_report_back

    data = {"title": "What you told us", "body": "We listened.", "channels": ["letter"]}
    assert_role_matrix(
        client_for,
        users,
        url(org, "report_back_create", cycle.pk),
        get=STAFF,
        post=STAFF,
        data=data,
    )
    report_back = make_report_back(cycle)
    assert_role_matrix(
        client_for,
        users,
        url(org, "report_back_edit", report_back.pk),
        get=STAFF,
        post=STAFF,
        data=data,
    )


def test_report_back_publish(client_for, users, org, cycle, insight):
    from .builders import make_report_back

    def publish_url(role):
        # A fresh draft per role, so each POST has something to publish.
        return url(org, "report_back_publish", make_report_back(cycle, insights=[insight]).pk)

    assert_role_matrix(client_for, users, publish_url, post=STAFF)


def test_reading_ease(client_for, users, org):
    assert_role_matrix(
        client_for,
        users,
        url(org, "reading_ease"),
        post=STAFF,
        data={"field": "body", "body": "We listened."},
        htmx=True,
    )


def test_public_page_settings_and_preview(client_for, users, org, cycle):
    assert_role_matrix(
        client_for,
        users,
        url(org, "public_page_settings", cycle.pk),
        get=STAFF,
        post=STAFF,
        data={"summary": "Short.", "how_to_get_involved": "Come along.", "enabled": "on"},
    )
    assert_role_matrix(client_for, users, url(org, "public_page_preview", cycle.pk), get=STAFF)


def test_the_public_page_is_open_to_every_role_and_to_anyone(client_for, users, org, cycle):
    from django.test import Client

    from .builders import make_public_page

    make_public_page(cycle)
    public = f"/p/{org.slug}/{cycle.slug}/"
    assert_role_matrix(client_for, users, public, get=ALL_ROLES)
    assert Client().get(public).status_code == 200


def test_report_backs_of_a_cycle_a_lead_is_not_on_are_404(client_for, org, cycle):
    from tests.cast import make_member

    from .builders import make_report_back

    report_back = make_report_back(cycle)
    stranger = make_member(org, Role.COMMUNITY_LEAD, "far.lead@northgate.example.org")
    client = client_for(stranger)
    for path in [
        url(org, "report_back_list", cycle.pk),
        url(org, "report_back_detail", report_back.pk),
    ]:
        assert client.get(path).status_code == 404, path
