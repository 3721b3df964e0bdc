"""The public "you said, we did" page tells the truth whatever staff are doing to the plan:
it shows the version the community last signed off with every action's current status, says
when changes are waiting for sign-off and, once signed off, what changed; a paused or dropped
action shows its reason; and every change shows on the very next request (the page is cached
under the cycle's data version, never for a time)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, SignOffRound
from actions.tests.builders import make_action, make_plan, make_priority
from feedback.tests.builders import make_insight, make_public_page, make_report_back
from t2a.models import Role

pytestmark = pytest.mark.django_db

PENDING = "They are waiting for the community leads to sign them off."


def actions_url(org, name: str, *args) -> str:
    return reverse(f"actions:{name}", args=[org.slug, *args])


def public(org, cycle) -> str:
    return Client().get(f"/p/{org.slug}/{cycle.slug}/").content.decode()


def action_form(action: Action, **changes) -> dict:
    """The action form as the engagement lead sends it, with `changes`."""
    with scopes_disabled():
        action.refresh_from_db()
    data = {
        "priority": action.priority_id,
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id or "",
        "partners": action.partners,
        "start_date": action.start_date.isoformat() if action.start_date else "",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "community_measure": action.community_measure,
        "specific_result": action.specific_result,
        "metric": action.metric,
        "baseline": action.baseline,
        "target": action.target,
        "scope": "in" if action.in_scope else "out",
        "out_of_scope_reason": action.out_of_scope_reason,
        "cadence_days": action.cadence_days,
    }
    return data | changes


def sign_off(org, cycle, staff, community) -> None:
    """Send the plan and have the community lead approve it, through the pages."""
    assert staff.post(actions_url(org, "plan_send", cycle.pk)).status_code == 302
    with scopes_disabled():
        content_hash = SignOffRound.objects.get(plan__cycle=cycle, status="open").content_hash
    response = community.post(
        actions_url(org, "signoff", cycle.pk), {"decision": "approve", "content_hash": content_hash}
    )
    assert response.status_code == 302


@pytest.fixture
def staff(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


@pytest.fixture
def community(client_for, users):
    return client_for(users[Role.COMMUNITY_LEAD])


@pytest.fixture
def delivered(org, cycle, users, staff, community):
    """A plan the community signed off and is in delivery, its public page switched on (and
    already read once, so a cached copy exists)."""
    priority = make_priority(
        cycle,
        "Getting there",
        description="Make travel affordable.",
        agreed_on=date(2026, 2, 1),
        created_by=users[Role.ENGAGEMENT_LEAD],
    )
    make_plan(cycle)
    fares = make_action(
        cycle,
        "Free bus passes",
        priority=priority,
        owner=users[Role.ENGAGEMENT_LEAD],
        community_measure="Families get to scans without paying",
        due_date=date(2026, 6, 30),
    )
    interpreters = make_action(
        cycle,
        "Interpreters at every scan",
        priority=priority,
        owner=users[Role.ENGAGEMENT_LEAD],
        due_date=date(2026, 5, 1),
    )
    parking = make_action(
        cycle,
        "Free hospital parking",
        priority=priority,
        in_scope=False,
        out_of_scope_reason="Parking charges are set by the trust's national contract.",
    )
    make_public_page(cycle, how_to_get_involved="Come to the café at Highfields library.")
    sign_off(org, cycle, staff, community)
    staff.post(actions_url(org, "plan_move", cycle.pk), {"to": "in_delivery"})
    html = public(org, cycle)
    assert "Free bus passes" in html and "Interpreters at every scan" in html
    return {"fares": fares, "interpreters": interpreters, "parking": parking}


def progress(staff, org, action, **fields):
    data = {"status": "on_track", "narrative": "Going well."} | fields
    return staff.post(actions_url(org, "progress_update_create", action.pk), data)


# --- 1. an edit waiting for sign-off hides nothing ----------------------------------------


def test_a_plan_edited_after_sign_off_still_lists_every_signed_off_action_and_its_status(
    org, cycle, staff, delivered
):
    interpreters = delivered["interpreters"]
    progress(
        staff,
        org,
        interpreters,
        status="off_track",
        narrative="No interpreter agency has agreed to the rota yet.",
        public="on",
    )
    # The lead then edits another action: the plan goes back to draft for a new sign-off.
    response = staff.post(
        actions_url(org, "action_edit", delivered["fares"].pk),
        action_form(delivered["fares"], title="Half-price bus passes", due_date="2026-09-30"),
    )
    assert response.status_code == 302
    html = public(org, cycle)
    assert "The priorities are still being agreed" not in html
    # Every signed-off action, as signed off, with its current status and last update.
    for shown in (
        "<strong>Free bus passes</strong>",
        "Due by 30 June 2026",
        "<strong>Interpreters at every scan</strong> "
        '<strong class="nhsuk-tag nhsuk-tag--red">Off track</strong>',
        "No interpreter agency has agreed to the rota yet.",
        "<strong>Free hospital parking</strong><br>Parking charges are set",
        PENDING,
    ):
        assert shown in html, shown
    # The edit itself is not shown until the community signs it off.
    assert "Half-price bus passes" not in html and "30 September 2026" not in html
    signed_on = timezone.localdate().strftime("%-d %B %Y")
    assert f"this page shows the plan they agreed on {signed_on}" in html


def test_once_signed_off_again_the_page_shows_what_changed(org, cycle, staff, community, delivered):
    staff.post(
        actions_url(org, "action_edit", delivered["fares"].pk),
        action_form(delivered["fares"], due_date="2026-09-30"),
    )
    staff.post(actions_url(org, "plan_send", cycle.pk))
    html = public(org, cycle)
    assert "A new version of this plan is with the community leads for sign-off." in html
    assert "Due by 30 June 2026" in html
    with scopes_disabled():
        content_hash = SignOffRound.objects.get(plan__cycle=cycle, status="open").content_hash
    community.post(
        actions_url(org, "signoff", cycle.pk), {"decision": "approve", "content_hash": content_hash}
    )
    html = public(org, cycle)
    assert PENDING not in html and "with the community leads for sign-off" not in html
    assert "Due by 30 September 2026" in html and "Due by 30 June 2026" not in html
    assert "What changed when the community signed off this plan on" in html
    assert (
        "<li>Action \u2018Free bus passes\u2019: due date changed from 30 June 2026 to "
        "30 September 2026.</li>"
    ) in html


def test_a_change_of_owner_is_told_without_naming_anyone(
    org, cycle, users, staff, community, delivered
):
    staff.post(
        actions_url(org, "action_edit", delivered["fares"].pk),
        action_form(delivered["fares"], owner=users[Role.ADMIN].pk),
    )
    sign_off(org, cycle, staff, community)
    html = public(org, cycle)
    assert "Action \u2018Free bus passes\u2019: a different person now leads it." in html
    for user in users.values():
        assert user.email not in html


def test_a_signed_off_action_cannot_be_deleted_only_dropped(org, cycle, staff, delivered):
    fares = delivered["fares"]
    page = staff.get(actions_url(org, "action_delete", fares.pk)).content.decode()
    assert "cannot be removed" in page and 'type="submit"' not in page
    response = staff.post(actions_url(org, "action_delete", fares.pk), follow=True)
    assert "The community signed off this action, so it stays on the plan" in (
        response.content.decode()
    )
    with scopes_disabled():
        assert Action.objects.filter(pk=fares.pk).exists()
    assert "Free bus passes" in public(org, cycle)


def test_an_action_never_signed_off_can_still_be_removed(org, cycle, staff, delivered):
    added = make_action(cycle, "A draft idea", priority=delivered["fares"].priority)
    response = staff.post(actions_url(org, "action_delete", added.pk))
    assert response.status_code == 302
    with scopes_disabled():
        assert not Action.objects.filter(pk=added.pk).exists()


# --- 2. a paused or dropped action says why ----------------------------------------------


@pytest.mark.parametrize("status,label", [("dropped", "Dropped"), ("paused", "Paused")])
def test_a_paused_or_dropped_action_shows_its_reason_next_to_its_status(
    org, cycle, staff, delivered, status, label
):
    reason = "The venue closed; we are looking for another one with the community."
    response = progress(
        staff,
        org,
        delivered["interpreters"],
        status=status,
        narrative="We have stopped for now.",
        status_reason=reason,
    )
    assert response.status_code == 302
    html = public(org, cycle)
    status_at = html.index(f">{label}</strong>")
    assert "<strong>Interpreters at every scan</strong>" in html[status_at - 200 : status_at]
    assert f"Why it is {label.lower()}: {reason}" in html[status_at : status_at + 400]


# --- 3. every change shows on the next request ---------------------------------------------


def test_a_progress_update_is_on_the_public_page_at_the_very_next_request(
    org, cycle, staff, delivered
):
    assert "The council agreed to fund bus passes." not in public(org, cycle)
    progress(
        staff,
        org,
        delivered["fares"],
        status="done",
        narrative="The council agreed to fund bus passes.",
        public="on",
    )
    html = public(org, cycle)
    assert "The council agreed to fund bus passes." in html
    assert (
        '<strong>Free bus passes</strong> <strong class="nhsuk-tag nhsuk-tag--green">Done' in html
    )


def test_a_status_change_in_an_internal_update_shows_at_once(org, cycle, staff, delivered):
    progress(staff, org, delivered["fares"], status="at_risk", narrative="Budget is unsure.")
    html = public(org, cycle)
    assert (
        '<strong>Free bus passes</strong> <strong class="nhsuk-tag nhsuk-tag--yellow">At risk'
    ) in html
    assert "Budget is unsure." not in html


def test_a_plan_edit_shows_its_note_at_once(org, cycle, staff, delivered):
    assert PENDING not in public(org, cycle)
    staff.post(
        actions_url(org, "action_edit", delivered["fares"].pk),
        action_form(delivered["fares"], target="80"),
    )
    assert PENDING in public(org, cycle)


def test_a_report_back_and_what_it_did_show_at_once(org, cycle, staff, delivered):
    insight = make_insight(cycle, "Buses cost too much.")
    response = staff.post(
        reverse("feedback:report_back_create", args=[org.slug, cycle.pk]),
        {
            "title": "What you told us about travel",
            "body": "We asked the council for bus passes.",
            "channels": ["website"],
            "insights": [insight.pk],
            "actions": [delivered["fares"].pk],
        },
    )
    assert response.status_code == 302
    assert "What you told us about travel" not in public(org, cycle)  # a draft
    with scopes_disabled():
        report_back = cycle.report_backs.get()
    staff.post(reverse("feedback:report_back_publish", args=[org.slug, report_back.pk]))
    html = public(org, cycle)
    assert "We asked the council for bus passes." in html
    assert '<li class="nhsuk-u-margin-bottom-2"><strong>Free bus passes</strong>' in html


def test_a_priority_shows_at_once(org, cycle, staff, delivered):
    with scopes_disabled():
        priority = delivered["fares"].priority
    response = staff.post(
        reverse("actions:priority_edit", args=[org.slug, priority.pk]),
        {"title": "Getting there", "description": "Make every journey to a scan free."},
    )
    assert response.status_code == 302
    assert "Make every journey to a scan free." in public(org, cycle)


def test_a_withdrawn_name_leaves_the_cached_page_at_once(org, cycle, staff):
    credited = make_insight(
        cycle,
        "Travel is too expensive.",
        quote="Two buses cost more than we can spare.",
        contributor_name="Hodan Ali",
        credit_consent_at=timezone.now(),
    )
    make_report_back(cycle, "Travel", insights=[credited], published_at=timezone.now())
    make_public_page(cycle)
    assert "Hodan Ali" in public(org, cycle)
    response = staff.post(
        reverse("feedback:insight_edit", args=[org.slug, credited.pk]),
        # The edit form as sent: consent to record stays ticked, the name is taken out.
        {
            "summary": credited.summary,
            "quote": credited.quote,
            "contributor_name": "",
            "record_consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    html = public(org, cycle)
    assert "Hodan Ali" not in html and "Two buses cost more than we can spare." in html


def test_the_page_is_not_kept_for_a_time_by_browsers_or_shared_caches(org, cycle, delivered):
    response = Client().get(f"/p/{org.slug}/{cycle.slug}/")
    assert "no-cache" in response["Cache-Control"] and "max-age=60" not in response["Cache-Control"]
