"""Plain builders for stakeholder test rows. They disable scopes only while building."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from stakeholders.models import (
    AssetUse,
    CheckIn,
    Commitment,
    Conversation,
    RoleAgreement,
    SharedAsset,
    Stakeholder,
    StakeholderCycle,
    SteeringDecision,
    SteeringGroupMember,
    SteeringMeeting,
    TrainingAttendance,
    TrainingRecord,
    TrainingTopic,
)
from t2a.models import Organisation, User


def make_stakeholder(org: Organisation, name: str = "Aisha Mohamed", **fields) -> Stakeholder:
    fields.setdefault("sector", "community")
    with scopes_disabled():
        return Stakeholder.objects.create(organisation=org, name=name, **fields)


def with_contact(org: Organisation, recorded_by: User, name: str = "Grace Bello", **fields):
    return make_stakeholder(
        org,
        name,
        email=fields.pop("email", "grace@example.org"),
        phone=fields.pop("phone", "07700 900123"),
        consent_date=date(2026, 1, 5),
        consent_basis="consent",
        consent_recorded_by=recorded_by,
        contact_owner=fields.pop("contact_owner", recorded_by),
        **fields,
    )


def link(stakeholder: Stakeholder, cycle, role: str = "") -> StakeholderCycle:
    with scopes_disabled():
        return StakeholderCycle.objects.create(
            organisation_id=stakeholder.organisation_id,
            stakeholder=stakeholder,
            cycle=cycle,
            role=role,
        )


def make_steering_member(cycle, sector: str, *, stakeholder=None, user=None, role: str = ""):
    with scopes_disabled():
        return SteeringGroupMember.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            stakeholder=stakeholder,
            user=user,
            sector=sector,
            role=role,
        )


def make_meeting(cycle, held_on: date | None = None, **fields) -> SteeringMeeting:
    with scopes_disabled():
        return SteeringMeeting.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            held_on=held_on or date(2026, 2, 1),
            **fields,
        )


def make_decision(meeting: SteeringMeeting, text: str = "Hold listening events in Somali"):
    with scopes_disabled():
        return SteeringDecision.objects.create(
            organisation_id=meeting.organisation_id,
            meeting=meeting,
            cycle_id=meeting.cycle_id,
            text=text,
        )


def make_conversation(
    org: Organisation,
    staff: User,
    stakeholders=(),
    *,
    held_on: date | None = None,
    meaningful: bool = True,
    **fields,
) -> Conversation:
    with scopes_disabled():
        if not stakeholders:
            stakeholders = [make_stakeholder(org, "Conversation partner")]
        conversation = Conversation.objects.create(
            organisation=org,
            held_on=held_on or timezone.localdate() - timedelta(days=3),
            staff_member=staff,
            channel=fields.pop("channel", "in_person"),
            summary=fields.pop("summary", "Talked about antenatal classes."),
            meaningful=meaningful,
            **fields,
        )
        conversation.stakeholders.set(stakeholders)
    return conversation


def make_commitment(conversation: Conversation, owner: User, due_on: date, **fields):
    with scopes_disabled():
        made_to = fields.pop("made_to", None) or conversation.stakeholders.first()
        return Commitment.objects.create(
            organisation_id=conversation.organisation_id,
            conversation=conversation,
            promise=fields.pop("promise", "Send the clinic times"),
            made_to=made_to,
            owner=owner,
            due_on=due_on,
            **fields,
        )


def make_asset(org: Organisation, name: str = "Community hall", **fields) -> SharedAsset:
    with scopes_disabled():
        return SharedAsset.objects.create(
            organisation=org, name=name, kind=fields.pop("kind", "space"), **fields
        )


def make_asset_use(asset: SharedAsset, used_by: Stakeholder, **fields) -> AssetUse:
    with scopes_disabled():
        return AssetUse.objects.create(
            organisation_id=asset.organisation_id,
            asset=asset,
            used_by=used_by,
            used_on=fields.pop("used_on", date(2026, 3, 1)),
            purpose=fields.pop("purpose", "Listening café"),
        )


# --- community-lead preparation -----------------------------------------------------------


def add_lead(cycle, user: User) -> User:
    with scopes_disabled():
        cycle.community_leads.add(user)
    return user


def make_agreement(cycle, lead: User, *, confirmed: bool = False, **fields) -> RoleAgreement:
    now = timezone.now()
    values = {
        "role": "Co-facilitator of listening cafés",
        "hours_per_month": Decimal("8"),
        "channels": ["whatsapp"],
        "payment_arrangement": "paid_and_expenses",
    } | fields
    if confirmed:
        values |= {
            "lead_confirmed_at": now,
            "community_lead_confirmed_at": now,
            "agreed_on": timezone.localdate(now),
        }
    with scopes_disabled():
        return RoleAgreement.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, community_lead=lead, **values
        )


def make_topic(org: Organisation, name: str = "Engagement skills") -> TrainingTopic:
    with scopes_disabled():
        topic, _ = TrainingTopic.objects.get_or_create(organisation=org, name=name)
    return topic


def make_training(cycle, attendees, recorded_by: User, **fields) -> TrainingRecord:
    with scopes_disabled():
        training = TrainingRecord.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            topic=fields.pop("topic", None) or make_topic(cycle.organisation),
            held_on=fields.pop("held_on", date(2026, 2, 10)),
            recorded_by=recorded_by,
            **fields,
        )
        TrainingAttendance.objects.bulk_create(
            TrainingAttendance(
                organisation_id=cycle.organisation_id, training=training, community_lead=a
            )
            for a in attendees
        )
    return training


def make_checkin(cycle, lead: User, held_by: User, **fields) -> CheckIn:
    with scopes_disabled():
        return CheckIn.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            community_lead=lead,
            held_by=held_by,
            kind=fields.pop("kind", "wellbeing"),
            held_on=fields.pop("held_on", date(2026, 2, 1)),
            notes=fields.pop("notes", "Feeling stretched by the evening sessions."),
            **fields,
        )
