"""Demo stakeholders for `manage.py seed_demo` (idempotent: rows are found by natural keys)."""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope

from cycles.models import Cycle
from t2a.models import Role
from t2a.services.demo import DemoOrganisation

from ..models import (
    AssetUse,
    CheckIn,
    Commitment,
    Confidentiality,
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
)
from .preparation import training_topics_for

MATERNITY_SLUG = "maternity-and-neonatal-services-leicester"
LARGE_COUNT = 2000

# name, kind, sector, (leader, voice, place), communities, influence, interest, strength,
# role in the maternity cycle
PEOPLE = [
    ("Hodan Ali", "person", Sector.COMMUNITY, (True, True, False),
     ["Black African and Black Caribbean women"], 2, 5, 4, "Community lead"),
    ("Al-Noor Community Centre", "place", Sector.FAITH, (False, False, True),
     ["South Asian women, including recent arrivals", "Black African and Black Caribbean women"],
     2, 4, 3, "Venue for listening events"),
    ("Highfields Library", "place", Sector.OTHER_PUBLIC, (False, False, True),
     ["Women in the most deprived decile"], 1, 3, 2, "Venue"),
    ("Pastor Grace Adeyemi", "person", Sector.FAITH, (True, True, False),
     ["Black African and Black Caribbean women"], 3, 4, 3, "Co-facilitator"),
    ("Leicester Somali Mothers Group", "organisation", Sector.VCSE, (False, True, False),
     ["Black African and Black Caribbean women"], 2, 5, 4, "Partner"),
    ("Dr Amaka Okoro, consultant midwife", "person", Sector.NHS, (False, False, False),
     ["Women in the most deprived decile"], 5, 4, 3, "Clinical adviser"),
    ("Leicester City Council public health", "organisation", Sector.LOCAL_AUTHORITY,
     (False, False, False), [], 5, 3, 2, "Data and commissioning"),
    ("Braunstone Young Parents", "organisation", Sector.VCSE, (False, True, False),
     ["Young mothers under 20"], 1, 5, 2, "Partner"),
    ("Gujarati Mothers Circle", "organisation", Sector.COMMUNITY, (True, False, False),
     ["South Asian women, including recent arrivals"], 2, 4, 3, "Partner"),
    ("Spinney Hills Pharmacy", "place", Sector.BUSINESS, (False, False, True),
     ["South Asian women, including recent arrivals"], 1, 2, 1, ""),
    ("Leicester College family learning", "organisation", Sector.EDUCATION, (False, False, False),
     ["Young mothers under 20"], 2, 2, 1, ""),
]  # fmt: skip


def seed(demo: DemoOrganisation, *, large: bool) -> None:
    with scope(organisation=demo.organisation.pk):
        if large:
            _seed_large(demo)
        else:
            _seed_maternity(demo)
        _seed_preparation(demo, large=large)


