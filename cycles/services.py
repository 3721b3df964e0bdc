"""Writes for cycles and their stage 1 documents (keyword-only `<entity>_<action>`)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.text import slugify

from t2a import audit
from t2a.models import Organisation, User

from . import closure, readiness
from .models import (
    ActionHandover,
    CaseForChange,
    CaseForChangeRevision,
    CaseForChangeStatus,
    ClosureItem,
    ClosureItemKey,
    ClosureState,
    Cycle,
    CycleStatus,
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
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationError(
            {
                "status": "A new cycle cannot start closed: closing needs its closure checklist "
                "done or explained first. Start it as draft or active."
            }
        )
    cycle.slug = _unique_slug(organisation, cycle.title)
    cycle.full_clean()
    cycle.save()
    cycle.community_leads.set(community_leads)
    cycle.governance_members.set(governance_members)
    if cycle.status == CycleStatus.CLOSING:
        _open_closure_checklist(cycle)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, fields: dict, community_leads, governance_members) -> Cycle:
    # Lock the row: closing is decided on the checklist as it stands, so nobody may change
    # an item (which locks the cycle too) between the check and the save.
    previous = Cycle.objects.select_for_update().values_list("status", flat=True).get(pk=cycle.pk)
    # The slug stays as it was: public pages link to it.
    for name, value in fields.items():
        setattr(cycle, name, value)
    if cycle.status == CycleStatus.CLOSED and previous != CycleStatus.CLOSED:
        _refuse_unless_settled(cycle, field="status")
    cycle.full_clean()
    cycle.save()
    cycle.community_leads.set(community_leads)
    cycle.governance_members.set(governance_members)
    if cycle.status in CLOSURE_STATUSES and previous not in CLOSURE_STATUSES:
        _open_closure_checklist(cycle)
    return cycle


# Responsible closure ----------------------------------------------------------------

CLOSURE_STATUSES = (CycleStatus.CLOSING, CycleStatus.CLOSED)


def _open_closure_checklist(cycle: Cycle) -> None:
    """Write the checklist's rows (once: a cycle that closes twice keeps what it had)."""
    org_id = cycle.organisation_id
    ClosureItem.objects.bulk_create(
        [ClosureItem(organisation_id=org_id, cycle=cycle, key=key) for key in ClosureItemKey],
        ignore_conflicts=True,
    )


def _refuse_unless_settled(cycle: Cycle, *, field: str | None = None) -> None:
    checklist = closure.checklist_for(cycle)
    if checklist.all_settled:
        return
    unsettled = checklist.unsettled
    steps = "; ".join(item.label.lower() for item in unsettled)
    count = len(unsettled)
    message = (
        f"This cycle cannot close yet: {count} closure step{'s' if count != 1 else ''} "
        f"{'are' if count != 1 else 'is'} neither done nor explained ({steps}). "
        "Mark each one done, or explain why not, on the closure checklist."
    )
    raise ValidationError({field: message} if field else message)


