"""Reads for progress: when the community should next hear about each action, and which
actions are overdue for that update.

The plan page, the governance dashboards, the reminder ladder, the readiness measure and
the trust indicators all use the one rule in `with_update_due`.
"""

from datetime import date

from django.db.models import DateField, DateTimeField, F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate

from ..models import FINISHED_STATUSES, Action, PlanStatus, ProgressUpdate


class AddDays(Func):
    """`date + days` as a date, on PostgreSQL (`date + integer`) and SQLite (`date()`)."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        day, days = self.source_expressions
        day_sql, day_params = compiler.compile(day)
        days_sql, days_params = compiler.compile(days)
        return f"({day_sql} + {days_sql})", (*day_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        day, days = self.source_expressions
        day_sql, day_params = compiler.compile(day)
        days_sql, days_params = compiler.compile(days)
        return f"date({day_sql}, ({days_sql}) || ' days')", (*day_params, *days_params)


def with_update_due(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate when the community should next hear about each action, in SQL.

    `update_due_on` is the cadence counted from the last progress update (internal or
    public), or, before the first one, from when the plan was signed off or the action
    began, whichever is later (`update_start_on`). `last_update_at` is the latest update.
    One correlated subquery on the (action, -created_at) index: the reminder sweep runs
    this over 100,000 actions, and the plan page and the governance dashboard use the
    same rule.
    """
    # The base manager, not the scoped one: the outer action already belongs to the
    # organisation, and an extra organisation_id condition tempts PostgreSQL into
    # intersecting with the organisation index (every update of the organisation) on
    # each row instead of reading one entry of the (action, -created_at) index.
    latest = (
        ProgressUpdate._base_manager.filter(action=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    created = TruncDate("created_at")
    start = Greatest(
        created,
        Coalesce("start_date", created),
        Coalesce(TruncDate("plan__signed_off_at"), created),
    )
    return actions.annotate(
        last_update_at=Subquery(latest, output_field=DateTimeField()),
        update_start_on=start,
    ).annotate(
        update_due_on=AddDays(
            Coalesce(TruncDate("last_update_at"), F("update_start_on")), F("cadence_days")
        ),
    )


def expects_updates(*, status: str, in_scope: bool, plan_status: str) -> bool:
    """Whether the community is owed progress updates on an action (as below, in Python)."""
    return plan_status == PlanStatus.IN_DELIVERY and in_scope and status not in FINISHED_STATUSES


def actions_expecting_updates(actions: QuerySet[Action] | None = None) -> QuerySet[Action]:
    """Actions the community expects to hear about: in delivery, in scope, not finished."""
    actions = Action.objects.all() if actions is None else actions
    return with_update_due(
        actions.filter(plan__status=PlanStatus.IN_DELIVERY, in_scope=True).exclude(
            status__in=FINISHED_STATUSES
        )
    )


def actions_overdue_for_update(actions: QuerySet[Action], *, today: date) -> QuerySet[Action]:
    """Of `actions`, those whose progress update is overdue (its due date has passed)."""
    return actions_expecting_updates(actions).filter(update_due_on__lt=today)


def action_updates(action: Action) -> QuerySet:
    return action.updates.select_related("created_by")


def latest_barriers(action: Action) -> str:
    """The barriers of the action's latest update that names any ("" if none does)."""
    update = action.updates.exclude(barriers="").first()
    return update.barriers if update is not None else ""
