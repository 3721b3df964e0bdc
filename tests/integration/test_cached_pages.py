"""What pages cache (readiness, the cycle page's and the organisation home's panels, the
trust indicators) is named by the data version every writing service moves on, so a
change shows on the very next request, and never a stale read.

Each test loads a page (which caches its parts), makes one change through the service a
person's form would call, and loads the page again: it must differ from before, and be
exactly what the page shows when nothing is cached.
"""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.models import Action
from actions.services.escalations import escalation_decide
from actions.services.plan import action_create, action_update
from actions.services.priorities import priority_create
from actions.services.progress import progress_update_create
from actions.services.signoff import action_plan_send_for_signoff
from actions.tests.builders import make_action, make_escalation
from cycles.models import Cycle
from cycles.selectors.case_for_change import case_for_change_for
from cycles.services.case_for_change import case_for_change_update
from cycles.services.cycles import cycle_create, cycle_update
from cycles.tests.builders import cycle_url
from feedback.models import EngagementActivity, Insight
from feedback.services.activities import activity_save
from feedback.services.insight import insight_save
from stakeholders.models import CheckIn, Stakeholder
from stakeholders.services.conversations import conversation_log
from stakeholders.services.preparation import checkin_save
from stakeholders.services.stakeholders import stakeholder_save, stakeholder_save_into_cycle
from stakeholders.services.steering import steering_member_add
from stakeholders.tests.builders import add_lead, make_stakeholder
from t2a.models import Membership, Role
from t2a.services.organisations import membership_change_role
from tests.cast import make_member, make_superuser

pytestmark = pytest.mark.django_db

# Differ on every request whatever the data: the CSP nonce and the CSRF token.
PER_REQUEST = re.compile(r'(nonce|value|content)="[A-Za-z0-9+/=_-]{20,}"')


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return PER_REQUEST.sub("", response.content.decode())


def assert_shows_change(client, url: str, change) -> None:
    before = html(client, url)
    html(client, url)  # served from the cache now
    change()
    after = html(client, url)
    assert after != before, "the change does not show"
    cache.clear()
    assert after == html(client, url), "the page showed a stale copy"


def home(org) -> str:
    return f"/o/{org.slug}/"


def new_insight(cycle, by):
    def change():
        with scope(organisation=cycle.organisation_id):
            insight = Insight(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                summary="The clinic letters arrive after the appointment.",
                captured_at=timezone.now(),
            )
            insight_save(
                insight=insight,
                theme_names=[],
                credit_consent=False,
                record_consent=True,
                actor=by,
            )

    return change


def new_action(cycle, by):
    def change():
        with scope(organisation=cycle.organisation_id):
            priority = priority_create(cycle=cycle, by=by, title="Letters that arrive in time")
            action_create(
                cycle=cycle,
                by=by,
                fields={"title": "Text reminders", "priority": priority},
            )

    return change


# The cycle page: its readiness and each app's panel -------------------------------------


def test_cycle_page_readiness_shows_a_new_insight(client_for, users, cycle):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    assert_shows_change(client, cycle_url(cycle), new_insight(cycle, users[Role.ADMIN]))


def test_cycle_list_row_shows_a_new_insight(client_for, users, cycle, org):
    cycle.current_stage = 3  # the row shows the current stage's readiness
    cycle.save(update_fields=["current_stage"])
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = f"/o/{org.slug}/cycles/"
    assert_shows_change(client, url, new_insight(cycle, users[Role.ADMIN]))


def test_cycle_page_listening_panel_shows_a_new_insight(client_for, users, cycle):
    client = client_for(users[Role.GOVERNANCE])
    page = html(client, cycle_url(cycle))
    assert "0 insights" in page or "0 insight" in page
    new_insight(cycle, users[Role.ADMIN])()
    assert "1 insight" in html(client, cycle_url(cycle))


def test_cycle_page_plan_panel_shows_a_new_action(client_for, users, cycle):
    client = client_for(users[Role.COMMUNITY_LEAD])
    assert_shows_change(client, cycle_url(cycle), new_action(cycle, users[Role.ADMIN]))


