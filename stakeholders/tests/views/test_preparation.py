"""Community-lead preparation (views/preparation.py): the overview, a lead's page, role
agreements, training and check-ins."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from stakeholders.models import (
    DEFAULT_TRAINING_TOPICS,
    CheckIn,
    RoleAgreement,
    TrainingAttendance,
    TrainingRecord,
    TrainingTopic,
)
from stakeholders.tests.builders import (
    add_lead,
    make_agreement,
    make_checkin,
    make_topic,
    make_training,
)
from t2a.models import Membership, Role, User
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

LEAD_VIEWERS = STAFF | {Role.COMMUNITY_LEAD}


SECRET = "Worried about her mother and finding the evening sessions hard."


def url(org, name, *args):
    return reverse(f"stakeholders:{name}", args=[org.slug, *args])


@pytest.fixture
def lead(users):
    return users[Role.COMMUNITY_LEAD]


@pytest.fixture
def other_lead(org, cycle):
    """A second community lead on the same cycle."""
    return add_lead(cycle, make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org"))


def agreement_data(**changes) -> dict:
    return {
        "role": "Co-facilitator of listening cafés",
        "hours_per_month": "8",
        "channels": ["whatsapp", "phone"],
        "communication_notes": "After 6pm",
        "boundaries": "No sessions on Fridays.",
        "payment_arrangement": "paid_and_expenses",
        "payment_details": "Real Living Wage, bus fares.",
    } | changes


def checkin_data(**changes) -> dict:
    today = timezone.localdate()
    return {
        "kind": "wellbeing",
        "held_on": today.isoformat(),
        "notes": "Going well.",
        "next_due_on": (today + timedelta(days=28)).isoformat(),
    } | changes


def _as_model(data: dict) -> dict:
    values = {k: v for k, v in data.items() if k != "hours_per_month"}
    return values | {"hours_per_month": Decimal(data["hours_per_month"])}


def populate(org, cycle, n: int, staff, focus) -> None:
    """n more community leads on the cycle, each with an agreement, training and check-ins;
    the focus lead gets more records too."""
    with scopes_disabled():
        start = User.objects.count()
        leads = User.objects.bulk_create(
            User(email=f"lead{start + i}@northgate.example.org", full_name=f"Lead {start + i}")
            for i in range(n)
        )
        Membership.objects.bulk_create(
            Membership(organisation=org, user=u, role=Role.COMMUNITY_LEAD) for u in leads
        )
        cycle.community_leads.add(*leads)
        RoleAgreement.objects.bulk_create(
            RoleAgreement(
                organisation=org,
                cycle=cycle,
                community_lead=u,
                role="Co-facilitator",
                hours_per_month=6,
                payment_arrangement="expenses_only",
            )
            for u in leads
        )
        topic = make_topic(org, "Data skills")
        trainings = TrainingRecord.objects.bulk_create(
            TrainingRecord(
                organisation=org,
                cycle=cycle,
                topic=topic,
                held_on=date(2026, 1, 1) + timedelta(days=i % 60),
                recorded_by=staff,
            )
            for i in range(n)
        )
        TrainingAttendance.objects.bulk_create(
            TrainingAttendance(organisation=org, training=t, community_lead=u)
            for t in trainings
            for u in (*leads[:5], focus)
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                organisation=org,
                cycle=cycle,
                community_lead=u,
                held_by=staff,
                held_on=date(2026, 1, 1) + timedelta(days=k),
                next_due_on=date(2026, 1, 29) + timedelta(days=k),
                notes="Notes",
            )
            for u in (*leads, focus)
            for k in range(3)
        )


def pages(org, cycle, lead):
    return {
        "overview": reverse("stakeholders:preparation", args=[org.slug, cycle.pk]),
        "lead page": reverse("stakeholders:lead_preparation", args=[org.slug, cycle.pk, lead.pk]),
        "training form": reverse("stakeholders:training_create", args=[org.slug, cycle.pk]),
        "topics": reverse("stakeholders:training_topics", args=[org.slug]),
        "home": reverse("organisation_home", args=[org.slug]),
        "cycle page": reverse("cycles:cycle_detail", args=[org.slug, cycle.pk]),
    }


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, users, outsider, client_for, cycle, lead):
    agreement = make_agreement(cycle, lead)
    training = make_training(cycle, [lead], users[Role.ADMIN])
    checkin = make_checkin(cycle, lead, users[Role.ADMIN], notes=SECRET)
    client = client_for(outsider)
    for path in (
        url(org, "training_topics"),
        url(org, "preparation", cycle.pk),
        url(org, "lead_preparation", cycle.pk, lead.pk),
        url(org, "agreement_edit", cycle.pk, lead.pk),
        url(org, "agreement_confirm", cycle.pk, agreement.pk),
        url(org, "training_create", cycle.pk),
        url(org, "training_edit", cycle.pk, training.pk),
        url(org, "checkin_create", cycle.pk, lead.pk),
        url(org, "checkin_edit", cycle.pk, checkin.pk),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert SECRET not in response.text
        assert client.post(path, {"side": "organisation", "version": 1}).status_code == 404, path
    with scopes_disabled():
        assert RoleAgreement.objects.get().lead_confirmed_at is None


@pytest.mark.django_db
def test_overview_matrix(org, users, client_for, cycle):
    assert_role_matrix(client_for, users, url(org, "preparation", cycle.pk), get=ALL_ROLES)


@pytest.mark.django_db
def test_lead_page_matrix(org, users, client_for, cycle, lead):
    assert_role_matrix(
        client_for, users, url(org, "lead_preparation", cycle.pk, lead.pk), get=LEAD_VIEWERS
    )


@pytest.mark.django_db
def test_another_leads_page_is_hidden_from_a_community_lead(
    org, users, client_for, cycle, other_lead
):
    assert_role_matrix(
        client_for, users, url(org, "lead_preparation", cycle.pk, other_lead.pk), get=STAFF
    )


@pytest.mark.django_db
def test_lead_page_of_someone_not_leading_the_cycle_is_404(org, users, client_for, cycle):
    response = client_for(users[Role.ADMIN]).get(
        url(org, "lead_preparation", cycle.pk, users[Role.GOVERNANCE].pk)
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_agreement_edit_matrix(org, users, client_for, cycle, lead):
    assert_role_matrix(
        client_for,
        users,
        url(org, "agreement_edit", cycle.pk, lead.pk),
        get=STAFF,
        post=STAFF,
        data=agreement_data(),
    )


@pytest.mark.django_db
def test_agreement_confirm_matrix(org, users, client_for, lead):
    def fresh(role):
        cycle = make_cycle(org, f"Cycle for {role}", community_leads=(lead,))
        with scopes_disabled():
            cycle.governance_members.add(users[Role.GOVERNANCE])
        return url(org, "agreement_confirm", cycle.pk, make_agreement(cycle, lead).pk)

    seen = assert_role_matrix(
        client_for,
        users,
        fresh,
        post=LEAD_VIEWERS,
        data=lambda role: {
            "side": "community_lead" if role == Role.COMMUNITY_LEAD else "organisation",
            "version": 1,
        },
    )
    assert seen[(Role.GOVERNANCE.value, "post")] == 403
    with scopes_disabled():
        assert RoleAgreement.objects.filter(lead_confirmed_at__isnull=False).count() == 2
        assert RoleAgreement.objects.filter(community_lead_confirmed_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_training_matrix(org, users, client_for, cycle, lead):
    topic = make_topic(org)
    data = {"topic": topic.pk, "held_on": "2026-02-01", "attendees": [lead.pk]}
    assert_role_matrix(
        client_for,
        users,
        url(org, "training_create", cycle.pk),
        get=STAFF,
        post=STAFF,
        data=data,
    )
    training = make_training(cycle, [lead], users[Role.ADMIN])
    assert_role_matrix(
        client_for,
        users,
        url(org, "training_edit", cycle.pk, training.pk),
        get=STAFF,
        post=STAFF,
        data=data,
    )
    assert_role_matrix(
        client_for,
        users,
        url(org, "training_topics"),
        get=STAFF,
        post=STAFF,
        data=lambda role: {"name": f"Safeguarding for {role}"},
    )


@pytest.mark.django_db
def test_checkin_matrix(org, users, client_for, cycle, lead):
    assert_role_matrix(
        client_for,
        users,
        url(org, "checkin_create", cycle.pk, lead.pk),
        get=STAFF,
        post=STAFF,
        data=checkin_data(),
    )
    checkin = make_checkin(cycle, lead, users[Role.ENGAGEMENT_LEAD])
    assert_role_matrix(
        client_for,
        users,
        url(org, "checkin_edit", cycle.pk, checkin.pk),
        get=STAFF,
        post=STAFF,
        data=checkin_data(),
    )


@pytest.mark.django_db
def test_a_community_lead_cannot_open_a_cycle_they_are_not_on(org, users, client_for, lead):
    other = make_cycle(org, "Not theirs")
    client = client_for(lead)
    assert client.get(url(org, "preparation", other.pk)).status_code == 404
    assert client.get(url(org, "lead_preparation", other.pk, lead.pk)).status_code == 404


@pytest.mark.django_db
def test_check_in_notes_reach_staff_and_the_lead_only(
    org, users, client_for, cycle, lead, other_lead
):
    make_checkin(cycle, lead, users[Role.ENGAGEMENT_LEAD], notes=SECRET)
    make_agreement(cycle, lead, boundaries="Never on Fridays")
    pages = [
        url(org, "preparation", cycle.pk),
        url(org, "lead_preparation", cycle.pk, lead.pk),
        reverse("organisation_home", args=[org.slug]),
    ]
    # Staff and the lead themself read the notes on the lead's page.
    for user in (users[Role.ADMIN], users[Role.ENGAGEMENT_LEAD], lead):
        assert SECRET in client_for(user).get(pages[1]).text
    # Governance and the other community lead never receive them, on any page.
    for user in (users[Role.GOVERNANCE], other_lead):
        client = client_for(user)
        for page in pages:
            response = client.get(page)
            assert SECRET not in response.text, (user, page)
            assert "Never on Fridays" not in response.text, (user, page)


@pytest.mark.django_db
def test_governance_sees_counts_but_no_names_on_the_overview(
    org, users, client_for, cycle, lead, other_lead
):
    make_agreement(cycle, lead, confirmed=True)
    make_training(cycle, [lead], users[Role.ADMIN])
    make_checkin(cycle, lead, users[Role.ENGAGEMENT_LEAD], notes=SECRET)
    response = client_for(users[Role.GOVERNANCE]).get(url(org, "preparation", cycle.pk))
    assert response.status_code == 200
    assert response.context["rows"] is None
    counts = response.context["counts"]
    assert (counts.leads, counts.agreed, counts.trained, counts.prepared, counts.checkins) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert "at least one training record: 1 of 2." in response.text
    assert f"lead-{lead.pk}" not in response.text
    assert str(other_lead) not in response.text


@pytest.mark.django_db
def test_a_community_lead_sees_only_their_own_row(org, users, client_for, cycle, lead, other_lead):
    response = client_for(lead).get(url(org, "preparation", cycle.pk))
    assert [row.lead for row in response.context["rows"]] == [lead]
    assert str(other_lead) not in response.text


@pytest.mark.django_db
def test_both_sides_confirm_and_the_date_agreed_is_set(org, users, client_for, cycle, lead):
    staff = client_for(users[Role.ENGAGEMENT_LEAD])
    response = staff.post(url(org, "agreement_edit", cycle.pk, lead.pk), agreement_data())
    assert response.status_code == 302
    with scopes_disabled():
        agreement = RoleAgreement.objects.get()
    assert agreement.hours_per_month == Decimal("8")
    assert agreement.channels == ["whatsapp", "phone"]
    confirm = url(org, "agreement_confirm", cycle.pk, agreement.pk)
    assert staff.post(confirm, {"side": "organisation", "version": 1}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.lead_confirmed_by == users[Role.ENGAGEMENT_LEAD]
    assert agreement.agreed_on is None
    page = client_for(lead).get(url(org, "lead_preparation", cycle.pk, lead.pk))
    assert "I agree to this role" in page.text
    assert (
        client_for(lead).post(confirm, {"side": "community_lead", "version": 1}).status_code == 302
    )
    agreement.refresh_from_db()
    assert agreement.is_confirmed
    assert agreement.agreed_on == timezone.localdate()


@pytest.mark.django_db
def test_changing_the_terms_clears_both_confirmations(org, users, client_for, cycle, lead):
    agreement = make_agreement(cycle, lead, confirmed=True, **_as_model(agreement_data()))
    staff = client_for(users[Role.ADMIN])
    edit = url(org, "agreement_edit", cycle.pk, lead.pk)
    assert "both confirmations are cleared" in staff.get(edit).text
    # Saving the same terms keeps the confirmations.
    response = staff.post(edit, agreement_data(hours_per_month="8.0"), follow=True)
    agreement.refresh_from_db()
    assert agreement.is_confirmed and agreement.terms_version == 1
    # A changed term clears both, and the page says so.
    response = staff.post(edit, agreement_data(hours_per_month="10"), follow=True)
    agreement.refresh_from_db()
    assert agreement.lead_confirmed_at is None
    assert agreement.community_lead_confirmed_at is None
    assert agreement.agreed_on is None
    assert agreement.terms_version == 2
    assert "both confirmations were cleared" in response.text


@pytest.mark.django_db
def test_a_confirmation_of_terms_that_changed_meanwhile_is_refused(
    org, users, client_for, cycle, lead
):
    agreement = make_agreement(cycle, lead, terms_version=3)
    response = client_for(lead).post(
        url(org, "agreement_confirm", cycle.pk, agreement.pk),
        {"side": "community_lead", "version": 2},
    )
    assert response.status_code == 400
    assert "The agreement changed after you opened it" in response.text
    agreement.refresh_from_db()
    assert agreement.community_lead_confirmed_at is None


@pytest.mark.django_db
def test_confirming_someone_elses_agreement_is_refused(
    org, users, client_for, cycle, lead, other_lead
):
    agreement = make_agreement(cycle, lead)
    confirm = url(org, "agreement_confirm", cycle.pk, agreement.pk)
    # Another community lead cannot even find it.
    response = client_for(other_lead).post(confirm, {"side": "community_lead", "version": 1})
    assert response.status_code == 404
    # Staff cannot confirm on the community lead's behalf, and are told why.
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        confirm, {"side": "community_lead", "version": 1}
    )
    assert response.status_code == 400
    assert f"Only {lead} can confirm their side of this agreement." in response.text
    assert "There is a problem" in response.text
    # A community lead cannot confirm for the organisation.
    response = client_for(lead).post(confirm, {"side": "organisation", "version": 1})
    assert response.status_code == 400
    assert "Only an engagement lead or an admin can confirm for the organisation." in (
        response.text
    )
    agreement.refresh_from_db()
    assert agreement.lead_confirmed_at is None
    assert agreement.community_lead_confirmed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose which side you are confirming for."),
        ({"side": "both", "version": 1}, "Choose which side you are confirming for."),
        ({"side": "community_lead"}, "Read the agreement again, then confirm."),
    ],
)
def test_bad_confirmation_input(org, client_for, cycle, lead, data, message):
    agreement = make_agreement(cycle, lead)
    response = client_for(lead).post(url(org, "agreement_confirm", cycle.pk, agreement.pk), data)
    assert response.status_code == 400
    assert message in response.text
    agreement.refresh_from_db()
    assert agreement.community_lead_confirmed_at is None


@pytest.mark.django_db
def test_confirming_twice_is_refused(org, client_for, cycle, lead):
    agreement = make_agreement(cycle, lead)
    confirm = url(org, "agreement_confirm", cycle.pk, agreement.pk)
    client = client_for(lead)
    assert client.post(confirm, {"side": "community_lead", "version": 1}).status_code == 302
    response = client.post(confirm, {"side": "community_lead", "version": 1})
    assert response.status_code == 400
    assert "You have already confirmed this agreement." in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours_per_month": "-4"}, "hours_per_month", "Enter a number of hours from 0.5 to 200."),
        ({"hours_per_month": "0"}, "hours_per_month", "Enter a number of hours from 0.5 to 200."),
        ({"hours_per_month": "201"}, "hours_per_month", "Enter a number of hours from 0.5 to 200."),
        ({"hours_per_month": "lots"}, "hours_per_month", "Enter the expected hours a month"),
        ({"hours_per_month": "7.25"}, "hours_per_month", "one decimal place at most"),
        ({"role": ""}, "role", "This field is required."),
        ({"payment_arrangement": "cash"}, "payment_arrangement", "Select a valid choice"),
        ({"channels": ["pigeon"]}, "channels", "Select a valid choice"),
        ({"boundaries": "x" * 20_000}, "boundaries", "5,000 characters or fewer"),
        ({"payment_details": "x" * 20_000}, "payment_details", "5,000 characters or fewer"),
    ],
)
def test_bad_agreement_input(org, users, client_for, cycle, lead, changes, field, message):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "agreement_edit", cycle.pk, lead.pk), agreement_data(**changes)
    )
    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text
    assert response.context["form"].errors[field]
    with scopes_disabled():
        assert not RoleAgreement.objects.exists()


@pytest.mark.django_db
def test_training_topics_start_with_the_five_defaults_and_can_grow(org, users, client_for):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    page = client.get(url(org, "training_topics"))
    assert [t.name for t in page.context["topics"]] == sorted(DEFAULT_TRAINING_TOPICS)
    client.get(url(org, "training_topics"))
    with scopes_disabled():
        assert TrainingTopic.objects.filter(organisation=org).count() == 5
    assert client.post(url(org, "training_topics"), {"name": "  Safeguarding  "}).status_code == 302
    response = client.post(url(org, "training_topics"), {"name": "SAFEGUARDING"})
    assert response.status_code == 400
    assert "There is already a topic with this name." in response.text
    response = client.post(url(org, "training_topics"), {"name": "   "})
    assert response.status_code == 400
    with scopes_disabled():
        assert sorted(
            TrainingTopic.objects.filter(organisation=org).values_list("name", flat=True)
        ) == sorted([*DEFAULT_TRAINING_TOPICS, "Safeguarding"])


@pytest.mark.django_db
def test_recording_training_for_leads(org, users, client_for, cycle, lead, other_lead):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    form_page = client.get(url(org, "training_create", cycle.pk) + f"?lead={lead.pk}")
    assert form_page.context["form"].initial["attendees"] == [lead.pk]
    topic = next(
        t for t in form_page.context["form"].fields["topic"].queryset if t.name == "Data skills"
    )
    response = client.post(
        url(org, "training_create", cycle.pk),
        {
            "topic": topic.pk,
            "held_on": timezone.localdate().isoformat(),
            "attendees": [lead.pk, other_lead.pk],
            "other_attendees": "Two volunteers",
            "summary": "Reading a JSNA table.",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        training = TrainingRecord.objects.get()
        assert training.recorded_by == users[Role.ENGAGEMENT_LEAD]
        assert set(training.attendees.all()) == {lead, other_lead}
    # Correcting the attendees removes the one who did not come.
    response = client.post(
        url(org, "training_edit", cycle.pk, training.pk),
        {"topic": topic.pk, "held_on": training.held_on.isoformat(), "attendees": [lead.pk]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert list(TrainingAttendance.objects.values_list("community_lead", flat=True)) == [
            lead.pk
        ]
    page = client_for(lead).get(url(org, "lead_preparation", cycle.pk, lead.pk))
    assert "Data skills" in page.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attendees": []}, "This field is required."),
        ({"attendees": ["GOVERNANCE"]}, "Select a valid choice"),
        ({"topic": "OTHER_ORG_TOPIC"}, "Select a valid choice"),
        ({"held_on": "TOMORROW"}, "The date must be today or in the past."),
        ({"held_on": "31/02/2026"}, "Enter a valid date."),
        ({"summary": "x" * 20_000}, "5,000 characters or fewer"),
    ],
)
def test_bad_training_input(org, other_org, users, client_for, cycle, lead, changes, message):
    topic = make_topic(org)
    replace = {
        "GOVERNANCE": users[Role.GOVERNANCE].pk,
        "OTHER_ORG_TOPIC": make_topic(other_org, "Their topic").pk,
        "TOMORROW": (timezone.localdate() + timedelta(days=1)).isoformat(),
    }
    data = {"topic": topic.pk, "held_on": "2026-02-01", "attendees": [lead.pk]} | changes
    data = {
        k: [replace.get(x, x) for x in v] if isinstance(v, list) else replace.get(v, v)
        for k, v in data.items()
    }
    response = client_for(users[Role.ADMIN]).post(url(org, "training_create", cycle.pk), data)
    assert response.status_code == 400
    assert message in response.text
    with scopes_disabled():
        assert not TrainingRecord.objects.exists()
        assert not TrainingAttendance.objects.exists()


@pytest.mark.django_db
def test_recording_and_correcting_a_check_in(org, users, client_for, cycle, lead):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        url(org, "checkin_create", cycle.pk, lead.pk), checkin_data(notes=SECRET)
    )
    assert response.status_code == 302
    with scopes_disabled():
        checkin = CheckIn.objects.get()
    assert checkin.held_by == users[Role.ENGAGEMENT_LEAD]
    assert checkin.notes == SECRET
    response = client.post(
        url(org, "checkin_edit", cycle.pk, checkin.pk),
        checkin_data(kind="reflective", notes="Reflected on the first café.", next_due_on=""),
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.kind, checkin.next_due_on) == ("reflective", None)
    assert checkin.held_by == users[Role.ENGAGEMENT_LEAD]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"notes": "x" * 20_000}, "notes", "5,000 characters or fewer"),
        (
            {"next_due_on": "2026-01-01", "held_on": "2026-02-01"},
            "next_due_on",
            "must be due after this one (1 February 2026)",
        ),
        (
            {"next_due_on": "2026-02-01", "held_on": "2026-02-01"},
            "next_due_on",
            "must be due after this one",
        ),
        (
            {"held_on": "TOMORROW", "next_due_on": ""},
            "held_on",
            "The date must be today or in the past.",
        ),
        ({"held_on": ""}, "held_on", "This field is required."),
        ({"kind": "gossip"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_check_in_input(org, users, client_for, cycle, lead, changes, field, message):
    if changes.get("held_on") == "TOMORROW":
        changes["held_on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        url(org, "checkin_create", cycle.pk, lead.pk), checkin_data(**changes)
    )
    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text
    assert response.context["form"].errors[field]
    with scopes_disabled():
        assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_bad_correction_leaves_the_check_in_as_it_was(org, users, client_for, cycle, lead):
    checkin = make_checkin(cycle, lead, users[Role.ADMIN], notes=SECRET)
    response = client_for(users[Role.ADMIN]).post(
        url(org, "checkin_edit", cycle.pk, checkin.pk),
        checkin_data(held_on="2026-03-01", next_due_on="2026-02-01", notes="changed"),
    )
    assert response.status_code == 400
    checkin.refresh_from_db()
    assert checkin.notes == SECRET


@pytest.mark.django_db
def test_a_check_in_of_another_cycle_cannot_be_changed_through_this_one(
    org, users, client_for, cycle, lead
):
    other = make_cycle(org, "Other", community_leads=(lead,))
    checkin = make_checkin(other, lead, users[Role.ADMIN])
    response = client_for(users[Role.ADMIN]).get(url(org, "checkin_edit", cycle.pk, checkin.pk))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD, Role.GOVERNANCE]
)
def test_query_counts_do_not_grow_with_leads_and_records(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    focus = users[Role.COMMUNITY_LEAD]
    staff = users[Role.ENGAGEMENT_LEAD]
    populate(org, cycle, 2, staff, focus)
    small = {}
    for name, page in pages(org, cycle, focus).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code in (200, 403), name
        small[name] = (len(queries), response.status_code)
    populate(org, cycle, 60, staff, focus)
    for name, page in pages(org, cycle, focus).items():
        count, status = small[name]
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, name
    print(role, {name: count for name, (count, _) in small.items()})
