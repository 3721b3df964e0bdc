"""Plain builders for cycles test rows. They disable scopes only while building."""

from datetime import date

from django_scopes import scopes_disabled

from cycles.models import (
    CaseForChange,
    ClosureItem,
    ClosureItemKey,
    ClosureState,
    Cycle,
    CycleStatus,
    DataSource,
    EthicsLogEntry,
    InequalityRow,
    StageTransition,
    TheoryOfChangeItem,
)
from t2a.models import Organisation, Role, User


def make_cycle(
    org: Organisation,
    title: str = "Maternity services engagement",
    *,
    slug: str | None = None,
    lead: User | None = None,
    community_leads: tuple[User, ...] = (),
    governance_members: tuple[User, ...] = (),
    **extra,
) -> Cycle:
    with scopes_disabled():
        n = Cycle.objects.filter(organisation=org).count()
        cycle = Cycle.objects.create(
            organisation=org,
            title=title,
            slug=slug or f"cycle-{n + 1}",
            inequality=extra.pop("inequality", "Higher stillbirth rates among Black mothers"),
            place=extra.pop("place", "Northgate"),
            population_groups=extra.pop("population_groups", ["Black African women"]),
            lead=lead,
            **extra,
        )
        cycle.community_leads.set(community_leads)
        cycle.governance_members.set(governance_members)
    return cycle


def make_case_for_change(cycle: Cycle, **fields) -> CaseForChange:
    with scopes_disabled():
        case, _ = CaseForChange.objects.get_or_create(
            organisation_id=cycle.organisation_id, cycle=cycle, defaults=fields
        )
    return case


def make_data_source(cycle: Cycle, title: str = "Northgate JSNA 2025") -> DataSource:
    case = make_case_for_change(cycle)
    with scopes_disabled():
        return DataSource.objects.create(
            organisation_id=cycle.organisation_id,
            case_for_change=case,
            kind="jsna",
            title=title,
            publisher="Northgate Council",
            published_on=date(2025, 3, 1),
        )


def make_inequality_row(cycle: Cycle, group: str = "Black African", value=8.1) -> InequalityRow:
    case = make_case_for_change(cycle)
    with scopes_disabled():
        return InequalityRow.objects.create(
            organisation_id=cycle.organisation_id,
            case_for_change=case,
            dimension="Ethnicity",
            group=group,
            indicator="Stillbirths per 1,000 births",
            value=value,
            comparator_value=3.5,
            comparator_label="White British",
        )


def make_toc_item(cycle: Cycle, kind: str = "input", text: str = "Funding", position: int = 0):
    with scopes_disabled():
        return TheoryOfChangeItem.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            kind=kind,
            text=text,
            position=position,
        )


def make_ethics_entry(cycle: Cycle, **fields) -> EthicsLogEntry:
    values = {
        "consideration": "Participants may share experiences of baby loss.",
        "category": "trauma",
        "likelihood": 3,
        "impact": 4,
    } | fields
    with scopes_disabled():
        return EthicsLogEntry.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, **values
        )


def make_closure(
    cycle: Cycle, states: dict | None = None, *, status: str = CycleStatus.CLOSING
) -> Cycle:
    """Put the cycle in `status` with its closure steps recorded as `states`
    ({key: state}, or {key: (state, note)}); steps not named are "not yet"."""
    with scopes_disabled():
        Cycle.objects.filter(pk=cycle.pk).update(status=status)
        cycle.refresh_from_db()
        for key in ClosureItemKey:
            value = (states or {}).get(key.value, ClosureState.NOT_YET)
            state, note = value if isinstance(value, tuple) else (value, "")
            if state == ClosureState.EXPLAINED and not note:
                note = "We could not, and here is why."
            ClosureItem.objects.update_or_create(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                key=key,
                defaults={"state": state, "note": note},
            )
    return cycle


def make_stage_one_cycle(org: Organisation, users: dict, *, rows: int = 2, title=None) -> Cycle:
    """A cycle with something in each of its stage 1 documents: the case for change (with
    a data source and `rows` inequality-map rows), the theory of change and the ethics log
    (the cycles app's own sections of the case for change report)."""
    cycle = make_cycle(
        org,
        title or "Maternity services in Northgate",
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD],),
        governance_members=(users[Role.GOVERNANCE],),
        population_groups=["Black African women", "Somali women"],
    )
    make_case_for_change(
        cycle,
        inequality_addressed="Black African women in Northgate are twice as likely to lose a baby.",
        most_affected="Women who arrived recently and work shifts.",
    )
    make_data_source(cycle, "Northgate JSNA 2025")
    for n in range(rows):
        make_inequality_row(cycle, group=f"Black African {n + 1}", value=8.1 + n)
    make_toc_item(cycle)
    with scopes_disabled():
        EthicsLogEntry.objects.create(
            organisation=org,
            cycle=cycle,
            consideration="Women may fear immigration checks",
            category="confidentiality",
            likelihood=3,
            impact=4,
            mitigation="Meet away from NHS premises",
        )
    return cycle


def fill_stage_one(cycle: Cycle, by: User, n: int) -> None:
    """Add `n` of everything a cycle's stage 1 pages list: data sources, inequality rows,
    theory of change items, ethics log entries and stage changes."""
    for i in range(n):
        make_data_source(cycle, f"Source {i}")
        make_inequality_row(cycle, f"Group {i}", 2 + i)
        make_toc_item(cycle, kind="activity", text=f"Activity {i}", position=i)
        make_ethics_entry(cycle, owner=by)
    with scopes_disabled():
        StageTransition.objects.bulk_create(
            StageTransition(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                from_stage=1 + i % 2,
                to_stage=2 - i % 2,
                moved_by=by,
                reason="Because",
            )
            for i in range(n)
        )


def cycle_url(cycle: Cycle, suffix: str = "") -> str:
    return f"/o/{cycle.organisation.slug}/cycles/{cycle.pk}/{suffix}"