def test_cycle_page_stakeholders_panel_shows_a_new_steering_member(client_for, users, cycle):
    client = client_for(users[Role.ADMIN])

    def change():
        with scope(organisation=cycle.organisation_id):
            steering_member_add(
                cycle=cycle, sector="community", stakeholder=make_stakeholder(cycle.organisation)
            )

    assert_shows_change(client, cycle_url(cycle), change)


# The organisation home's panels ----------------------------------------------------------


def test_home_cycles_panel_shows_a_new_cycle(client_for, users, org):
    client = client_for(users[Role.ADMIN])

    def change():
        with scope(organisation=org.pk):
            cycle_create(
                organisation=org,
                fields={
                    "title": "Hearing checks in Eastside",
                    "inequality": "Late diagnosis",
                    "place": "Eastside",
                    "status": "active",
                },
            )

    assert_shows_change(client, home(org), change)


def test_home_listening_panel_shows_a_new_insight(client_for, users, cycle, org):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    assert_shows_change(client, home(org), new_insight(cycle, users[Role.ADMIN]))


def test_home_plans_and_indicators_show_a_new_action_and_its_update(client_for, users, cycle, org):
    client = client_for(users[Role.GOVERNANCE])
    assert_shows_change(client, home(org), new_action(cycle, users[Role.ADMIN]))

    def update():
        with scope(organisation=org.pk):
            action = cycle.plan.actions.get()
            progress_update_create(
                action=action,
                by=users[Role.ADMIN],
                status="at_risk",
                narrative="The printer broke.",
                public=True,
            )

    assert_shows_change(client, home(org), update)
    governance = f"/o/{org.slug}/actions/governance/"
    assert_shows_change(client, governance, new_insight(cycle, users[Role.ADMIN]))


def test_home_relationships_panel_shows_a_new_conversation(client_for, users, org):
    client = client_for(users[Role.ADMIN])

    def change():
        with scope(organisation=org.pk):
            conversation_log(
                organisation=org,
                held_on=timezone.localdate(),
                stakeholders=[make_stakeholder(org)],
                staff_member=users[Role.ENGAGEMENT_LEAD],
                channel="in_person",
                summary="Talked about evening clinics.",
                meaningful=True,
            )

    assert_shows_change(client, home(org), change)


def test_home_preparation_panel_shows_a_new_checkin(client_for, users, cycle, org):
    lead = users[Role.COMMUNITY_LEAD]
    client = client_for(lead)

    def change():
        with scope(organisation=org.pk):
            checkin = CheckIn(
                organisation_id=org.pk,
                cycle=cycle,
                community_lead=lead,
                held_by=users[Role.ENGAGEMENT_LEAD],
            )
            checkin_save(
                checkin=checkin,
                held_on=timezone.localdate(),
                kind="wellbeing",
                notes="Going well.",
                next_due_on=date(2099, 1, 1),
            )

    assert_shows_change(client, home(org), change)


# The request's base: the member's role ---------------------------------------------------


def test_a_role_change_counts_from_the_very_next_request(client_for, users, org):
    lead = users[Role.ENGAGEMENT_LEAD]
    client = client_for(lead)
    url = f"/o/{org.slug}/cycles/new/"
    assert client.get(url).status_code == 200
    with scope(organisation=org.pk):
        membership_change_role(membership=Membership.objects.get(user=lead), role=Role.GOVERNANCE)
    assert client.get(url).status_code == 403
    with scope(organisation=org.pk):
        Membership.objects.filter(user=lead).delete()
    assert client.get(url).status_code == 404


# Every cached page shows a change made through the service its form calls ---------------


def url_of(name: str, org, *args) -> str:
    return reverse(name, args=[org.slug, *args])


def rename_cycle(cycle, title: str):
    """What the cycle's edit form saves: its fields and its people, as they are."""

    def change():
        with scope(organisation=cycle.organisation_id):
            fresh = Cycle.objects.get(pk=cycle.pk)
            cycle_update(
                cycle=fresh,
                fields={"title": title},
                community_leads=list(fresh.community_leads.all()),
                governance_members=list(fresh.governance_members.all()),
            )

    return change


