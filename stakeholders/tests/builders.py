"""Plain builders for stakeholder test rows. They disable scopes only while building."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from stakeholders.models import (
    AssetUse,
    CheckIn,
    Commitment,
    Conversation,
    RoleAgreement,
    Sector,
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


def make_chair(cycle, user: User, sector: str = "community") -> SteeringGroupMember:
    """A member of the organisation who sits on the cycle's group as its chair."""
    with scopes_disabled():
        return SteeringGroupMember.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            user=user,
            sector=sector,
            role="Chair",
            is_chair=True,
        )


def make_meeting(cycle, held_on: date | None = None, **fields) -> SteeringMeeting:
    with scopes_disabled():
        return SteeringMeeting.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            held_on=held_on or date(2026, 2, 1),
            **fields,
        )


def make_decision(
    meeting: SteeringMeeting, text: str = "Hold listening events in Somali", **fields
) -> SteeringDecision:
    with scopes_disabled():
        return SteeringDecision.objects.create(
            organisation_id=meeting.organisation_id,
            meeting=meeting,
            cycle_id=meeting.cycle_id,
            text=text,
            **fields,
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


def populate_register(org: Organisation, cycle, n: int, staff: User) -> Stakeholder:
    """n stakeholders on the cycle's map, with conversations and commitments; returns one."""
    sectors = list(Sector.values)
    with scopes_disabled():
        start = Stakeholder.objects.filter(organisation=org).count()
        rows = Stakeholder.objects.bulk_create(
            Stakeholder(
                organisation=org,
                name=f"Stakeholder {start + i:04d}",
                sector=sectors[i % len(sectors)],
                influence=i % 5 + 1,
                interest=(i // 5) % 5 + 1,
                trusted_leader=i % 3 == 0,
                trusted_voice=i % 4 == 0,
                trusted_place=i % 7 == 0,
                communities_reached=["Somali women"] if i % 2 else ["Young carers"],
            )
            for i in range(n)
        )
        StakeholderCycle.objects.bulk_create(
            StakeholderCycle(organisation=org, stakeholder=s, cycle=cycle, role="Partner")
            for s in rows
        )
        SteeringGroupMember.objects.bulk_create(
            SteeringGroupMember(organisation=org, cycle=cycle, stakeholder=s, sector=s.sector)
            for s in rows[: min(n, 40)]
        )
        focus = rows[0]
        conversations = Conversation.objects.bulk_create(
            Conversation(
                organisation=org,
                held_on=date(2026, 1, 1) + timedelta(days=i % 300),
                staff_member=staff,
                channel="phone",
                summary=f"Check-in {i}",
                meaningful=i % 2 == 0,
                cycle=cycle,
            )
            for i in range(n // 4 or 1)
        )
        Conversation.stakeholders.through.objects.bulk_create(
            Conversation.stakeholders.through(conversation=c, stakeholder=s)
            for c in conversations
            for s in (focus, rows[-1])
        )
        Commitment.objects.bulk_create(
            Commitment(
                organisation=org,
                conversation=c,
                promise="Call back",
                made_to=focus,
                owner=staff,
                due_on=c.held_on + timedelta(days=7),
                kept_on=c.held_on if i % 3 == 0 else None,
            )
            for i, c in enumerate(conversations)
        )
        meeting = make_meeting(cycle)
        for k in range(3):
            make_decision(meeting, f"Decision {start}-{k}")
    return focus


def measure_pages(client: Client, pages: Iterable[str]) -> dict[str, tuple[int, int]]:
    """{url: (queries, status)} of a GET of each page drawn afresh (not the stored copy of
    t2a.pagecache), to compare after the data grows."""
    measured = {}
    for url in pages:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        measured[url] = (len(queries), response.status_code)
    return measured
