"""Plain builders for cycles test rows. They disable scopes only while building."""

from datetime import date

from django_scopes import scopes_disabled

from cycles.models import (
    CaseForChange,
    Cycle,
    DataSource,
    EthicsLogEntry,
    InequalityRow,
    TheoryOfChangeItem,
)
from t2a.models import Organisation, User


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


def make_closure(cycle: Cycle, states: dict | None = None, *, status: str = "closing") -> Cycle:
    """Put the cycle in `status` with its closure steps recorded as `states`
    ({key: state}, or {key: (state, note)}); steps not named are "not yet"."""
    from cycles.models import ClosureItem, ClosureItemKey

    with scopes_disabled():
        Cycle.objects.filter(pk=cycle.pk).update(status=status)
        cycle.refresh_from_db()
        for key in ClosureItemKey:
            value = (states or {}).get(key.value, "not_yet")
            state, note = value if isinstance(value, tuple) else (value, "")
            if state == "explained" and not note:
                note = "We could not, and here is why."
            ClosureItem.objects.update_or_create(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                key=key,
                defaults={"state": state, "note": note},
            )
    return cycle