def test_cycle_list_shows_a_renamed_cycle(client_for, users, cycle, org):
    client = client_for(users[Role.ADMIN])
    url = url_of("cycles:cycle_list", org)
    assert_shows_change(client, url, rename_cycle(cycle, "Maternity care in Northgate"))
    assert "Maternity care in Northgate" in html(client, url)


def test_cycle_page_shows_a_renamed_cycle(client_for, users, cycle):
    client = client_for(users[Role.COMMUNITY_LEAD])
    assert_shows_change(client, cycle_url(cycle), rename_cycle(cycle, "Birth care in Northgate"))
    assert "Birth care in Northgate" in html(client, cycle_url(cycle))


def test_case_for_change_shows_an_edit_of_its_text(client_for, users, cycle, org):
    client = client_for(users[Role.GOVERNANCE])
    url = url_of("cycles:case_for_change", org, cycle.pk)

    def change():
        with scope(organisation=org.pk):
            case_for_change_update(
                case=case_for_change_for(cycle),
                by=users[Role.ENGAGEMENT_LEAD],
                sections={
                    "inequality_addressed": "Stillbirths are twice as common here.",
                    "most_affected": "Black African women in Eastside.",
                    "local_insight": "Women say the clinic is two buses away.",
                },
            )

    assert_shows_change(client, url, change)
    assert "the clinic is two buses away" in html(client, url)


def new_stakeholder(org, by, name: str, cycle=None):
    """What the register's add form saves (onto the cycle's map when it came from it)."""

    def change():
        with scope(organisation=org.pk):
            stakeholder = Stakeholder(organisation=org, name=name, sector="community")
            stakeholder_save_into_cycle(stakeholder=stakeholder, cycle=cycle, actor=by)

    return change


def test_register_shows_a_new_stakeholder_and_a_renamed_one(client_for, users, org):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = url_of("stakeholders:stakeholder_list", org)
    assert_shows_change(client, url, new_stakeholder(org, users[Role.ADMIN], "Hodan Warsame"))

    def rename():
        with scope(organisation=org.pk):
            stakeholder = Stakeholder.objects.get(name="Hodan Warsame")
            stakeholder.name = "Hodan Ali Warsame"
            stakeholder_save(stakeholder=stakeholder, actor=users[Role.ADMIN])

    assert_shows_change(client, url, rename)
    assert "Hodan Ali Warsame" in html(client, url)


def test_grid_shows_a_stakeholder_added_to_the_cycle(client_for, users, cycle, org):
    client = client_for(users[Role.COMMUNITY_LEAD])
    url = url_of("stakeholders:cycle_grid", org, cycle.pk)
    add = new_stakeholder(org, users[Role.ENGAGEMENT_LEAD], "Bilan Yusuf", cycle=cycle)
    assert_shows_change(client, url, add)
    assert "Bilan Yusuf" in html(client, url)


def test_listening_calendar_shows_a_new_activity(client_for, users, cycle, org):
    client = client_for(users[Role.GOVERNANCE])
    url = url_of("feedback:cycle", org, cycle.pk)

    def change():
        with scope(organisation=org.pk):
            activity = EngagementActivity(
                organisation=org,
                cycle=cycle,
                title="Coffee morning at the mosque",
                method="pop_up",
                held_on=date(2026, 3, 14),
                status="held",
                community_led=True,
                participants=9,
            )
            activity_save(
                activity=activity,
                facilitators=[users[Role.COMMUNITY_LEAD]],
                actor=users[Role.ADMIN],
            )

    assert_shows_change(client, url, change)
    assert "Coffee morning at the mosque" in html(client, url)


def test_insight_list_shows_a_new_insight(client_for, users, cycle, org):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = url_of("feedback:insight_list", org, cycle.pk)
    assert_shows_change(client, url, new_insight(cycle, users[Role.ADMIN]))
    assert "The clinic letters arrive after the appointment." in html(client, url)


