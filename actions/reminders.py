"""The escalation ladder for progress updates: a reminder source for the periodic sweep.

An action in delivery owes the community an update every `cadence_days` (see
`selectors.with_update_due`). Once the update falls due the ladder climbs with the days
overdue, on the organisation's own thresholds (0, 7 and 14 days by default):

- step 0, from `escalate_owner_after_days`: the action's owner is reminded;
- step 1, from `escalate_lead_after_days`: the cycle's engagement lead is told as well;
- step 2, from `escalate_governance_after_days`: the cycle's governance members are told,
  and an Escalation is put on the governance board's list (one per missed update, see
  `Escalation.update_due_on`).

Each Due's `due_date` is the date the missed update fell due, which names the overdue
period: the sweep's claim (kind, action, due date, recipient) sends each person one
reminder per missed update, and the next missed update starts the ladder again. Someone
who is both owner and lead hears once. Governance members are told when the escalation is
raised (members added to the board later see it on the board's list).

Cost: one query finds the actions that have something left to do — due by the owner's
threshold and someone on a reached step not yet told, or the governance step reached and
not yet escalated — with the last update, the claims and the escalation all decided in
SQL. Already-handled actions never reach Python, so a sweep over 100,000 actions
where nothing new is due reads no rows. Two small queries then add the governance members
and the current members (nobody who has left the organisation is told anything).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse

from cycles.models import Cycle
from t2a.models import Membership, Organisation, Reminder
from t2a.notifications import Due

from . import selectors, services
from .models import Action, Escalation

KIND = "action_update_due"
OWNER, LEAD, GOVERNANCE = 0, 1, 2


def _ladder(organisation: Organisation) -> tuple[int, int, int]:
    return (
        organisation.escalate_owner_after_days,
        organisation.escalate_lead_after_days,
        organisation.escalate_governance_after_days,
    )


def actions_on_the_ladder(*, organisation: Organisation, today: date):
    """Actions with a ladder step reached and someone on it not yet told, in one query."""
    owner_days, lead_days, governance_days = _ladder(organisation)
    action_type = ContentType.objects.get_for_model(Action)

    def told(recipient: str) -> Exists:
        return Exists(
            Reminder.objects.filter(
                kind=KIND,
                content_type=action_type,
                object_id=OuterRef("pk"),
                due_date=OuterRef("update_due_on"),
                recipient_id=OuterRef(recipient),
            )
        )

    def member(user: str) -> Exists:
        return Exists(Membership.objects.filter(organisation=organisation, user_id=OuterRef(user)))

    escalated = Exists(
        Escalation.objects.filter(action=OuterRef("pk"), update_due_on=OuterRef("update_due_on"))
    )
    return (
        selectors.actions_expecting_updates()
        .filter(update_due_on__lte=today - timedelta(days=owner_days))
        .annotate(
            lead_id=F("plan__cycle__lead_id"),
            step=Case(
                When(update_due_on__lte=today - timedelta(days=governance_days), then=Value(2)),
                When(update_due_on__lte=today - timedelta(days=lead_days), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            escalated=escalated,
        )
        # Whoever is the lead may also be the owner: asking "has this person been told
        # about this missed update?" rather than "was this step claimed?" lets one
        # reminder serve both, and an action leaves the query once everyone is told.
        .filter(
            Q(owner_id__isnull=False) & member("owner_id") & ~told("owner_id")
            | Q(step__gte=LEAD, lead_id__isnull=False) & member("lead_id") & ~told("lead_id")
            | Q(step=GOVERNANCE, escalated=False)
        )
        .annotate(cycle_id=F("plan__cycle_id"), cycle_title=F("plan__cycle__title"))
        .only("pk", "title", "owner_id", "cadence_days")
        .order_by()
    )


def action_updates_due(*, organisation: Organisation, today: date) -> list[Due]:
    """Reminder source: progress updates due, climbing the escalation ladder.

    Also raises the governance step's Escalation, in the sweep's transaction, so the
    board's list and the board members' reminders appear together or not at all.
    """
    actions = list(actions_on_the_ladder(organisation=organisation, today=today))
    if not actions:
        return []
    members = set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    governance: dict[int, list[int]] = defaultdict(list)
    if any(a.step == GOVERNANCE for a in actions):
        through = Cycle.governance_members.through
        for cycle_id, user_id in through.objects.filter(
            cycle_id__in={a.cycle_id for a in actions if a.step == GOVERNANCE}
        ).values_list("cycle_id", "user_id"):
            governance[cycle_id].append(user_id)
    action_url = reverse("actions:action_detail", args=[organisation.slug, 0])[: -len("0/")]
    board_url = reverse("actions:governance_cycle", args=[organisation.slug, 0])
    board_url = board_url[: board_url.index("/0/") + 1]

    dues: list[Due] = []
    to_escalate = []
    for action in actions:
        due_on = action.update_due_on
        overdue = (today - due_on).days
        silent = overdue + action.cadence_days
        when = f"{due_on:%-d %B %Y}"
        url = f"{action_url}{action.pk}/"
        recipients: dict[int, tuple[int, str, str, str]] = {}
        if action.owner_id:
            recipients[action.owner_id] = (
                OWNER,
                f"Progress update {'overdue' if overdue else 'due'}: {action.title}",
                f"The community was promised news of \u2018{action.title}\u2019 "
                f"({action.cycle_title}) every {action.cadence_days} days. The next update "
                f"was due on {when}. Write a progress update on the action's page.",
                url,
            )
        if action.step >= LEAD and action.lead_id:
            recipients.setdefault(
                action.lead_id,
                (
                    LEAD,
                    f"No progress update for {silent} days: {action.title}",
                    f"\u2018{action.title}\u2019 ({action.cycle_title}) has had no progress "
                    f"update for {silent} days; the update was due on {when}. Its owner has "
                    "been reminded. If it is stuck, help or raise the barrier with governance.",
                    url,
                ),
            )
        if action.step == GOVERNANCE and not action.escalated:
            to_escalate.append((action.pk, due_on, silent))
            for user_id in governance[action.cycle_id]:
                recipients.setdefault(
                    user_id,
                    (
                        GOVERNANCE,
                        f"Escalated to the board: no progress update on {action.title}",
                        f"\u2018{action.title}\u2019 ({action.cycle_title}) has had no "
                        f"progress update for {silent} days (due on {when}). T2A has put it "
                        "on the governance board's escalations for a decision.",
                        f"{board_url}{action.cycle_id}/governance/",
                    ),
                )
        dues.extend(
            Due(
                kind=KIND,
                obj=action,
                due_date=due_on,
                recipient_id=user_id,
                title=title,
                body=body,
                url=link,
                step=step,
            )
            for user_id, (step, title, body, link) in recipients.items()
            if user_id in members
        )
    if to_escalate:
        services.escalations_raise_for_missed_updates(
            organisation_id=organisation.pk, missed=to_escalate
        )
    return dues
