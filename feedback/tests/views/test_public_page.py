"""A cycle's public "you said, we did" page (views/public_page.py): its settings and preview
for staff, and the page itself: who can reach it, what it never shows, that it is cached
and changes at once."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from cycles.tests.builders import make_cycle
from feedback.models import Sensitivity
from feedback.selectors.public_page import public_page_data
from feedback.services.public_page import public_page_save
from feedback.services.pulse import pulse_survey_new_link
from feedback.tests.builders import (
    make_insight,
    make_public_page,
    make_pulse_survey,
    make_report_back,
    make_theme,
)
from feedback.tests.conftest import url
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix
from tests.walker import iter_routes

pytestmark = pytest.mark.django_db


def test_another_organisations_admin_gets_404(client_for, outsider, org, cycle):
    client = client_for(outsider)
    for path in (
        url(org, "public_page_settings", cycle.pk),
        url(org, "public_page_preview", cycle.pk),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(url(org, "public_page_settings", cycle.pk)).status_code == 404


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
    make_public_page(cycle)
    public = f"/p/{org.slug}/{cycle.slug}/"
    assert_role_matrix(client_for, users, public, get=ALL_ROLES)
    assert Client().get(public).status_code == 200


SENSITIVE = "She was afraid her immigration status would be reported"
DRAFT = "Draft wording we have not agreed"
UNCREDITED_QUOTE = "My nine-year-old had to tell me the scan results."
CREDITED_QUOTE = "Two buses cost more than we can spare."


def public_url(org, cycle) -> str:
    return f"/p/{org.slug}/{cycle.slug}/"


@pytest.fixture
def seeded(org, users, cycle):
    """A cycle with a published report-back answering credited, uncredited and sensitive
    insight, a draft, and its public page switched on."""
    buses = make_theme(cycle, "Transport")
    credited = make_insight(
        cycle,
        "Travel to the maternity unit is too expensive.",
        quote=CREDITED_QUOTE,
        contributor_name="Hodan Ali",
        credit_consent_at=timezone.now(),
        themes=[buses],
        captured_at=timezone.now() - timedelta(days=9),
    )
    uncredited = make_insight(
        cycle,
        "Children are asked to interpret at scans.",
        quote=UNCREDITED_QUOTE,
        captured_at=timezone.now() - timedelta(days=9),
    )
    sensitive = make_insight(cycle, SENSITIVE, sensitivity=Sensitivity.SENSITIVE)
    make_report_back(
        cycle,
        "What you told us about travel",
        body="You said buses cost too much. We asked the council for bus passes.",
        insights=[credited, uncredited, sensitive],
        themes=[buses],
        published_at=timezone.now() - timedelta(days=1),
    )
    make_report_back(cycle, "Not ready yet", body=DRAFT, insights=[uncredited])
    make_public_page(cycle, how_to_get_involved="Come to the café at Highfields library.")
    return {"credited": credited, "uncredited": uncredited, "sensitive": sensitive}


def test_a_withdrawn_name_leaves_the_public_page(client_for, users, org, cycle, seeded):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    credited = seeded["credited"]
    lead.post(
        url(org, "insight_edit", credited.pk),
        {
            "summary": credited.summary,
            "quote": credited.quote,
            "contributor_name": "",
            "record_consent": "on",
        },
    )
    html = Client().get(public_url(org, cycle)).content.decode()
    assert "Hodan Ali" not in html
    assert CREDITED_QUOTE in html


def test_not_found_when_off_unknown_or_another_organisations(org, other_org, cycle, seeded):
    client = Client()
    assert client.get(public_url(org, cycle)).status_code == 200
    assert client.get(f"/p/{other_org.slug}/{cycle.slug}/").status_code == 404
    assert client.get(f"/p/{org.slug}/no-such-cycle/").status_code == 404
    assert client.get(f"/p/no-such-org/{cycle.slug}/").status_code == 404
    quiet = make_cycle(org, "Quiet cycle", slug="quiet")
    assert client.get(public_url(org, quiet)).status_code == 404  # never set up
    make_public_page(quiet, enabled=False)
    response = client.get(public_url(org, quiet))
    assert response.status_code == 404  # set up, switched off
    assert "Quiet cycle" not in response.content.decode()
    # A member of the public is told what to do, not pointed at invitations and sign-in.
    assert "Ask the organisation that shared it for a new link" in response.content.decode()
    assert "invitation" not in response.content.decode()
    assert client.post(public_url(org, cycle)).status_code == 405
    assert client.head(public_url(org, cycle)).status_code == 200


def test_public_routes_walked_with_real_slugs_are_404_outside_their_organisation(
    org, other_org, cycle, seeded, users
):
    """The /p/ counterpart of the tenant-isolation walker: every public route, filled with
    organisation A's real published slug (and trust-pulse link), answers 404 under B's slug,
    200 under A's, and 404 once A switches the page off (and replaces the link)."""
    routes = [route for route, _ in iter_routes() if route.startswith("p/<slug:org_slug>/")]
    assert routes, "no public routes found"
    make_cycle(other_org, "Southfield's own", slug="their-own")
    survey, token = make_pulse_survey(cycle)

    def fill(route: str, org_slug: str) -> str:
        path = route.replace("<slug:org_slug>", org_slug)
        path = path.replace("<slug:cycle_slug>", cycle.slug)
        path = path.replace("<str:token>", token)  # the trust pulse's link
        assert "<" not in path, f"no filler for {route}"
        return "/" + path

    client = Client()
    for route in routes:
        assert client.get(fill(route, org.slug)).status_code == 200, route
        assert client.get(fill(route, other_org.slug)).status_code == 404, route
    page = make_public_page(cycle)
    page.enabled = False
    with scope(organisation=org.pk):
        public_page_save(page=page, actor=users[Role.ENGAGEMENT_LEAD])
        pulse_survey_new_link(survey=survey, actor=users[Role.ENGAGEMENT_LEAD])
    for route in routes:
        assert client.get(fill(route, org.slug)).status_code == 404, route