def test_action_plan_shows_a_new_action_and_an_edited_title(client_for, users, cycle, org):
    client = client_for(users[Role.COMMUNITY_LEAD])
    url = url_of("actions:plan_detail", org, cycle.pk)
    assert_shows_change(client, url, new_action(cycle, users[Role.ENGAGEMENT_LEAD]))

    def retitle():
        with scope(organisation=org.pk):
            action = Action.objects.get(plan__cycle=cycle)
            action_update(
                action=action,
                by=users[Role.ENGAGEMENT_LEAD],
                fields={"title": "Texts a week before"},
            )

    assert_shows_change(client, url, retitle)
    assert "Texts a week before" in html(client, url)


def an_escalation_decided(cycle, board):
    escalation = make_escalation(make_action(cycle), raised_by=None)

    def change():
        with scope(organisation=cycle.organisation_id):
            escalation_decide(
                escalation=escalation, by=board, decision="Fund interpreters from the reserve."
            )

    return change


def test_cycle_governance_shows_an_escalation_decision(client_for, users, cycle, org):
    board = users[Role.GOVERNANCE]
    url = url_of("actions:governance_cycle", org, cycle.pk)
    change = an_escalation_decided(cycle, board)
    assert_shows_change(client_for(board), url, change)


def test_organisation_governance_shows_an_escalation_decision(client_for, users, cycle, org):
    url = url_of("actions:governance", org)
    change = an_escalation_decided(cycle, users[Role.GOVERNANCE])
    assert_shows_change(client_for(users[Role.ENGAGEMENT_LEAD]), url, change)


def test_cycle_governance_shows_a_progress_update(client_for, users, cycle, org):
    action = make_action(cycle, due_date=date(2099, 1, 1), owner=users[Role.ENGAGEMENT_LEAD])
    url = url_of("actions:governance_cycle", org, cycle.pk)

    def change():
        with scope(organisation=org.pk):
            progress_update_create(
                action=action,
                by=users[Role.ENGAGEMENT_LEAD],
                status="off_track",
                narrative="The midwives' rota fell through.",
                public=False,
            )

    assert_shows_change(client_for(users[Role.ADMIN]), url, change)


# A role change: the person's own pages, and what others see of them ---------------------


