"""What the cycle's public "you said, we did" page shows of the plan (feedback's plug-in
point "feedback.public_page_sections"): the priorities agreed with their actions, and what
is out of scope and why."""

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action

from ..builders import INTERNAL_UPDATE as INTERNAL
from ..builders import make_delivered_plan, make_signed_off

pytestmark = pytest.mark.django_db


def day(when) -> str:
    return timezone.localdate(when).strftime("%-d %B %Y")


@pytest.fixture
def plan(cycle):
    return make_delivered_plan(cycle)


def test_the_public_page_shows_the_plan_and_what_each_report_back_did(org, cycle, plan):
    html = Client().get(f"/p/{org.slug}/{cycle.slug}/").content.decode()
    three_days_ago = day(plan["public"].created_at)
    for shown in (
        # The contents list, in the order of the page.
        '<a class="nhsuk-contents-list__link" href="#priorities">What we agreed to work on</a>',
        '<a class="nhsuk-contents-list__link" href="#out-of-scope">What we cannot change, '
        "and why</a>",
        # The priorities, each action with its status, measure, due date and last public
        # update.
        '<h2 id="priorities">What we agreed to work on</h2>',
        '<h3 class="nhsuk-card__heading nhsuk-heading-m">Getting there</h3>',
        "<p>Make travel affordable.</p>",
        '<strong>Free bus passes</strong> <strong class="nhsuk-tag nhsuk-tag--blue">On track'
        "</strong>",
        "How you will know: Families get to scans without paying",
        "Due by 30 June 2026",
        f"Last update {three_days_ago}: The council agreed to fund bus passes.",
        '<strong>Interpreters at every scan</strong> <strong class="nhsuk-tag '
        'nhsuk-tag--yellow">At risk</strong>',
        "No update yet.",
        # What is out of scope, with the reason.
        '<h2 id="out-of-scope">What we cannot change, and why</h2>',
        "<strong>Free hospital parking</strong><br>Parking charges are set by the "
        "trust&#x27;s national contract.",
        # The report-back's "We did".
        "<h4>We did</h4>",
        '<li class="nhsuk-u-margin-bottom-2"><strong>Free bus passes</strong> (on track)</li>',
        f'<li class="nhsuk-u-margin-bottom-2"><strong>Free bus passes</strong>, '
        f"{three_days_ago}: The council agreed to fund bus passes.</li>",
    ):
        assert shown in html, shown
    assert INTERNAL not in html
    order = [
        html.index('<h2 id="priorities">'),
        html.index('<h2 id="report-backs">'),
        html.index("<h4>We did</h4>"),
        html.index('<h2 id="out-of-scope">'),
        html.index('<h2 id="get-involved">'),
    ]
    assert order == sorted(order)
    # Out-of-scope actions are not among what is being done.
    priorities = html[order[0] : order[1]]
    assert "Free hospital parking" not in priorities


def test_no_out_of_scope_section_when_everything_is_in_scope(org, cycle, plan):
    with scopes_disabled():
        Action.objects.filter(plan__cycle=cycle, in_scope=False).delete()
    make_signed_off(cycle)
    html = Client().get(f"/p/{org.slug}/{cycle.slug}/").content.decode()
    assert "What we agreed to work on" in html
    assert "What we cannot change" not in html and 'id="out-of-scope"' not in html