def test_a_member_of_another_organisation_reads_it_like_anyone(
    client_for, outsider, org, cycle, seeded
):
    # Public means public: being signed in elsewhere changes nothing.
    assert client_for(outsider).get(public_url(org, cycle)).status_code == 200


def test_switching_on_needs_the_public_text(client_for, users, org, cycle):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    response = lead.post(
        url(org, "public_page_settings", cycle.pk),
        {"summary": "", "how_to_get_involved": "", "enabled": "on"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Describe the inequality in a paragraph" in html
    assert "Tell people how to get involved" in html
    assert Client().get(public_url(org, cycle)).status_code == 404
    response = lead.post(
        url(org, "public_page_settings", cycle.pk),
        {"summary": "x" * 2001, "how_to_get_involved": "Come along.", "enabled": "on"},
    )
    assert response.status_code == 400
    assert "2,000 characters or fewer" in response.content.decode()
    response = lead.post(
        url(org, "public_page_settings", cycle.pk),
        {"summary": "Short.", "how_to_get_involved": "Come along.", "enabled": "on"},
    )
    assert response.status_code == 302
    assert Client().get(public_url(org, cycle)).status_code == 200


def test_cached_cheap_and_the_same_for_everyone(
    org, cycle, seeded, users, client_for, django_assert_num_queries
):
    anonymous = Client()
    first = anonymous.get(public_url(org, cycle))
    assert first.status_code == 200
    # The tenant middleware's organisation lookup and the page's switch and cycle (whose data
    # version names the cached copy): the page body comes from the cache.
    with django_assert_num_queries(2):
        second = anonymous.get(public_url(org, cycle))
    assert second.status_code == 200
    for response in (first, second):
        # Shared caches may keep it, but must ask again every time: never a stale page.
        assert "public" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.get("Vary", "")
    # A signed-in member gets the same page and no cookie either.
    member = client_for(users[Role.ENGAGEMENT_LEAD]).get(public_url(org, cycle))
    assert not member.cookies

    def body(response) -> str:
        html = response.content.decode()
        return html[html.index("<main") : html.index("</main>")]

    assert body(first) == body(second) == body(member)
    # The shell's style nonce is fresh per response and matches its CSP header.
    nonces = []
    for response in (first, second):
        nonce = re.search(r'<style nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_publishing_and_switching_change_the_cached_page_at_once(
    client_for, users, org, cycle, seeded
):
    anonymous = Client()
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    assert "A new report-back" not in anonymous.get(public_url(org, cycle)).content.decode()
    fresh = make_report_back(cycle, "A new report-back", insights=[seeded["uncredited"]])
    assert lead.post(url(org, "report_back_publish", fresh.pk)).status_code == 302
    assert "A new report-back" in anonymous.get(public_url(org, cycle)).content.decode()

    lead.post(
        url(org, "report_back_edit", fresh.pk),
        {"title": "A corrected report-back", "body": "Fixed.", "channels": ["website"]},
    )
    html = anonymous.get(public_url(org, cycle)).content.decode()
    assert "A corrected report-back" in html and "A new report-back" not in html

    page = {"summary": "Changed summary.", "how_to_get_involved": "Email us via the website."}
    lead.post(url(org, "public_page_settings", cycle.pk), page | {"enabled": "on"})
    assert "Changed summary." in anonymous.get(public_url(org, cycle)).content.decode()
    lead.post(url(org, "public_page_settings", cycle.pk), page)
    assert anonymous.get(public_url(org, cycle)).status_code == 404


# --- consent to record (issue 23, item 8) -------------------------------------------------

UNRECORDED = "The waiting room has no chairs for children."
UNRECORDED_QUOTE = "We stood for an hour with the baby."


def test_insight_without_consent_to_record_is_never_quoted_publicly(
    client_for, users, org, cycle, seeded
):
    old = make_insight(
        cycle,
        UNRECORDED,
        quote=UNRECORDED_QUOTE,
        record_consent="",
        captured_at=timezone.now() - timedelta(days=9),
    )
    make_report_back(
        cycle,
        "What you told us about the waiting room",
        body="You told us about the waiting room. We ordered chairs.",
        insights=[old],
        published_at=timezone.now() - timedelta(hours=2),
    )
    html = Client().get(public_url(org, cycle)).content.decode()
    assert UNRECORDED not in html and UNRECORDED_QUOTE not in html
    assert "We ordered chairs." in html
    assert (
        "1 thing people told us is not quoted here, because we have no record that they "
        "agreed to being recorded." in html
    )
    assert CREDITED_QUOTE in html and UNCREDITED_QUOTE in html
    # Someone who was there confirms it: the page quotes it at once.
    client_for(users[Role.ENGAGEMENT_LEAD]).post(
        url(org, "insight_edit", old.pk),
        {"summary": old.summary, "quote": old.quote, "record_consent": "on"},
    )
    html = Client().get(public_url(org, cycle)).content.decode()
    assert UNRECORDED_QUOTE in html and "not quoted here" not in html


def test_unquoted_insight_costs_no_queries_on_the_public_page(
    org, cycle, seeded, django_assert_max_num_queries
):
    page = make_public_page(cycle)
    with scope(organisation=org.pk):
        page.refresh_from_db()
        with CaptureQueriesContext(connection) as few:
            public_page_data(page)
        report_back = make_report_back(
            cycle,
            "Many things",
            insights=[make_insight(cycle, f"Said {n}", record_consent="") for n in range(40)],
            published_at=timezone.now(),
        )
        assert report_back.pk
        with django_assert_max_num_queries(len(few.captured_queries)):
            data = public_page_data(page)
    assert data["report_backs"][-1]["insights_not_quoted"] == 40
