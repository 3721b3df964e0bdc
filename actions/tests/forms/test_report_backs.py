"""What a report-back reports as "we did" (feedback's plug-in point
"feedback.report_back_link", answered by forms/report_backs.py): its actions and the
progress updates shared with the public, on the report-back form, through the service, on
the report-back's page and in the list. Actions' other answers at feedback's plug-in points
are registered here too."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.models import ActionPlan, SignOffRound
from cycles.tests.builders import make_cycle
from feedback.models import ReportBack
from feedback.services.report_backs import report_back_save
from feedback.tests.builders import make_report_back
from t2a.models import Role
from t2a.registry import registry

from ..builders import INTERNAL_UPDATE as INTERNAL
from ..builders import make_action, make_delivered_plan, make_update

pytestmark = pytest.mark.django_db


def feedback_url(org, name: str, *args) -> str:
    return reverse(f"feedback:{name}", args=[org.slug, *args])


def day(when) -> str:
    return timezone.localdate(when).strftime("%-d %B %Y")


@pytest.fixture
def lead(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


@pytest.fixture
def plan(cycle):
    return make_delivered_plan(cycle)


def form_data(**overrides) -> dict:
    return {
        "title": "What you told us about evening clinics",
        "body": "You told us clinics close too early. We now run one on Tuesday evenings.",
        "channels": ["letter"],
    } | overrides


def test_actions_answer_feedbacks_plug_in_points():
    answers = {
        point: [e.target for e in registry.extensions(point) if e.app == "actions"]
        for point in (
            "feedback.insight_answered",
            "feedback.insight_taken_up_by",
            "feedback.theme_merged",
            "feedback.report_back_link",
            "feedback.public_page_sections",
        )
    }
    assert answers == {
        "feedback.insight_answered": ["actions.selectors.priorities.insight_linked_to_priority"],
        "feedback.insight_taken_up_by": ["actions.selectors.priorities.insight_taken_up_by"],
        "feedback.theme_merged": ["actions.services.priorities.priority_themes_merge"],
        "feedback.report_back_link": [
            "actions.forms.report_backs.ActionsReported",
            "actions.forms.report_backs.UpdatesReported",
        ],
        "feedback.public_page_sections": ["actions.selectors.public.public_page_sections"],
    }


# --- the report-back form and service ---------------------------------------------------------


def test_the_form_offers_the_cycles_actions_and_public_updates_in_place(lead, org, cycle, plan):
    html = lead.get(feedback_url(org, "report_back_create", cycle.pk)).content.decode()
    assert "Actions this reports (optional)" in html
    assert "Progress updates this reports (optional)" in html
    assert "Only updates marked to share with the public are listed." in html
    assert "The council agreed to fund bus passes." in html and INTERNAL not in html
    names = ['name="insights"', 'name="actions"', 'name="progress_updates"', 'name="channels"']
    assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)


def test_the_form_says_when_there_is_nothing_to_report(lead, org):
    bare = make_cycle(org, "Bare cycle")
    html = lead.get(feedback_url(org, "report_back_create", bare.pk)).content.decode()
    assert "This cycle&#x27;s action plan has no actions yet." in html
    assert "No progress updates have been marked to share with the public yet." in html
    assert 'name="actions"' not in html


def test_a_lead_reports_actions_and_updates_and_edits_them(lead, org, cycle, plan):
    fares, interpreters = plan["fares"], plan["interpreters"]
    response = lead.post(
        feedback_url(org, "report_back_create", cycle.pk),
        form_data(actions=[fares.pk, interpreters.pk], progress_updates=[plan["public"].pk]),
    )
    assert response.status_code == 302
    with scopes_disabled():
        report_back = ReportBack.objects.exclude(pk=plan["report_back"].pk).get()
        assert set(report_back.actions.all()) == {fares, interpreters}
        assert list(report_back.progress_updates.all()) == [plan["public"]]

    edit = feedback_url(org, "report_back_edit", report_back.pk)
    html = lead.get(edit).content.decode()
    for name, pk in (
        ("actions", fares.pk),
        ("actions", interpreters.pk),
        ("progress_updates", plan["public"].pk),
    ):
        assert f'name="{name}" type="checkbox" value="{pk}" checked>' in html
    checked = r'name="(actions|progress_updates)" type="checkbox" value="\d+" checked>'
    assert len(re.findall(checked, html)) == 3  # as saved, nothing else

    assert lead.post(edit, form_data(actions=[interpreters.pk])).status_code == 302
    with scopes_disabled():
        assert list(report_back.actions.all()) == [interpreters]
        assert not report_back.progress_updates.exists()


def test_rows_of_another_cycle_are_refused_with_the_same_messages(lead, org, cycle, plan):
    other = make_cycle(org, "Another cycle")
    foreign = make_action(other, "Elsewhere")
    foreign_update = make_update(foreign, public=True, narrative="Another cycle's update")
    response = lead.post(
        feedback_url(org, "report_back_create", cycle.pk),
        form_data(
            actions=[foreign.pk, plan["fares"].pk],
            progress_updates=[foreign_update.pk, plan["public"].pk],
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose actions from the list." in html
    assert "Choose progress updates from the list." in html
    # An internal update of this very cycle cannot be chosen either.
    response = lead.post(
        feedback_url(org, "report_back_create", cycle.pk),
        form_data(progress_updates=[plan["internal"].pk]),
    )
    assert response.status_code == 400
    assert "Choose progress updates from the list." in response.content.decode()
    for bad in ({"actions": ["not a number"]}, {"progress_updates": ["999999"]}):
        response = lead.post(feedback_url(org, "report_back_create", cycle.pk), form_data(**bad))
        assert response.status_code == 400, bad
    with scopes_disabled():
        assert list(ReportBack.objects.all()) == [plan["report_back"]]


def test_the_service_refuses_rows_of_another_cycle_and_internal_updates(org, cycle, users, plan):
    other = make_cycle(org, "Another cycle")
    foreign = make_action(other, "Elsewhere")

    def save(**links):
        report_back = ReportBack(
            organisation=org, cycle=cycle, title="T", body="B", channels=["letter"]
        )
        with scope(organisation=org.pk), pytest.raises(ValidationError) as error:
            report_back_save(
                report_back=report_back,
                insights=[],
                themes=[],
                links=links,
                actor=users[Role.ENGAGEMENT_LEAD],
            )
        return error.value.message_dict

    assert save(actions=[foreign], progress_updates=[make_update(foreign, public=True)]) == {
        "actions": ["Choose actions from this cycle's plan."],
        "progress_updates": ["Choose progress updates of this cycle's actions."],
    }
    assert save(progress_updates=[plan["internal"]]) == {
        "progress_updates": ["Only updates marked to share with the public can be reported back."]
    }
    with scopes_disabled():
        assert list(ReportBack.objects.all()) == [plan["report_back"]]


def test_links_left_out_of_a_save_keep_what_they_had(org, cycle, users, plan):
    report_back = plan["report_back"]
    with scope(organisation=org.pk):
        report_back_save(
            report_back=report_back,
            insights=report_back.insights.all(),
            themes=[],
            links={"actions": [plan["interpreters"]]},
            actor=users[Role.ENGAGEMENT_LEAD],
        )
    with scopes_disabled():
        assert list(report_back.actions.all()) == [plan["interpreters"]]
        assert list(report_back.progress_updates.all()) == [plan["public"]]


# --- the report-back's page and the list -----------------------------------------------------


def test_the_report_back_page_lists_what_it_did(client_for, users, org, cycle, plan):
    page = feedback_url(org, "report_back_detail", plan["report_back"].pk)
    html = client_for(users[Role.COMMUNITY_LEAD]).get(page).content.decode()
    action_url = reverse("actions:action_detail", args=[org.slug, plan["fares"].pk])
    assert f'<li><a href="{action_url}">Free bus passes</a> (on track)</li>' in html
    assert (
        f"<strong>Free bus passes, {day(plan['public'].created_at)}:</strong> "
        "The council agreed to fund bus passes." in html
    )
    assert "No actions or progress updates chosen." not in html

    empty = make_report_back(cycle, "Nothing done yet")
    html = client_for(users[Role.COMMUNITY_LEAD]).get(
        feedback_url(org, "report_back_detail", empty.pk)
    )
    assert "No actions or progress updates chosen." in html.content.decode()


def test_the_list_counts_the_actions_each_report_back_reports(lead, org, cycle, plan):
    make_report_back(cycle, "A draft", actions=[plan["fares"], plan["interpreters"]])
    html = lead.get(feedback_url(org, "report_back_list", cycle.pk)).content.decode()
    assert ">Actions reported</th>" in html
    cells = html.split('aria-hidden="true">Actions reported </span>')[1:]
    assert [cell.split("</td>")[0] for cell in cells] == ["1", "2"]


# --- the public page ------------------------------------------------------------------------


def test_a_report_back_of_a_plan_never_signed_off_says_nothing_it_did(org, cycle, plan):
    with scopes_disabled():
        ActionPlan.objects.filter(cycle=cycle).update(status="draft")
        SignOffRound.objects.filter(plan__cycle=cycle).delete()
    html = Client().get(f"/p/{org.slug}/{cycle.slug}/").content.decode()
    assert "What you told us about travel" in html
    assert "<h4>We did</h4>" not in html and "Free bus passes" not in html