def _seed_maternity(demo: DemoOrganisation) -> None:
    organisation, people = demo.organisation, demo.people
    lead, community = people[Role.ENGAGEMENT_LEAD], people[Role.COMMUNITY_LEAD]
    today = timezone.localdate()
    cycle = Cycle.objects.filter(slug=MATERNITY_SLUG).first()
    by_name = {}
    for name, kind, sector, tags, communities, influence, interest, strength, role in PEOPLE:
        stakeholder, _ = Stakeholder.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "kind": kind,
                "sector": sector,
                "trusted_leader": tags[0],
                "trusted_voice": tags[1],
                "trusted_place": tags[2],
                "communities_reached": communities,
                "influence": influence,
                "interest": interest,
                "relationship_strength": strength,
                "preferred_channels": ["whatsapp", "in_person"]
                if sector == Sector.COMMUNITY
                else ["email"],
                "languages": "Somali, English" if name == "Hodan Ali" else "English",
            },
        )
        by_name[name] = stakeholder
        if cycle is not None and role:
            StakeholderCycle.objects.get_or_create(
                organisation=organisation,
                stakeholder=stakeholder,
                cycle=cycle,
                defaults={"role": role},
            )
    hodan = by_name["Hodan Ali"]
    if not hodan.has_contact_details:
        # Demo data only: a reserved example address and an Ofcom drama number.
        hodan.email, hodan.phone = "hodan.ali@example.org", "07700 900417"
        hodan.consent_date, hodan.consent_basis = today - timedelta(days=40), "consent"
        hodan.consent_recorded_by, hodan.contact_owner = lead, community
        hodan.save()
    if not hodan.named_in_reports:
        # Hodan agreed to be named in reports; Pastor Grace has not been asked yet, so
        # the case-for-change PDF counts her instead.
        hodan.named_in_reports = True
        hodan.naming_consent_given_by = "Hodan Ali"
        hodan.naming_consent_date = today - timedelta(days=40)
        hodan.naming_consent_recorded_by = community
        hodan.save()

    if cycle is not None:
        members = [
            (by_name["Hodan Ali"], None, Sector.COMMUNITY, "Community co-chair"),
            (by_name["Leicester Somali Mothers Group"], None, Sector.VCSE, ""),
            (by_name["Dr Amaka Okoro, consultant midwife"], None, Sector.NHS, ""),
            (None, lead, Sector.LOCAL_AUTHORITY, "Engagement lead"),
        ]
        seats = []
        for stakeholder, user, sector, role in members:
            seat, _ = SteeringGroupMember.objects.get_or_create(
                organisation=organisation,
                cycle=cycle,
                stakeholder=stakeholder,
                user=user,
                defaults={"sector": sector, "role": role, "is_chair": role == "Community co-chair"},
            )
            seats.append(seat)
        meeting, created = SteeringMeeting.objects.get_or_create(
            organisation=organisation,
            cycle=cycle,
            agenda="1. Welcome and introductions\n2. The case for change\n3. Where to listen",
            defaults={
                "held_on": today - timedelta(days=21),
                "minutes": "The group agreed to listen first in places women already use.",
                "confidentiality": Confidentiality.ORGANISATION,
            },
        )
        if created:
            meeting.attendees.set(seats)
        for text in (
            "Hold the first listening events at the Al-Noor Community Centre and Highfields "
            "Library, with Somali and Gujarati interpreters.",
            "Pay community leads for their time at the Real Living Wage.",
        ):
            SteeringDecision.objects.get_or_create(
                organisation=organisation,
                meeting=meeting,
                cycle=cycle,
                text=text,
                defaults={"confidentiality": Confidentiality.PUBLIC_SUMMARY},
            )
        SteeringMeeting.objects.get_or_create(
            organisation=organisation,
            cycle=cycle,
            agenda="1. Plan the listening events\n2. Review the ethics log",
            defaults={"held_on": today + timedelta(days=1), "starts_at": "18:30"},
        )

    conversations = [
        (30, "Hodan Ali", "in_person", True,
         "Coffee at Al-Noor. Hodan explained why many Somali women stop going to antenatal "
         "classes after the first one: no interpreter, and being seen late.",
         [("Send the clinic times in Somali", 23, 25, None)]),
        (12, "Al-Noor Community Centre", "phone", False,
         "Quick check-in about booking the hall for the listening event.",
         [("Confirm the hall booking in writing", 9, 8, None)]),
        (8, "Pastor Grace Adeyemi", "in_person", True,
         "Talked about how the church can host a women-only session.",
         [("Share the draft questions before the session", 3, None, None),
          ("Arrange a female interpreter", 1, None, "No female interpreter was free that week")]),
        (2, "Braunstone Young Parents", "whatsapp", True,
         "Young mums want a session after school drop-off, with a crèche.",
         [("Find a crèche for the session", -10, None, None)]),
    ]  # fmt: skip
    for days_ago, name, channel, meaningful, summary, promises in conversations:
        conversation, created = Conversation.objects.get_or_create(
            organisation=organisation,
            summary=summary,
            defaults={
                "held_on": today - timedelta(days=days_ago),
                "staff_member": lead,
                "channel": channel,
                "meaningful": meaningful,
                "cycle": cycle,
            },
        )
        if not created:
            continue
        conversation.stakeholders.set([by_name[name]])
        for promise, due_ago, kept_ago, broken in promises:
            Commitment.objects.create(
                organisation=organisation,
                conversation=conversation,
                promise=promise,
                made_to=by_name[name],
                owner=lead,
                due_on=today - timedelta(days=due_ago),
                kept_on=None if kept_ago is None else today - timedelta(days=kept_ago),
                broken_on=today - timedelta(days=due_ago) if broken else None,
                broken_reason=broken or "",
            )

    hall, _ = SharedAsset.objects.get_or_create(
        organisation=organisation,
        name="Al-Noor main hall",
        defaults={
            "kind": "space",
            "owner": by_name["Al-Noor Community Centre"],
            "availability": "Weekday mornings and Saturday afternoons",
            "description": "Seats 60. Step-free, with a quiet room for prayer or feeding.",
        },
    )
    AssetUse.objects.get_or_create(
        organisation=organisation,
        asset=hall,
        used_by=by_name["Leicester Somali Mothers Group"],
        purpose="Listening café for Somali-speaking mothers",
        defaults={"used_on": today - timedelta(days=5)},
    )
    SharedAsset.objects.get_or_create(
        organisation=organisation,
        name="Seat at the Local Maternity and Neonatal System board",
        defaults={
            "kind": "decision_makers",
            "owner": by_name["Dr Amaka Okoro, consultant midwife"],
            "availability": "Quarterly, on request",
        },
    )
    SharedAsset.objects.get_or_create(
        organisation=organisation,
        name="Cultural competence training for midwives",
        defaults={"kind": "training", "availability": "Twice a year"},
    )


