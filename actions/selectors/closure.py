"""Reads for responsible closure and the next iteration (registered in registrations.py):
which actions a closing cycle leaves open, and what the next iteration would take."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.template.defaultfilters import pluralize

from cycles.models import Cycle

from ..models import FINISHED_STATUSES, Action, ActionHandover, ActionStatus, Evaluation

# Open actions named on the closure checklist; the rest are counted.
OPEN_LISTED = 10


def _finished_and_handed() -> tuple[Q, Q]:
    """(finished: done or dropped, handed over to the next iteration) as conditions on
    actions; an action that is neither is left open."""
    finished = Q(status__in=FINISHED_STATUSES)
    handed = Q(Exists(ActionHandover.objects.filter(action=OuterRef("pk"))))
    return finished, handed


def actions_left_open(cycle_pks: list[int]) -> QuerySet:
    """Actions of these cycles that are neither finished nor handed over."""
    finished, handed = _finished_and_handed()
    return Action.objects.filter(plan__cycle__in=cycle_pks).exclude(finished).exclude(handed)


def closure_nothing_left_open(cycle_pks: list[int]) -> set[int]:
    """Closure evidence: the cycles with no action left open (one query)."""
    left = set(actions_left_open(cycle_pks).values_list("plan__cycle_id", flat=True).distinct())
    return set(cycle_pks) - left


def closure_actions_summary(cycle: Cycle) -> dict:
    """What the closure checklist says about the cycle's actions (one or two queries)."""
    finished, handed = _finished_and_handed()
    summary = Action.objects.filter(plan__cycle=cycle).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        dropped=Count("pk", filter=Q(status=ActionStatus.DROPPED)),
        handed_over=Count("pk", filter=~finished & handed),
        left_open=Count("pk", filter=~finished & ~handed),
    )
    summary["open_examples"] = (
        list(
            actions_left_open([cycle.pk])
            .order_by("due_date", "pk")
            .values_list("pk", "title")[:OPEN_LISTED]
        )
        if summary["left_open"]
        else []
    )
    summary["more_open"] = summary["left_open"] - len(summary["open_examples"])
    summary["met"] = summary["left_open"] == 0
    return summary


def closure_actions_refusal(cycle: Cycle) -> str:
    """Why "open actions handed over" cannot be recorded as done while some are open."""
    left = actions_left_open([cycle.pk]).count()
    return (
        f"{left} action{'s are' if left != 1 else ' is'} still open. Start the next "
        "iteration to hand them over, mark them done or dropped with a reason in the action "
        "plan, or explain why they stay open."
    )


def open_actions_preview(cycle: Cycle) -> dict:
    """What the next iteration would take of the plan (one query)."""
    left = actions_left_open([cycle.pk]).count()
    return {
        "text": f"{left} open action{pluralize(left)}, copied into a draft action plan for "
        "community sign-off and recorded here as handed over"
    }


def what_to_adapt_preview(cycle: Cycle) -> dict:
    """The evaluation's "what to adapt", which becomes the next iteration's starting notes."""
    notes = Evaluation.objects.filter(cycle=cycle).values_list("what_to_adapt", flat=True).first()
    if not notes:
        return {
            "text": "starting notes: none yet, because the annual evaluation does not say "
            "what to adapt"
        }
    return {"text": "what the annual evaluation says to adapt, as its starting notes",
            "detail": notes}  # fmt: skip
