"""Writes for cycles and their stage 1 documents (keyword-only `<entity>_<action>`)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from t2a.models import Organisation, User

from . import readiness
from .models import (
    CaseForChange,
    CaseForChangeRevision,
    CaseForChangeStatus,
    Cycle,
    DataSource,
    EthicsLogEntry,
    InclusionPrompts,
    InequalityRow,
    StageTransition,
    TheoryOfChangeItem,
)

CASE_SECTIONS = ("inequality_addressed", "most_affected", "local_insight")


def _unique_slug(organisation: Organisation, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "cycle"
    taken = set(
        Cycle.objects.filter(organisation=organisation, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def cycle_create(
    *,
    organisation: Organisation,
    fields: dict,
    community_leads=(),
    governance_members=(),
) -> Cycle:
    cycle = Cycle(organisation=organisation, **fields)
    cycle.slug = _unique_slug(organisation, cycle.title)
    cycle.full_clean()
    cycle.save()
    cycle.community_leads.set(community_leads)
    cycle.governance_members.set(governance_members)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, fields: dict, community_leads, governance_members) -> Cycle:
    # The slug stays as it was: public pages link to it.
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.full_clean()
    cycle.save()
    cycle.community_leads.set(community_leads)
    cycle.governance_members.set(governance_members)
    return cycle


@transaction.atomic
def cycle_change_stage(
    *,
    cycle: Cycle,
    from_stage: int,
    to_stage: int,
    by: User,
    reason: str = "",
    inclusion_prompts_changed: bool | None = None,
    inclusion_prompts_note: str = "",
) -> StageTransition:
    """Move a cycle one stage on or back, recording who, when, why and what was unmet."""
    # Lock the row so two people moving the same cycle cannot both act on a stale stage.
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.current_stage != from_stage:
        raise ValidationError(
            "Someone has moved this cycle since you opened the page. Check its stage and try again."
        )
    if abs(to_stage - from_stage) != 1 or not 1 <= to_stage <= 5:
        raise ValidationError("A cycle moves one stage at a time.")
    unmet: list[dict] = []
    if to_stage > from_stage:
        stage = readiness.evaluate(locked, stages=[from_stage])[from_stage]
        unmet = [{"key": r.key, "label": r.label} for r in stage.unmet]
        if unmet and not reason.strip():
            raise ValidationError(
                {"reason": "Give a reason for moving on with checklist items not met."}
            )
    elif not reason.strip():
        raise ValidationError({"reason": "Give a reason for going back a stage."})
    transition = StageTransition(
        organisation_id=locked.organisation_id,
        cycle=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        moved_by=by,
        reason=reason.strip(),
        unmet_items=unmet,
        inclusion_prompts_changed=inclusion_prompts_changed,
        inclusion_prompts_note=inclusion_prompts_note.strip(),
    )
    transition.full_clean()
    transition.save()
    locked.current_stage = to_stage
    locked.save(update_fields=["current_stage", "updated_at"])
    cycle.current_stage = to_stage
    return transition


def case_for_change_for(cycle: Cycle) -> CaseForChange:
    """The cycle's case for change, or an unsaved blank one: reading or a failed save
    writes nothing; the first successful save stores it."""
    return CaseForChange.objects.filter(cycle=cycle).first() or CaseForChange(
        organisation_id=cycle.organisation_id, cycle=cycle
    )


def _stored(case: CaseForChange) -> CaseForChange:
    if case.pk is None:
        case.full_clean()
        case.save()
    return case


def _snapshot(case: CaseForChange) -> dict:
    return {
        **{name: getattr(case, name) for name in CASE_SECTIONS},
        "status": case.status,
        "agreed_on": case.agreed_on.isoformat() if case.agreed_on else None,
        "data_sources": [
            {
                "kind": s.kind,
                "title": s.title,
                "publisher": s.publisher,
                "published_on": s.published_on.isoformat() if s.published_on else None,
                "url": s.url,
                "key_figure": s.key_figure,
            }
            for s in DataSource.objects.filter(case_for_change=case)
        ],
        "inequality_rows": [
            {
                "dimension": r.dimension,
                "group": r.group,
                "indicator": r.indicator,
                "value": str(r.value),
                "comparator_value": None if r.comparator_value is None else str(r.comparator_value),
                "comparator_label": r.comparator_label,
                "source": r.source,
            }
            for r in InequalityRow.objects.filter(case_for_change=case)
        ],
    }


def _revise(case: CaseForChange, *, by: User, summary: str, content_changed: bool = True) -> None:
    """Record the change, and send an agreed case back to draft when its content changed:
    the steering group agreed to what it said then, not to what it says now."""
    if content_changed and case.status == CaseForChangeStatus.AGREED:
        case.status = CaseForChangeStatus.DRAFT
        case.agreed_on = None
        case.save(update_fields=["status", "agreed_on", "updated_at"])
        summary += " (it goes back to draft for the steering group to agree again)"
    CaseForChangeRevision.objects.create(
        organisation_id=case.organisation_id,
        case_for_change=case,
        author=by,
        summary=summary,
        snapshot=_snapshot(case),
    )


@transaction.atomic
def case_for_change_update(*, case: CaseForChange, by: User, sections: dict) -> CaseForChange:
    # Compare with what is stored: a ModelForm has already copied its input onto `case`.
    stored = {}
    if case.pk is not None:
        stored = CaseForChange.objects.filter(pk=case.pk).values(*CASE_SECTIONS).first() or {}
    changed = [name for name in CASE_SECTIONS if stored.get(name, "") != sections[name]]
    for name in CASE_SECTIONS:
        setattr(case, name, sections[name])
    case.full_clean()
    case.save()
    if changed:
        labels = ", ".join(str(CaseForChange._meta.get_field(n).verbose_name) for n in changed)
        _revise(case, by=by, summary=f"Edited {labels}")
    return case


@transaction.atomic
def case_for_change_agree(*, case: CaseForChange, by: User, agreed_on: date) -> CaseForChange:
    _stored(case)
    case.status = CaseForChangeStatus.AGREED
    case.agreed_on = agreed_on
    case.full_clean()
    case.save()
    _revise(
        case,
        by=by,
        summary=f"Recorded as agreed by the steering group on {agreed_on:%-d %B %Y}",
        content_changed=False,
    )
    return case


@transaction.atomic
def data_source_save(*, case: CaseForChange, source: DataSource, by: User) -> DataSource:
    _stored(case)
    adding = source.pk is None
    source.organisation_id = case.organisation_id
    source.case_for_change = case
    source.full_clean()
    source.save()
    _revise(case, by=by, summary=f"{'Added' if adding else 'Edited'} data source “{source.title}”")
    return source


@transaction.atomic
def data_source_delete(*, source: DataSource, by: User) -> None:
    case = source.case_for_change
    source.delete()
    _revise(case, by=by, summary=f"Removed data source “{source.title}”")


@transaction.atomic
def inequality_row_save(*, case: CaseForChange, row: InequalityRow, by: User) -> InequalityRow:
    _stored(case)
    adding = row.pk is None
    row.organisation_id = case.organisation_id
    row.case_for_change = case
    row.full_clean()
    row.save()
    verb = "Added" if adding else "Edited"
    _revise(case, by=by, summary=f"{verb} inequality map row “{row.group}: {row.indicator}”")
    return row


@transaction.atomic
def inequality_row_delete(*, row: InequalityRow, by: User) -> None:
    case = row.case_for_change
    row.delete()
    _revise(case, by=by, summary=f"Removed inequality map row “{row.group}: {row.indicator}”")


def theory_of_change_item_save(*, cycle: Cycle, item: TheoryOfChangeItem) -> TheoryOfChangeItem:
    if item.pk is None:
        last = (
            TheoryOfChangeItem.objects.filter(cycle=cycle, kind=item.kind)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        item.position = 0 if last is None else last + 1
    else:
        previous = TheoryOfChangeItem.objects.get(pk=item.pk)
        if previous.kind != item.kind:
            last = (
                TheoryOfChangeItem.objects.filter(cycle=cycle, kind=item.kind)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            item.position = 0 if last is None else last + 1
        # What communities agreed is no longer what is written.
        if (previous.text, previous.kind) != (item.text, item.kind):
            item.agreed_on = None
    item.organisation_id = cycle.organisation_id
    item.cycle = cycle
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def theory_of_change_item_move(*, item: TheoryOfChangeItem, direction: str) -> None:
    """Swap the item with its neighbour in the same part, renumbering the part 0..n-1."""
    siblings = list(
        TheoryOfChangeItem.objects.select_for_update()
        .filter(cycle_id=item.cycle_id, kind=item.kind)
        .order_by("position", "pk")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


def theory_of_change_item_delete(*, item: TheoryOfChangeItem) -> None:
    item.delete()


def theory_of_change_agree(*, cycle: Cycle, agreed_on: date) -> int:
    """Mark every item not yet agreed as agreed with communities on the date given."""
    return TheoryOfChangeItem.objects.filter(cycle=cycle, agreed_on__isnull=True).update(
        agreed_on=agreed_on
    )


def inclusion_prompts_for(cycle: Cycle) -> InclusionPrompts:
    """The cycle's answers, or an unsaved blank set (saved by `inclusion_prompts_update`)."""
    return InclusionPrompts.objects.filter(cycle=cycle).first() or InclusionPrompts(
        organisation_id=cycle.organisation_id, cycle=cycle
    )


def inclusion_prompts_update(
    *, prompts: InclusionPrompts, by: User, answers: dict
) -> InclusionPrompts:
    for name, value in answers.items():
        setattr(prompts, name, value)
    prompts.updated_by = by
    prompts.full_clean()
    prompts.save()
    return prompts


def ethics_entry_save(*, cycle: Cycle, entry: EthicsLogEntry) -> EthicsLogEntry:
    entry.organisation_id = cycle.organisation_id
    entry.cycle = cycle
    entry.full_clean()
    entry.save()
    return entry