def _seed_large(demo: DemoOrganisation) -> None:
    """The benchmark organisation: 2,000 stakeholders spread over its cycles."""
    organisation, people = demo.organisation, demo.people
    lead = people[Role.ENGAGEMENT_LEAD]
    today = timezone.localdate()
    sectors = list(Sector.values)
    existing = set(
        Stakeholder.objects.filter(name__startswith="Eastbrook partner ").values_list(
            "name", flat=True
        )
    )
    new = [
        Stakeholder(
            organisation=organisation,
            name=f"Eastbrook partner {n:04d}",
            kind=("person", "organisation", "place")[n % 3],
            sector=sectors[n % len(sectors)],
            trusted_leader=n % 5 == 0,
            trusted_voice=n % 6 == 0,
            trusted_place=n % 3 == 2 and n % 4 == 0,
            communities_reached=["Families in the most deprived decile"] if n % 4 else [],
            influence=n % 5 + 1,
            interest=(n // 5) % 5 + 1,
            relationship_strength=(n // 25) % 5 + 1,
        )
        for n in range(1, LARGE_COUNT + 1)
        if f"Eastbrook partner {n:04d}" not in existing
    ]
    Stakeholder.objects.bulk_create(new, batch_size=500)
    if not new:
        return
    cycles = list(Cycle.objects.order_by("slug"))
    if not cycles:
        return
    StakeholderCycle.objects.bulk_create(
        (
            StakeholderCycle(
                organisation=organisation,
                stakeholder=s,
                cycle=cycles[i % len(cycles)],
                role="Partner",
            )
            for i, s in enumerate(new)
        ),
        batch_size=500,
        ignore_conflicts=True,
    )
    conversations = Conversation.objects.bulk_create(
        Conversation(
            organisation=organisation,
            held_on=today - timedelta(days=i % 365),
            staff_member=lead if i % 3 else people[Role.ADMIN],
            channel=("phone", "in_person", "email", "whatsapp")[i % 4],
            summary=f"Check-in number {i}",
            meaningful=i % 2 == 0,
            cycle=cycles[i % len(cycles)],
        )
        for i in range(len(new) // 4)
    )
    Conversation.stakeholders.through.objects.bulk_create(
        Conversation.stakeholders.through(conversation=c, stakeholder=new[i])
        for i, c in enumerate(conversations)
    )
    Commitment.objects.bulk_create(
        Commitment(
            organisation=organisation,
            conversation=c,
            promise="Follow up on what we heard",
            made_to=new[i],
            owner=c.staff_member,
            due_on=c.held_on + timedelta(days=14),
            kept_on=min(c.held_on + timedelta(days=7 + i % 14), today) if i % 4 else None,
        )
        for i, c in enumerate(conversations)
    )


def _seed_preparation(demo: DemoOrganisation, *, large: bool) -> None:
    """The community lead's role agreement, training and check-ins in their cycles.

    In the maternity cycle both sides have confirmed; in the large organisation every other
    cycle's agreement still waits for the community lead, so readiness shows both states.
    """
    organisation, people = demo.organisation, demo.people
    lead, community = people[Role.ENGAGEMENT_LEAD], people[Role.COMMUNITY_LEAD]
    now = timezone.now()
    today = timezone.localdate(now)
    topics = {t.name: t for t in training_topics_for(organisation)}
    cycles = list(
        Cycle.objects.filter(community_leads=community).order_by("slug")
        if large
        else Cycle.objects.filter(slug=MATERNITY_SLUG, community_leads=community)
    )
    for n, cycle in enumerate(cycles):
        confirmed = not large or n % 2 == 0
        RoleAgreement.objects.get_or_create(
            organisation=organisation,
            cycle=cycle,
            community_lead=community,
            defaults={
                "role": "Co-facilitator of listening cafés for Black African and Caribbean women",
                "hours_per_month": 12,
                "channels": ["whatsapp", "phone"],
                "communication_notes": "WhatsApp is best. No calls before 10am.",
                "boundaries": "Will not share personal stories of baby loss. Sessions end by "
                "8pm. Not available during Ramadan evenings.",
                "payment_arrangement": "paid_and_expenses",
                "payment_details": "Real Living Wage for hours agreed in advance, plus bus "
                "fares and childcare. Claim monthly with the expenses form.",
                "lead_confirmed_at": now - timedelta(days=20) if confirmed else None,
                "lead_confirmed_by": lead if confirmed else None,
                "community_lead_confirmed_at": now - timedelta(days=18) if confirmed else None,
                "agreed_on": today - timedelta(days=18) if confirmed else None,
            },
        )
        if not CheckIn.objects.filter(cycle=cycle, community_lead=community).exists():
            CheckIn.objects.create(
                organisation=organisation,
                cycle=cycle,
                community_lead=community,
                held_by=lead,
                kind="wellbeing",
                held_on=today - timedelta(days=18),
                notes="Enjoying the role. The late finishes are tiring; agreed to end "
                "sessions by 8pm and share the evening calls with Hodan.",
                next_due_on=today + timedelta(days=10 - n % 14),
            )
    if not cycles:
        return
    home = cycles[0]
    for days_ago, topic in ((30, "How the system works"), (16, "Trauma-informed practice")):
        training, created = TrainingRecord.objects.get_or_create(
            organisation=organisation,
            cycle=home,
            topic=topics[topic],
            defaults={
                "held_on": today - timedelta(days=days_ago),
                "recorded_by": lead,
                "other_attendees": "Three volunteers from the Somali Mothers Group",
                "summary": "Who decides what in maternity services, and how to get heard."
                if topic == "How the system works"
                else "Recognising distress, pausing safely and where to signpost.",
            },
        )
        if created:
            TrainingAttendance.objects.create(
                organisation=organisation, training=training, community_lead=community
            )
