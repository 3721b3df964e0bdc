"""Demo cycles for `manage.py seed_demo` (idempotent: rows are found by natural keys)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django_scopes import scope

from t2a.models import Role
from t2a.services.demo import DemoOrganisation

from ..models import (
    CaseForChange,
    ClosureItem,
    ClosureItemKey,
    ClosureState,
    Cycle,
    CycleStatus,
    DataSource,
    EthicsLogEntry,
    EthicsStatus,
    InclusionPrompts,
    InequalityRow,
    StageTransition,
    TheoryOfChangeItem,
)
from . import case_for_change, closure

MATERNITY_SLUG = "maternity-and-neonatal-services-leicester"
ILLUSTRATIVE = "Demo data: the figures are illustrative, not official statistics."

MATERNITY = {
    "title": "Maternity and neonatal services in Leicester",
    "inequality": "Black and South Asian women and babies in Leicester face higher rates of "
    "stillbirth and neonatal death than white women and babies.",
    "place": "Leicester city, with a focus on Highfields, Spinney Hills and Braunstone",
    "population_groups": [
        "Black African and Black Caribbean women",
        "South Asian women, including recent arrivals",
        "Women in the most deprived decile",
        "Young mothers under 20",
    ],
    "status": CycleStatus.ACTIVE,
}

CASE = {
    "inequality_addressed": "Babies of Black and South Asian mothers in Leicester are more "
    "likely to be stillborn or to die in their first month than babies of white mothers, and "
    "the gap is widest in the most deprived neighbourhoods. Women from these communities are "
    "also less likely to book for antenatal care before 10 weeks.\n\n" + ILLUSTRATIVE,
    "most_affected": "Black African and Black Caribbean women, South Asian women (especially "
    "recent arrivals with little English) and young mothers in Highfields, Spinney Hills and "
    "Braunstone. Women tell us about not being believed when they report symptoms, about "
    "interpreters who are not available at short notice, and about the cost and time of "
    "getting to appointments across the city.",
    "local_insight": "Conversations in 2025 with a Somali women's group, a Gujarati-speaking "
    "mothers' group at a Highfields mosque and a young parents' group in Braunstone pointed to "
    "three things: being listened to, continuity of carer, and information in community "
    "languages before the first booking appointment.",
}

SOURCES = [
    (
        "jsna",
        "Leicester JSNA 2025: maternity and early years chapter",
        "Leicester City Council",
        date(2025, 4, 1),
        "",
        "Early booking (before 10 weeks) 58% in Spinney Hills vs 74% citywide",
    ),
    (
        "population_health",
        "Perinatal mortality surveillance report",
        "MBRRACE-UK",
        date(2024, 10, 1),
        "https://www.npeu.ox.ac.uk/mbrrace-uk",
        "Stillbirth rate for Black babies more than twice that for white babies",
    ),
    (
        "local",
        "Maternity voices partnership survey 2025",
        "Leicester MNVP",
        date(2025, 9, 1),
        "",
        "41% of Black respondents felt they were not listened to",
    ),
]

ROWS = [
    (
        "Ethnicity",
        "Black African and Caribbean",
        "Stillbirths per 1,000 births",
        "6.9",
        "3.3",
        "White British",
        "MBRRACE-UK",
    ),
    (
        "Ethnicity",
        "South Asian",
        "Stillbirths per 1,000 births",
        "5.0",
        "3.3",
        "White British",
        "MBRRACE-UK",
    ),
    (
        "Deprivation decile",
        "Most deprived decile",
        "Neonatal deaths per 1,000 live births",
        "2.2",
        "1.1",
        "Least deprived decile",
        "MBRRACE-UK",
    ),
    (
        "Age",
        "Mothers under 20",
        "Booked before 10 weeks (%)",
        "46",
        "74",
        "All mothers",
        "Leicester JSNA 2025",
    ),
]

TOC = [
    ("input", "Two community engagement workers funded for 18 months"),
    ("input", "Steering group of community leads, the maternity unit and the council"),
    ("activity", "Conversation cafés in trusted places run by community leads"),
    ("activity", "Peer-led small groups in Somali, Gujarati and Urdu"),
    ("outcome_short", "Women from the focus groups tell us what gets in the way of early booking"),
    ("outcome_medium", "Earlier booking and more interpreter-supported appointments"),
    ("outcome_long", "Fewer stillbirths and neonatal deaths among the focus groups"),
    ("impact", "The gap in perinatal outcomes between ethnic groups in Leicester narrows"),
    ("assumption", "The maternity unit can act on what women tell us within a year"),
]

ETHICS = [
    (
        "Women may share experiences of baby loss that bring back trauma.",
        "trauma",
        "Bereaved mothers",
        4,
        4,
        "Trained facilitator at every session, signposting to SANDS "
        "and the bereavement midwife, and the right to stop at any time.",
        EthicsStatus.MITIGATED,
    ),
    (
        "Women with insecure immigration status may fear that what they say is shared with "
        "the Home Office.",
        "confidentiality",
        "Recent arrivals",
        3,
        5,
        "Say clearly and in their language that nothing is shared; record no names.",
        EthicsStatus.OPEN,
    ),
    (
        "Community leads give their time without pay.",
        "payment",
        "Community leads",
        4,
        3,
        "Pay £25 an hour and expenses on the day, in cash or by bank transfer.",
        EthicsStatus.OPEN,
    ),
    (
        "Sessions held in one venue may not be reachable for women with young children.",
        "accessibility",
        "Young mothers",
        3,
        2,
        "",
        EthicsStatus.OPEN,
    ),
]

INCLUSION = {
    "missing_groups": "Roma women and women who are not registered with a GP.",
    "less_trust_voice": "Young mothers and women with insecure immigration status.",
    "power_holders": "The maternity unit's leadership and the ICB's commissioners; the steering "
    "group gives community leads an equal vote on priorities.",
    "differing_experiences": "Black African and Black Caribbean women describe different "
    "barriers; we will hold separate conversations.",
}

LARGE_TOPICS = [
    ("Childhood immunisation uptake", "Lower MMR uptake among children in the most deprived areas"),
    ("Cancer screening", "Lower bowel screening uptake among South Asian men"),
    ("Diabetes care", "Higher rates of diabetes complications in the most deprived decile"),
    ("Mental health crisis care", "Black men are more often detained under the Mental Health Act"),
    ("Heart health checks", "Fewer NHS health checks among men in routine and manual jobs"),
]


def seed(demo: DemoOrganisation, *, large: bool) -> None:
    with scope(organisation=demo.organisation.pk):
        if large:
            _seed_many(demo)
        else:
            maternity = _seed_maternity(demo)
            _seed_previous_iteration(demo, maternity)
            _seed_closing(demo)


PREVIOUS_SLUG = "maternity-and-neonatal-services-leicester-2025"
CLOSING_SLUG = "childhood-immunisations-braunstone"
PREVIOUS_ADAPT = (
    "Start in the evenings and at weekends: most women we wanted to hear from work shifts. "
    "Go to the mosque and the Somali women's group first, not the GP surgery, and bring "
    "interpreters we have paid for rather than relatives."
)


def _seed_previous_iteration(demo: DemoOrganisation, maternity: Cycle) -> None:
    """The maternity cycle's first iteration, closed responsibly, so the demo shows a chain
    of two iterations (and a finished closure checklist). Closed through the services, so
    it meets the same rule as any other cycle."""
    people, lead = demo.people, demo.people[Role.ENGAGEMENT_LEAD]
    previous = Cycle.objects.filter(slug=PREVIOUS_SLUG).first()
    if previous is None:
        today = timezone.localdate()
        previous = Cycle.objects.create(
            organisation=demo.organisation,
            slug=PREVIOUS_SLUG,
            lead=lead,
            start_date=today - timedelta(days=540),
            target_date=today - timedelta(days=180),
            current_stage=5,
            **(MATERNITY | {"title": "Maternity and neonatal services in Leicester 2025"}),
        )
        previous.community_leads.set([people[Role.COMMUNITY_LEAD]])
        previous.governance_members.set([people[Role.GOVERNANCE]])
        closure.cycle_start_closing(cycle=previous, by=lead)
        for key, state, note in (
            (ClosureItemKey.COMMUNICATED, ClosureState.DONE,
             "Told every café group and the steering group three months before the end."),
            (ClosureItemKey.LEARNING_SHARED, ClosureState.DONE,
             "Shared at a community celebration at the Highfields Centre, in four languages."),
            (ClosureItemKey.THANKED, ClosureState.DONE,
             "Certificates for every community lead and a shared meal for the groups."),
            (ClosureItemKey.TRANSITION, ClosureState.EXPLAINED,
             "The council's community champions scheme opens in the spring; we will offer "
             "places to everyone who took part then."),
        ):  # fmt: skip
            closure.closure_item_update(cycle=previous, key=key, state=state, note=note, by=lead)
        closure.cycle_close(cycle=previous, by=lead)
    if maternity.previous_iteration_id is None and maternity.pk != previous.pk:
        Cycle.objects.filter(pk=maternity.pk, previous_iteration__isnull=True).update(
            previous_iteration=previous, starting_notes=PREVIOUS_ADAPT
        )
        maternity.refresh_from_db()


def _seed_closing(demo: DemoOrganisation) -> None:
    """A cycle that is closing, with its checklist part done."""
    lead = demo.people[Role.ENGAGEMENT_LEAD]
    if Cycle.objects.filter(slug=CLOSING_SLUG).exists():
        return
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        organisation=demo.organisation,
        slug=CLOSING_SLUG,
        title="Childhood immunisations in Braunstone",
        inequality="Fewer children in Braunstone have their MMR vaccinations by age five "
        "than anywhere else in the city.",
        place="Braunstone and Rowley Fields",
        population_groups=["Young parents", "Families new to the area"],
        status=CycleStatus.ACTIVE,
        current_stage=5,
        start_date=today - timedelta(days=400),
        target_date=today + timedelta(days=30),
        lead=lead,
    )
    cycle.community_leads.set([demo.people[Role.COMMUNITY_LEAD]])
    cycle.governance_members.set([demo.people[Role.GOVERNANCE]])
    closure.cycle_start_closing(cycle=cycle, by=lead)
    closure.closure_item_update(
        cycle=cycle, key=ClosureItemKey.COMMUNICATED, state=ClosureState.DONE,
        note="Letters and a WhatsApp message to every family, two months ahead.", by=lead,
    )  # fmt: skip
    closure.closure_item_update(
        cycle=cycle, key=ClosureItemKey.THANKED, state=ClosureState.EXPLAINED,
        note="The parents' group asked us to wait for their own end-of-term event.", by=lead,
    )  # fmt: skip


def _seed_maternity(demo: DemoOrganisation) -> Cycle:
    organisation, people = demo.organisation, demo.people
    cycle = Cycle.objects.filter(slug=MATERNITY_SLUG).first()
    if cycle is None:
        today = timezone.localdate()
        cycle = Cycle.objects.create(
            organisation=organisation,
            slug=MATERNITY_SLUG,
            lead=people[Role.ENGAGEMENT_LEAD],
            # Long enough ago to have listened, agreed priorities and signed off a plan
            # that has been in delivery for a couple of months (see actions' demo).
            start_date=today - timedelta(days=150),
            target_date=today + timedelta(days=300),
            **MATERNITY,
        )
        cycle.community_leads.set([people[Role.COMMUNITY_LEAD]])
        cycle.governance_members.set([people[Role.GOVERNANCE]])
    _fill_cycle(cycle, lead=people[Role.ENGAGEMENT_LEAD], agreed=True)
    return cycle


def _fill_cycle(cycle: Cycle, *, lead, agreed: bool, rows=ROWS, sources=SOURCES) -> None:
    case = CaseForChange.objects.filter(cycle=cycle).first()
    if case is None:
        case = CaseForChange.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, **CASE
        )
        DataSource.objects.bulk_create(
            DataSource(
                organisation_id=cycle.organisation_id,
                case_for_change=case,
                kind=kind,
                title=title,
                publisher=publisher,
                published_on=published_on,
                url=url,
                key_figure=key_figure,
            )
            for kind, title, publisher, published_on, url, key_figure in sources
        )
        InequalityRow.objects.bulk_create(
            InequalityRow(
                organisation_id=cycle.organisation_id,
                case_for_change=case,
                dimension=dimension,
                group=group,
                indicator=indicator,
                value=Decimal(value),
                comparator_value=Decimal(comparator),
                comparator_label=comparator_label,
                source=source,
            )
            for dimension, group, indicator, value, comparator, comparator_label, source in rows
        )
        case_for_change.case_for_change_revise(
            case=case, by=lead, summary="Wrote the first draft", content_changed=False
        )
        if agreed:
            case_for_change.case_for_change_agree(
                case=case, by=lead, agreed_on=timezone.localdate() - timedelta(days=14)
            )
    if not TheoryOfChangeItem.objects.filter(cycle=cycle).exists():
        positions: dict[str, int] = {}
        items = []
        for kind, text in TOC:
            positions[kind] = positions.get(kind, -1) + 1
            items.append(
                TheoryOfChangeItem(
                    organisation_id=cycle.organisation_id,
                    cycle=cycle,
                    kind=kind,
                    text=text,
                    position=positions[kind],
                    agreed_on=timezone.localdate() - timedelta(days=7) if agreed else None,
                )
            )
        TheoryOfChangeItem.objects.bulk_create(items)
    if not EthicsLogEntry.objects.filter(cycle=cycle).exists():
        today = timezone.localdate()
        EthicsLogEntry.objects.bulk_create(
            EthicsLogEntry(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                consideration=consideration,
                category=category,
                affected_groups=groups,
                likelihood=likelihood,
                impact=impact,
                mitigation=mitigation,
                owner=lead,
                status=status,
                # One review already overdue, so the highlight shows in the demo.
                review_date=today + timedelta(days=30 if i else -3),
            )
            for i, (
                consideration,
                category,
                groups,
                likelihood,
                impact,
                mitigation,
                status,
            ) in enumerate(ETHICS)
        )
    InclusionPrompts.objects.get_or_create(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        defaults={**INCLUSION, "updated_by": lead},
    )


def _seed_many(demo: DemoOrganisation) -> None:
    """The benchmark organisation: 50 cycles spread across stages and statuses."""
    organisation, people = demo.organisation, demo.people
    lead = people[Role.ENGAGEMENT_LEAD]
    existing = set(Cycle.objects.values_list("slug", flat=True))
    today = timezone.localdate()
    statuses = [
        CycleStatus.ACTIVE,
        CycleStatus.ACTIVE,
        CycleStatus.DRAFT,
        CycleStatus.CLOSING,
        CycleStatus.CLOSED,
    ]
    for n in range(1, 51):
        slug = f"cycle-{n:02d}"
        if slug in existing:
            continue
        title, inequality = LARGE_TOPICS[n % len(LARGE_TOPICS)]
        stage = (n % 5) + 1
        cycle = Cycle.objects.create(
            organisation=organisation,
            slug=slug,
            title=f"{title} – area {n}",
            inequality=inequality,
            place=f"Eastbrook neighbourhood {n}",
            population_groups=["Families in the most deprived decile"],
            status=statuses[n % len(statuses)],
            current_stage=stage,
            start_date=today - timedelta(days=30 * stage),
            target_date=today + timedelta(days=365),
            lead=lead if n % 3 else people[Role.ADMIN],
        )
        cycle.community_leads.set([people[Role.COMMUNITY_LEAD]] if n % 2 else [])
        cycle.governance_members.set([people[Role.GOVERNANCE]])
        _fill_cycle(cycle, lead=lead, agreed=stage > 1, rows=ROWS[:2], sources=SOURCES[:2])
        StageTransition.objects.bulk_create(
            StageTransition(
                organisation=organisation,
                cycle=cycle,
                from_stage=s,
                to_stage=s + 1,
                moved_by=lead,
                reason="" if s > 1 else "Steering group formed outside T2A before we started.",
                unmet_items=[],
            )
            for s in range(1, stage)
        )
        if cycle.status in (CycleStatus.CLOSING, CycleStatus.CLOSED):
            # Closed cycles met the closure rule; closing ones are part way through it.
            done = len(ClosureItemKey) if cycle.status == CycleStatus.CLOSED else 2
            ClosureItem.objects.bulk_create(
                ClosureItem(
                    organisation=organisation, cycle=cycle, key=key,
                    state=ClosureState.DONE if i < done else ClosureState.NOT_YET,
                )
                for i, key in enumerate(ClosureItemKey)
            )  # fmt: skip
    # A five-iteration chain (four closed iterations, then an active one), for the chain's
    # query count at scale.
    chain = ["cycle-04", "cycle-09", "cycle-14", "cycle-19", "cycle-20"]
    by_slug = dict(Cycle.objects.filter(slug__in=chain).values_list("slug", "pk"))
    for previous, following in zip(chain, chain[1:], strict=False):
        if previous in by_slug and following in by_slug:
            Cycle.objects.filter(pk=by_slug[following], previous_iteration__isnull=True).update(
                previous_iteration=by_slug[previous]
            )
