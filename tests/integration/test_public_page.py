"""Listening and actions composed on a cycle's public "you said, we did" page: the story it
tells (report-backs, what was done, the priorities and what is out of scope), and what it
never shows (personal data, sensitive insight, internal updates, drafts, escalations)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import ActionPlan, SignOffRound
from actions.tests.builders import (
    make_action,
    make_escalation,
    make_plan,
    make_priority,
    make_signed_off,
    make_update,
)
from feedback.tests.builders import make_insight, make_public_page, make_report_back, make_theme
from feedback.tests.conftest import url
from stakeholders.tests.builders import make_stakeholder, with_contact
from t2a.models import Role

pytestmark = pytest.mark.django_db


SENSITIVE = "She was afraid her immigration status would be reported"


INTERNAL = "Finance have not agreed the interpreter budget yet"


BARRIERS = "The clinic manager is blocking the rota change"


DRAFT = "Draft wording we have not agreed"


ESCALATION = "Escalated because the trust board refused funding"


UNCREDITED_QUOTE = "My nine-year-old had to tell me the scan results."


CREDITED_QUOTE = "Two buses cost more than we can spare."


def public_url(org, cycle) -> str:
    return f"/p/{org.slug}/{cycle.slug}/"


@pytest.fixture
def seeded(org, users, cycle):
    """A cycle with everything a public page must leave out, and what it should show."""
    lead = users[Role.ENGAGEMENT_LEAD]
    with scopes_disabled():
        for user in users.values():
            user.full_name = {
                Role.ADMIN: "Priya Adminson",
                Role.ENGAGEMENT_LEAD: "Dan Leadbetter",
                Role.COMMUNITY_LEAD: "Shanice Communa",
                Role.GOVERNANCE: "Gordon Boardman",
            }[user.email.split("@")[0]]
            user.save()
    make_stakeholder(org, "Amina Yusuf", kind="person")  # no consent to contact
    with_contact(org, lead, "Grace Bello", email="grace.bello@example.org", phone="07700 900123")
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
    sensitive = make_insight(cycle, SENSITIVE, sensitivity="sensitive")
    priority = make_priority(cycle, "Getting there", description="Make travel affordable.")
    with scopes_disabled():
        priority.agreed_on = timezone.localdate()
        priority.save()
    make_plan(cycle, status="in_delivery", signed_off_at=timezone.now())
    fares = make_action(cycle, "Free bus passes", priority=priority, owner=lead, status="on_track")
    public_update = make_update(
        fares,
        public=True,
        narrative="The council agreed to fund bus passes.",
        barriers=BARRIERS,
        when=timezone.now() - timedelta(days=3),
    )
    internal = make_update(fares, public=False, narrative=INTERNAL, when=timezone.now())
    make_escalation(fares, raised_by=lead, reason=ESCALATION)
    make_action(
        cycle,
        "Free hospital parking",
        priority=priority,
        in_scope=False,
        out_of_scope_reason="Parking charges are set by the trust's national contract.",
    )
    make_report_back(
        cycle,
        "What you told us about travel",
        body="You said buses cost too much. We asked the council for bus passes.",
        insights=[credited, uncredited, sensitive],
        themes=[buses],
        actions=[fares],
        progress_updates=[public_update, internal],
        published_at=timezone.now() - timedelta(days=1),
    )
    make_report_back(cycle, "Not ready yet", body=DRAFT, insights=[uncredited])
    make_public_page(cycle, how_to_get_involved="Come to the café at Highfields library.")
    make_signed_off(cycle)
    return {"credited": credited, "uncredited": uncredited, "sensitive": sensitive}


def test_the_public_page_shows_the_story_to_anyone(org, cycle, seeded):
    response = Client().get(public_url(org, cycle))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        cycle.title,
        "Black mothers in Northgate are more likely to lose a baby.",
        "Getting there",
        "Free bus passes",
        "On track",
        "The council agreed to fund bus passes.",
        "What you told us about travel",
        "You said buses cost too much.",
        "Travel to the maternity unit is too expensive.",
        "Two buses cost more than we can spare.",
        "Hodan Ali",  # credited with recorded consent
        "A community member",  # the uncredited quote
        "Free hospital parking",
        "national contract",
        "Come to the café at Highfields library.",
        "Shared by: Letter, WhatsApp.",
    ):
        assert shown in html, shown
    # The action's last *public* update date, not the later internal one.
    three_days_ago = (timezone.localdate() - timedelta(days=3)).strftime("%-d %B %Y")
    assert f"Last update {three_days_ago}" in html


def test_the_public_page_never_shows_personal_data_sensitive_insight_or_internal_updates(
    org, cycle, users, seeded
):
    html = Client().get(public_url(org, cycle)).content.decode()
    for user in users.values():
        assert user.email not in html
        assert user.full_name not in html
    for secret in (
        "Amina Yusuf",
        "Grace Bello",
        "grace.bello@example.org",
        "07700 900123",
        SENSITIVE,
        INTERNAL,
        BARRIERS,
        DRAFT,
        "Not ready yet",
        ESCALATION,
    ):
        assert secret not in html, secret
    assert "@" not in html
    # The uncredited quote is there, attributed to nobody by name.
    quote = html.index(UNCREDITED_QUOTE)
    assert "A community member" in html[quote : quote + 300]
    assert 'name="csrfmiddlewaretoken"' not in html


def test_actions_of_an_unsigned_plan_are_not_published(org, cycle, seeded):
    with scopes_disabled():
        ActionPlan.objects.filter(cycle=cycle).update(status="draft")
        SignOffRound.objects.filter(plan__cycle=cycle).delete()
    html = Client().get(public_url(org, cycle)).content.decode()
    assert "Free bus passes" not in html and "Free hospital parking" not in html
    assert "Getting there" in html  # an agreed priority is still shown


def test_the_preview_shows_staff_the_page_before_it_is_on(client_for, users, org, cycle, seeded):
    make_public_page(cycle, enabled=False)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    html = lead.get(url(org, "public_page_preview", cycle.pk)).content.decode()
    assert "The public page is off" in html and "What you told us about travel" in html
    assert SENSITIVE not in html and INTERNAL not in html
