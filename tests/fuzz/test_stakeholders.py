"""Fuzz the register's main forms: any input gives a page or a clear error, never a 500, and
a refused save writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from stakeholders.models import Commitment, Conversation, Stakeholder, SteeringMeeting
from stakeholders.tests.builders import make_meeting, make_stakeholder
from t2a.models import Role
from t2a.text import clean_text
from tests.fuzzing import fuzz_settings, tricky_text

pytestmark = pytest.mark.django_db

text = (
    st.text(max_size=200)
    | st.sampled_from(
        ["", "-3", "0", "6", "3", "99999999999", "2026-02-30", "2026-01-05", "nhs", "consent"]
    )
    | tricky_text
)
FUZZ = fuzz_settings(25)


def stakeholder_count() -> int:
    with scopes_disabled():
        return Stakeholder.objects.count()


@FUZZ
@given(
    kind=st.sampled_from(["person", "place", "car", ""]),
    name=text,
    sector=st.sampled_from(["nhs", "community", "pirates", ""]),
    trusted_tags=st.lists(st.sampled_from(["leader", "voice", "place", "x"]), max_size=3),
    communities_text=text,
    influence=text,
    interest=text,
    relationship_strength=text,
    preferred_channels=st.lists(st.sampled_from(["email", "whatsapp", "fax"]), max_size=3),
    email=text,
    phone=text,
    address=text,
    consent_date=text,
    consent_basis=st.sampled_from(["", "consent", "public_task", "vibes"]),
)
def test_stakeholder_create_never_fails(org, users, client_for, **data):
    before = stakeholder_count()
    response = client_for(users[Role.ADMIN]).post(
        reverse("stakeholders:stakeholder_create", args=[org.slug]), data
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert stakeholder_count() == before
    else:
        assert stakeholder_count() == before + 1
        with scopes_disabled():
            saved = Stakeholder.objects.latest("pk")
        # What is saved is already clean, and never only invisible characters.
        assert saved.name == clean_text(saved.name) != ""
        assert saved.address == clean_text(saved.address, multiline=True)


@FUZZ
@given(content=st.text(max_size=600))
def test_csv_import_never_fails(org, users, client_for, content):
    client = client_for(users[Role.ADMIN])
    before = stakeholder_count()
    upload = SimpleUploadedFile("x.csv", ("name,sector,influence\n" + content).encode(), "text/csv")
    response = client.post(
        reverse("stakeholders:stakeholder_import", args=[org.slug]), {"file": upload}
    )
    assert response.status_code in (200, 400)
    confirm = client.post(
        reverse("stakeholders:stakeholder_import_confirm", args=[org.slug]), {"content": content}
    )
    assert confirm.status_code in (302, 400)
    if confirm.status_code == 400:
        assert stakeholder_count() == before


@FUZZ
@given(
    held_on=text,
    channel=st.sampled_from(["phone", "fax", ""]),
    summary=text,
    promise=text,
    due_on=text,
)
def test_conversation_and_commitment_never_fail(
    org, users, client_for, held_on, channel, summary, promise, due_on
):
    s = make_stakeholder(org, "Fuzz partner")
    client = client_for(users[Role.ADMIN])
    response = client.post(
        reverse("stakeholders:conversation_create", args=[org.slug]),
        {"held_on": held_on, "channel": channel, "summary": summary, "stakeholders": [s.pk]},
    )
    assert response.status_code in (302, 400)
    with scopes_disabled():
        conversation = Conversation.objects.filter(stakeholders=s).first()
    if conversation is None:
        return
    with scopes_disabled():
        before = Commitment.objects.count()
    response = client.post(
        reverse("stakeholders:commitment_add", args=[org.slug, conversation.pk]),
        {"promise": promise, "made_to": s.pk, "owner": users[Role.ADMIN].pk, "due_on": due_on},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        with scopes_disabled():
            assert Commitment.objects.count() == before


LEVELS = st.sampled_from(["members", "organisation", "public_summary", "", "everyone", "x" * 30])


@FUZZ
@given(
    held_on=text,
    starts_at=text,
    agenda=text,
    minutes=text,
    confidentiality=LEVELS,
    level=LEVELS,
)
def test_steering_meeting_and_its_level_never_fail(
    org, users, client_for, cycle, held_on, starts_at, agenda, minutes, confidentiality, level
):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    with scopes_disabled():
        before = SteeringMeeting.objects.count()
    response = lead.post(
        reverse("stakeholders:steering_meeting_create", args=[org.slug, cycle.pk]),
        {
            "held_on": held_on,
            "starts_at": starts_at,
            "agenda": agenda,
            "minutes": minutes,
            "confidentiality": confidentiality,
        },
    )
    assert response.status_code in (302, 400)
    with scopes_disabled():
        assert SteeringMeeting.objects.count() == before + (response.status_code == 302)
    meeting = make_meeting(cycle, confidentiality="members")
    response = lead.post(
        reverse(
            "stakeholders:steering_meeting_confidentiality",
            args=[org.slug, cycle.pk, meeting.pk],
        ),
        {"confidentiality": level},
    )
    assert response.status_code in (302, 400)
    with scopes_disabled():
        meeting.refresh_from_db()
    assert meeting.confidentiality == (level if response.status_code == 302 else "members")