def response_of(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, PER_REQUEST.sub("", response.content.decode())


def assert_as_uncached(client, url: str) -> tuple[int, str]:
    """The next request's answer (status and page) is what it is with nothing cached."""
    answer = response_of(client, url)
    cache.clear()
    assert answer == response_of(client, url), f"{url} answered from a stale copy"
    return answer


def change_role(org, user, role) -> None:
    with scope(organisation=org.pk):
        membership_change_role(membership=Membership.objects.get(user=user), role=role)


def test_a_demoted_engagement_lead_loses_the_plans_edit_links(client_for, users, cycle, org):
    """Demoted to the board (and sitting on this cycle's board), the lead still sees the
    plan, but as a board member: no links to add or edit actions."""
    lead = users[Role.ENGAGEMENT_LEAD]
    with scopes_disabled():
        cycle.governance_members.add(lead)
    make_action(cycle)
    client = client_for(lead)
    url = url_of("actions:plan_detail", org, cycle.pk)
    edit = url_of("actions:action_create", org, cycle.pk)
    assert edit in html(client, url)
    html(client, url)  # served from the cache now
    change_role(org, lead, Role.GOVERNANCE)
    status, page = assert_as_uncached(client, url)
    assert status == 200
    assert edit not in page


def test_a_demoted_engagement_lead_is_refused_the_governance_pages(client_for, users, cycle, org):
    lead = users[Role.ENGAGEMENT_LEAD]
    client = client_for(lead)
    urls = [url_of("actions:governance", org), url_of("actions:governance_cycle", org, cycle.pk)]
    for url in urls:
        html(client, url)
        html(client, url)  # served from the cache now
    change_role(org, lead, Role.COMMUNITY_LEAD)
    for url in urls:
        assert client.get(url).status_code == 403


def test_a_promoted_community_lead_sees_the_staff_page_at_once(client_for, users, cycle, org):
    lead = users[Role.COMMUNITY_LEAD]
    client = client_for(lead)
    url = url_of("cycles:case_for_change", org, cycle.pk)
    edit = url_of("cycles:case_for_change_edit", org, cycle.pk)
    assert edit not in html(client, url)
    html(client, url)  # served from the cache now
    change_role(org, lead, Role.ENGAGEMENT_LEAD)
    status, page = assert_as_uncached(client, url)
    assert status == 200
    assert edit in page


def test_a_community_leads_role_change_shows_on_others_plan_page(client_for, users, cycle, org):
    """Only members who still hold the community-lead role count towards sign-off: when
    one is made a board member, the plan's list of leads yet to answer drops them at once
    for everyone who has the page open."""
    second = add_lead(cycle, make_member(org, Role.COMMUNITY_LEAD, "farah@northgate.example.org"))
    make_action(cycle)
    with scope(organisation=org.pk):
        action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = url_of("actions:plan_detail", org, cycle.pk)
    assert_shows_change(client, url, lambda: change_role(org, second, Role.GOVERNANCE))


def test_a_community_leads_role_change_shows_on_the_cycle_pages_plan_panel(
    client_for, users, cycle, org
):
    """The cycle page's plan panel counts the approvals needed from the leads who hold the
    role: a lead made a board member no longer counts, on the very next request."""
    second = add_lead(cycle, make_member(org, Role.COMMUNITY_LEAD, "farah@northgate.example.org"))
    make_action(cycle)
    with scope(organisation=org.pk):
        action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    assert "0 of 2 approvals" in html(client, cycle_url(cycle))
    assert_shows_change(client, cycle_url(cycle), lambda: change_role(org, second, Role.GOVERNANCE))
    assert "0 of 1 approval " in html(client, cycle_url(cycle))


# Edits in the Django admin, which bypass the services (t2a/admin.py) ------------------


class _FormFields(HTMLParser):
    """What a browser would send from the page's form with the given id, as it is."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside = form_id, False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or not a.get("name") and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select":
            self.select = a["name"]
            self.data.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select].append(a.get("value") or "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.data[self.textarea] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def admin_edit(client: Client, obj, **changes):
    """Submit the object's change form in the Django admin as it stands, with `changes`."""
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200, url
    fields = _FormFields(f"{meta.model_name}_form")
    fields.feed(page.content.decode())
    data = {**fields.data, **{name: [value] for name, value in changes.items()}}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_register_shows_a_stakeholder_renamed_in_the_admin(client_for, users, org):
    stakeholder = make_stakeholder(org, "Al-Noor Community Centre")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = url_of("stakeholders:stakeholder_list", org)
    root = client_for(make_superuser())
    assert_shows_change(
        client, url, lambda: admin_edit(root, stakeholder, name="Al-Noor Mosque and Centre")
    )
    assert "Al-Noor Mosque and Centre" in html(client, url)


def test_cycle_page_shows_a_community_lead_renamed_in_the_admin(client_for, users, cycle):
    """A member's name is shown on pages of every organisation they belong to."""
    lead = users[Role.COMMUNITY_LEAD]
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    assert str(lead) in html(client, cycle_url(cycle))
    root = client_for(make_superuser())
    assert_shows_change(
        client, cycle_url(cycle), lambda: admin_edit(root, lead, full_name="Shanice Adebayo")
    )
    assert "Shanice Adebayo" in html(client, cycle_url(cycle))


def test_register_drops_stakeholders_deleted_in_the_admin(client_for, users, org):
    one = make_stakeholder(org, "Brook Library")
    two = make_stakeholder(org, "Highfields Youth Club")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = url_of("stakeholders:stakeholder_list", org)
    root = client_for(make_superuser())

    def delete_one():
        delete = reverse("admin:stakeholders_stakeholder_delete", args=[one.pk])
        assert root.post(delete, {"post": "yes"}).status_code == 302

    def delete_the_rest_in_bulk():
        changelist = reverse("admin:stakeholders_stakeholder_changelist")
        chosen = {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"}
        assert root.post(changelist, chosen).status_code == 302

    assert_shows_change(client, url, delete_one)
    assert "Brook Library" not in html(client, url)
    assert_shows_change(client, url, delete_the_rest_in_bulk)
    assert "Highfields Youth Club" not in html(client, url)
