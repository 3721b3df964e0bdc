"""Conversations and commitments (views/conversations.py)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from stakeholders.models import Commitment, Conversation, Stakeholder
from stakeholders.tests.builders import (
    make_commitment,
    make_conversation,
    make_stakeholder,
    measure_pages,
    populate_register,
)
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix


def url(org, name, *args):
    return reverse(f"stakeholders:{name}", args=[org.slug, *args])


def today():
    return timezone.localdate()


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, users, outsider, client_for):
    conversation = make_conversation(org, users[Role.ENGAGEMENT_LEAD])
    commitment = make_commitment(conversation, users[Role.ENGAGEMENT_LEAD], today())
    client = client_for(outsider)
    for path in (
        url(org, "conversation_list"),
        url(org, "conversation_create"),
        url(org, "conversation_detail", conversation.pk),
        url(org, "commitment_add", conversation.pk),
        url(org, "commitment_kept", commitment.pk),
        url(org, "commitment_broken", commitment.pk),
        url(org, "commitment_reopen", commitment.pk),
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"kept_on": today().isoformat()}).status_code == 404, path
    with scopes_disabled():
        assert Commitment.objects.get().is_open


@pytest.mark.django_db
def test_conversation_pages_matrix(org, users, client_for, cycle):
    s = make_stakeholder(org)
    conversation = make_conversation(org, users[Role.ADMIN], [s])
    assert_role_matrix(client_for, users, url(org, "conversation_list"), get=STAFF)
    assert_role_matrix(
        client_for, users, url(org, "conversation_detail", conversation.pk), get=STAFF
    )
    assert_role_matrix(
        client_for,
        users,
        url(org, "conversation_create"),
        get=STAFF,
        post=STAFF,
        data={
            "held_on": today().isoformat(),
            "stakeholders": [s.pk],
            "channel": "phone",
            "summary": "Quick check-in",
        },
    )


@pytest.mark.django_db
def test_log_a_meaningful_conversation_in_a_cycle(org, users, client_for, cycle):
    a, b = make_stakeholder(org, "Hodan Ali"), make_stakeholder(org, "Al-Noor Centre")
    lead = users[Role.ENGAGEMENT_LEAD]
    response = client_for(lead).post(
        url(org, "conversation_create"),
        {
            "held_on": today().isoformat(),
            "stakeholders": [a.pk, b.pk],
            "channel": "in_person",
            "summary": "Talked about why women stop going to antenatal classes.",
            "meaningful": "on",
            "cycle": cycle.pk,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        c = Conversation.objects.get()
        assert set(c.stakeholders.all()) == {a, b}
    assert (c.staff_member, c.meaningful, c.cycle, c.organisation) == (lead, True, cycle, org)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stakeholders": []}, "This field is required."),
        ({"held_on": "tomorrow"}, "Enter a valid date."),
        ({"held_on": "FUTURE"}, "The date must be today or in the past."),
        ({"channel": "pigeon"}, "Select a valid choice"),
        ({"summary": ""}, "This field is required."),
        ({"stakeholders": ["FOREIGN"]}, "Select a valid choice"),
        ({"cycle": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_conversation_input_saves_nothing(org, other_org, users, client_for, change, message):
    s = make_stakeholder(org)
    foreign = make_stakeholder(other_org, "Theirs")
    data = {
        "held_on": today().isoformat(),
        "stakeholders": [s.pk],
        "channel": "phone",
        "summary": "Check-in",
    }
    data.update(change)
    if data["held_on"] == "FUTURE":
        data["held_on"] = (today() + timedelta(days=1)).isoformat()
    if data["stakeholders"] == ["FOREIGN"]:
        data["stakeholders"] = [foreign.pk]
    response = client_for(users[Role.ADMIN]).post(url(org, "conversation_create"), data)
    assert response.status_code == 400
    assert message in response.text
    with scopes_disabled():
        assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_record_a_commitment_and_mark_it_kept(org, users, client_for):
    s = make_stakeholder(org, "Hodan Ali")
    lead = users[Role.ENGAGEMENT_LEAD]
    conversation = make_conversation(org, lead, [s], held_on=today() - timedelta(days=2))
    client = client_for(lead)
    response = client.post(
        url(org, "commitment_add", conversation.pk),
        {
            "promise": "Send the clinic times in Somali",
            "made_to": s.pk,
            "owner": lead.pk,
            "due_on": (today() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        commitment = Commitment.objects.get()
    response = client.post(url(org, "commitment_kept", commitment.pk), {"kept_on": today()})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.kept_on == today()
    page = client.get(url(org, "conversation_detail", conversation.pk)).text
    assert "kept on time" in page
    # The stakeholder's timeline shows it too.
    assert "kept on time" in client.get(url(org, "stakeholder_detail", s.pk)).text
    # Marking it again (say, broken in another tab) is refused and changes nothing.
    again = client.post(url(org, "commitment_broken", commitment.pk), {"reason": "Oops"})
    assert again.status_code == 400
    assert "already been marked kept or broken" in again.text
    commitment.refresh_from_db()
    assert commitment.kept_on == today() and commitment.broken_on is None
    # Reopen undoes a mistake.
    assert client.post(url(org, "commitment_reopen", commitment.pk)).status_code == 302
    commitment.refresh_from_db()
    assert commitment.is_open


@pytest.mark.django_db
def test_mark_broken_needs_a_reason(org, users, client_for):
    conversation = make_conversation(org, users[Role.ADMIN])
    commitment = make_commitment(conversation, users[Role.ADMIN], today())
    client = client_for(users[Role.ADMIN])
    response = client.post(url(org, "commitment_broken", commitment.pk), {"reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.text
    response = client.post(url(org, "commitment_broken", commitment.pk), {"reason": "Venue shut"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.broken_on, commitment.broken_reason) == (today(), "Venue shut")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kept_on", "message"),
    [
        ("FUTURE", "The date kept must be today or in the past."),
        ("BEFORE", "The date kept cannot be before the promise was made."),
        ("", "This field is required."),
    ],
)
def test_bad_kept_dates(org, users, client_for, kept_on, message):
    conversation = make_conversation(org, users[Role.ADMIN], held_on=today() - timedelta(days=3))
    commitment = make_commitment(conversation, users[Role.ADMIN], today())
    kept_on = {
        "FUTURE": (today() + timedelta(days=1)).isoformat(),
        "BEFORE": (today() - timedelta(days=10)).isoformat(),
    }.get(kept_on, kept_on)
    response = client_for(users[Role.ADMIN]).post(
        url(org, "commitment_kept", commitment.pk), {"kept_on": kept_on}
    )
    assert response.status_code == 400
    assert message in response.text
    commitment.refresh_from_db()
    assert commitment.is_open


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"made_to": "OTHER"}, "Select a valid choice"),
        ({"owner": "COMMUNITY"}, "Select a valid choice"),
        ({"due_on": "BEFORE"}, "The due date cannot be before the conversation."),
        ({"promise": ""}, "This field is required."),
    ],
)
def test_bad_commitment_input(org, users, client_for, change, message):
    s = make_stakeholder(org, "In the conversation")
    other = make_stakeholder(org, "Not in it")
    conversation = make_conversation(org, users[Role.ADMIN], [s], held_on=date(2026, 1, 10))
    data = {
        "promise": "Call back",
        "made_to": s.pk,
        "owner": users[Role.ADMIN].pk,
        "due_on": "2026-02-01",
    }
    data.update(change)
    data = {
        k: {
            "OTHER": other.pk,
            "COMMUNITY": users[Role.COMMUNITY_LEAD].pk,
            "BEFORE": "2026-01-01",
        }.get(v, v)
        for k, v in data.items()
    }
    response = client_for(users[Role.ADMIN]).post(url(org, "commitment_add", conversation.pk), data)
    assert response.status_code == 400
    assert message in response.text
    with scopes_disabled():
        assert not Commitment.objects.exists()


@pytest.mark.django_db
def test_commitment_action_matrix(org, users, client_for):
    partner = make_stakeholder(org, "Partner")
    conversation = make_conversation(org, users[Role.ADMIN], [partner])

    def fresh(role):
        return url(
            org, "commitment_kept", make_commitment(conversation, users[Role.ADMIN], today()).pk
        )

    assert_role_matrix(client_for, users, fresh, post=STAFF, data={"kept_on": today()})

    def fresh_broken(role):
        return url(
            org, "commitment_broken", make_commitment(conversation, users[Role.ADMIN], today()).pk
        )

    assert_role_matrix(client_for, users, fresh_broken, post=STAFF, data={"reason": "No room"})

    def fresh_kept(role):
        return url(
            org,
            "commitment_reopen",
            make_commitment(conversation, users[Role.ADMIN], today(), kept_on=today()).pk,
        )

    assert_role_matrix(client_for, users, fresh_kept, post=STAFF)
    assert_role_matrix(
        client_for,
        users,
        url(org, "commitment_add", conversation.pk),
        post=STAFF,
        data={
            "promise": "Call back",
            "made_to": partner.pk,
            "owner": users[Role.ADMIN].pk,
            "due_on": today().isoformat(),
        },
    )


@pytest.mark.django_db
def test_open_commitments_listed_with_overdue_flag(org, users, client_for):
    conversation = make_conversation(org, users[Role.ADMIN], held_on=today() - timedelta(days=9))
    make_commitment(
        conversation, users[Role.ADMIN], today() - timedelta(days=1), promise="Late one"
    )
    make_commitment(
        conversation, users[Role.ADMIN], today() + timedelta(days=1), promise="Soon one"
    )
    make_commitment(conversation, users[Role.ADMIN], today(), promise="Done one", kept_on=today())
    page = client_for(users[Role.ADMIN]).get(url(org, "conversation_list")).text
    assert page.index("Late one") < page.index("Soon one")
    assert "Done one" not in page.split("<h2>Conversations</h2>")[0]
    assert "Overdue" in page


# --- query counts -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_query_counts_are_constant_from_10_to_2000_stakeholders(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    staff = users[Role.ENGAGEMENT_LEAD]
    populate_register(org, cycle, 10, staff)
    pages = [url(org, "conversation_list")]
    small = measure_pages(client, pages)
    assert {status for _, status in small.values()} <= {200, 403}, small
    populate_register(org, cycle, 1990, staff)
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2000
    for page, (count, status) in small.items():
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, page
