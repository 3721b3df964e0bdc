"""Writes for the theory of change: adding, editing, ordering and removing its items,
recording them as agreed with communities, and carrying them to the next iteration."""

from datetime import date

from django.db import transaction

from t2a.models import User

from ..models import Cycle, TheoryOfChangeItem
from .versions import cycle_changed


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
    cycle_changed(cycle)
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
    cycle_changed(item.cycle_id)


@transaction.atomic
def theory_of_change_item_delete(*, item: TheoryOfChangeItem) -> None:
    item.delete()
    cycle_changed(item.cycle_id)


def theory_of_change_agree(*, cycle: Cycle, agreed_on: date) -> int:
    """Mark every item not yet agreed as agreed with communities on the date given."""
    agreed = TheoryOfChangeItem.objects.filter(cycle=cycle, agreed_on__isnull=True).update(
        agreed_on=agreed_on
    )
    cycle_changed(cycle)
    return agreed


def theory_of_change_carry(*, old: Cycle, new: Cycle, by: User) -> None:
    """The theory of change goes on, to agree again with communities for the new iteration."""
    TheoryOfChangeItem.objects.bulk_create(
        TheoryOfChangeItem(
            organisation_id=new.organisation_id, cycle=new, kind=item.kind, text=item.text,
            position=item.position,
        )
        for item in TheoryOfChangeItem.objects.filter(cycle=old).order_by("pk")
    )  # fmt: skip
    cycle_changed(new)