def _lock(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


@transaction.atomic
def cycle_start_closing(*, cycle: Cycle, by: User) -> Cycle:
    """Move a draft or active cycle to closing, which opens its closure checklist."""
    locked = _lock(cycle)
    if locked.status in CLOSURE_STATUSES:
        raise ValidationError(f"This cycle is already {locked.get_status_display().lower()}.")
    locked.status = CycleStatus.CLOSING
    locked.save(update_fields=["status", "updated_at"])
    _open_closure_checklist(locked)
    cycle.status = locked.status
    return locked


@transaction.atomic
def cycle_close(*, cycle: Cycle, by: User) -> Cycle:
    """Close a closing cycle: refused unless every closure step is done or explained."""
    locked = _lock(cycle)
    if locked.status != CycleStatus.CLOSING:
        raise ValidationError(
            "This cycle is already closed."
            if locked.status == CycleStatus.CLOSED
            else "Move the cycle to closing first, then work through its closure checklist."
        )
    _refuse_unless_settled(locked)
    locked.status = CycleStatus.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    cycle.status = locked.status
    return locked


@transaction.atomic
def closure_item_update(*, cycle: Cycle, key: str, state: str, note: str, by: User) -> ClosureItem:
    """Record one closure step as done, explained (with the reason) or not yet."""
    locked = _lock(cycle)
    if locked.status == CycleStatus.CLOSED:
        raise ValidationError(
            "This cycle is closed, so its closure checklist can no longer change. To change "
            "it, reopen the cycle by editing its status."
        )
    if locked.status != CycleStatus.CLOSING:
        raise ValidationError("The closure checklist opens when the cycle moves to closing.")
    note = note.strip()
    if state == ClosureState.EXPLAINED and not note:
        raise ValidationError({"note": "Explain why this step was not done."})
    if key == ClosureItemKey.ACTIONS_HANDED_OVER and state == ClosureState.DONE:
        left = closure.checklist_for(locked).actions.left_open
        if left:
            raise ValidationError(
                {
                    "state": f"{left} action{'s are' if left != 1 else ' is'} still open. "
                    "Start the next iteration to hand them over, mark them done or dropped "
                    "with a reason in the action plan, or explain why they stay open."
                }
            )
    item, _ = ClosureItem.objects.get_or_create(
        organisation_id=locked.organisation_id, cycle=locked, key=key
    )
    item.state = state
    item.note = note
    item.updated_by = by
    item.full_clean()
    item.save()
    return item


# Repeating the cycle ----------------------------------------------------------------

NEXT_ITERATION_FROM = CLOSURE_STATUSES


@transaction.atomic
def cycle_start_next_iteration(*, cycle: Cycle, by: User, title: str, start_date=None) -> Cycle:
    """Start the next iteration of a closing or closed cycle, in one transaction.

    The new cycle starts in draft at stage 1 with a fresh case for change, and carries:
    the cycle's own description and people (inequality, place, groups, engagement lead,
    community leads, governance members); its stakeholders and steering group seats; its
    theory of change (to agree again with communities); its open actions, copied into a
    draft plan (with the priorities they hang off) and recorded as handed over; and the
    annual evaluation's "what to adapt" as starting notes. Nothing else: not the insight,
    activities, report-backs, finished actions, ethics log or inclusion answers.
    """
    from actions import services as action_services
    from actions.models import FINISHED_STATUSES, Action, ActionPlan, PlanStatus, Priority
    from stakeholders.models import StakeholderCycle, SteeringGroupMember

    locked = _lock(cycle)
    if locked.status not in NEXT_ITERATION_FROM:
        raise ValidationError(
            "Start the next iteration once this cycle is closing or closed: it carries the "
            "open actions and what the evaluation says to adapt."
        )
    existing = Cycle.objects.filter(previous_iteration=locked).values_list("title", flat=True)
    if existing:
        raise ValidationError(f"This cycle already has a next iteration: {existing[0]}.")
    org_id = locked.organisation_id
    new = Cycle(
        organisation_id=org_id,
        title=title,
        inequality=locked.inequality,
        place=locked.place,
        population_groups=list(locked.population_groups),
        lead=locked.lead,
        status=CycleStatus.DRAFT,
        current_stage=1,
        start_date=start_date,
        previous_iteration=locked,
        starting_notes=closure.what_to_adapt(locked),
    )
    new.slug = _unique_slug(locked.organisation, title)
    new.full_clean()
    new.save()
    new.community_leads.set(locked.community_leads.all())
    new.governance_members.set(locked.governance_members.all())

    StakeholderCycle.objects.bulk_create(
        StakeholderCycle(
            organisation_id=org_id, cycle=new, stakeholder_id=link.stakeholder_id, role=link.role
        )
        for link in StakeholderCycle.objects.filter(cycle=locked).order_by("pk")
    )
    SteeringGroupMember.objects.bulk_create(
        SteeringGroupMember(
            organisation_id=org_id,
            cycle=new,
            stakeholder_id=seat.stakeholder_id,
            user_id=seat.user_id,
            sector=seat.sector,
            role=seat.role,
        )
        for seat in SteeringGroupMember.objects.filter(cycle=locked).order_by("pk")
    )
    # Agreed with communities for the last iteration, not yet for this one.
    TheoryOfChangeItem.objects.bulk_create(
        TheoryOfChangeItem(
            organisation_id=org_id, cycle=new, kind=item.kind, text=item.text,
            position=item.position,
        )
        for item in TheoryOfChangeItem.objects.filter(cycle=locked).order_by("pk")
    )  # fmt: skip

    open_actions = list(
        Action.objects.filter(plan__cycle=locked)
        .exclude(status__in=FINISHED_STATUSES)
        .exclude(Exists(ActionHandover.objects.filter(action=OuterRef("pk"))))
        .select_related("priority", "plan")
        .order_by("pk")
    )
    if open_actions:
        plan = ActionPlan.objects.create(organisation_id=org_id, cycle=new)
        priorities: dict[int, Priority] = {}
        for action in open_actions:
            if action.priority_id not in priorities:
                priorities[action.priority_id] = Priority(
                    organisation_id=org_id,
                    cycle=new,
                    title=action.priority.title,
                    description=action.priority.description,
                    created_by=by,
                )
        Priority.objects.bulk_create(priorities.values())
        copies = Action.objects.bulk_create(
            Action(
                organisation_id=org_id,
                plan=plan,
                priority=priorities[action.priority_id],
                **{name: getattr(action, name) for name in CARRIED_ACTION_FIELDS},
            )
            for action in open_actions
        )
        audit.record_bulk_created(copies)
        ActionHandover.objects.bulk_create(
            ActionHandover(
                organisation_id=org_id,
                cycle=locked,
                next_cycle=new,
                action=action,
                carried_to=copy,
                handed_over_by=by,
            )
            for action, copy in zip(open_actions, copies, strict=True)
        )
        # The old plan's open actions now live on in the new one: stop asking for progress
        # updates on both (reminders follow plans in delivery).
        if open_actions[0].plan.status == PlanStatus.IN_DELIVERY:
            action_services.action_plan_move(cycle=locked, by=by, to=PlanStatus.CLOSED)
    return new


# What an open action keeps when it is carried into the next iteration: the action itself
# and its delivery state; not its progress updates, escalations or sign-offs, which belong
# to the iteration they happened in (the handover record links back to them).
CARRIED_ACTION_FIELDS = (
    "title",
    "description",
    "owner_id",
    "partners",
    "start_date",
    "due_date",
    "community_measure",
    "specific_result",
    "metric",
    "baseline",
    "target",
    "in_scope",
    "out_of_scope_reason",
    "status",
    "cadence_days",
)


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
