"""The escalation ladder for progress updates: who is owed a reminder, and which missed
updates go to the governance board (the reminder source, services/reminders.py, raises
those escalations and hands the reminders to the periodic sweep).

An action in delivery owes the community an update every `cadence_days` (see
`with_update_due` in selectors/progress.py). Once the update falls due the ladder climbs
with the days overdue, on the organisation's own thresholds (0, 7 and 14 days by default):

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

Cost: one query lists the actions whose update is due (the last update found once per
action, in SQL); two more read the claims and escalations of just those actions, so
whoever was told is not told again and a repeat sweep yields nothing. Two small queries
add the governance members and the current members (nobody who has left the
organisation is told anything). An earlier single query that also decided the claims in
SQL repeated the last-update subquery for every condition it appeared in and was far
slower over 100,000 actions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cycles.models import Cycle
from t2a.models import Membership, Organisation, Reminder
from t2a.selectors import Due

from ..models import Action, Escalation
from .progress import actions_expecting_updates

KIND = "action_update_due"
OWNER, LEAD, GOVERNANCE = 0, 1, 2
CHUNK = 5000


def due_actions(*, organisation: Organisation, today: date) -> list[tuple]:
    """(pk, title, owner, cadence, update due on, cycle, cycle title, lead) of every action
    whose update is due by the owner's threshold: one query, the last update found once
    per action through the (action, -created_at) index."""
    owner_days = organisation.escalate_owner_after_days
    return list(
        actions_expecting_updates()
        .filter(update_due_on__lte=today - timedelta(days=owner_days))
        .order_by()
        .values_list(
            "pk", "title", "owner_id", "cadence_days", "update_due_on",
            "plan__cycle_id", "plan__cycle__title", "plan__cycle__lead_id",
        )
    )  # fmt: skip


def _step(organisation: Organisation, days_overdue: int) -> int:
    if days_overdue >= organisation.escalate_governance_after_days:
        return GOVERNANCE
    if days_overdue >= organisation.escalate_lead_after_days:
        return LEAD
    return OWNER


@dataclass
class Ladder:
    """What the ladder owes today: the reminders to send, and the missed updates to put on
    the governance board's list as (action id, date the update fell due, days silent)."""

    dues: list[Due] = field(default_factory=list)
    missed: list[tuple[int, date, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Words:
    """What one reminder of the ladder says, by step."""

    title: str
    cycle_title: str
    cadence: int
    overdue: int
    when: str
    action_url: str
    board_url: str

    @property
    def silent(self) -> int:
        return self.overdue + self.cadence

    def subject(self, step: int) -> str:
        if step == OWNER:
            return f"Progress update {'overdue' if self.overdue else 'due'}: {self.title}"
        if step == LEAD:
            return f"No progress update for {self.silent} days: {self.title}"
        return f"Escalated to the board: no progress update on {self.title}"

    def body(self, step: int) -> str:
        if step == OWNER:
            return (
                f"The community was promised news of \u2018{self.title}\u2019 "
                f"({self.cycle_title}) every {self.cadence} days. The next update was due on "
                f"{self.when}. Write a progress update on the action's page."
            )
        if step == LEAD:
            return (
                f"\u2018{self.title}\u2019 ({self.cycle_title}) has had no progress update for "
                f"{self.silent} days; the update was due on {self.when}. Its owner has been "
                "reminded. If it is stuck, help or raise the barrier with governance."
            )
        return (
            f"\u2018{self.title}\u2019 ({self.cycle_title}) has had no progress update for "
            f"{self.silent} days (due on {self.when}). T2A has put it on the governance "
            "board's escalations for a decision."
        )

    def link(self, step: int) -> str:
        return self.board_url if step == GOVERNANCE else self.action_url


def action_updates_ladder(*, organisation: Organisation, today: date) -> Ladder:
    """Progress updates due, climbing the escalation ladder."""
    ladder = Ladder()
    rows = due_actions(organisation=organisation, today=today)
    if not rows:
        return ladder
    # Who has been told about which missed update, and which are escalated already: two
    # queries over the due actions (in chunks), so a repeat sweep yields nothing new.
    action_type = ContentType.objects.get_for_model(Action)
    told: set[tuple[int, date, int]] = set()
    escalated: set[tuple[int, date]] = set()
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        told.update(
            Reminder.objects.filter(
                kind=KIND, content_type=action_type, object_id__in=chunk
            ).values_list("object_id", "due_date", "recipient_id")
        )
        escalated.update(
            Escalation.objects.filter(action_id__in=chunk, update_due_on__isnull=False).values_list(
                "action_id", "update_due_on"
            )
        )
    members = set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    board_cycles = {
        row[5]
        for row in rows
        if _step(organisation, (today - row[4]).days) == GOVERNANCE
        and (row[0], row[4]) not in escalated
    }
    governance: dict[int, list[int]] = defaultdict(list)
    if board_cycles:
        through = Cycle.governance_members.through
        for cycle_id, user_id in through.objects.filter(cycle_id__in=board_cycles).values_list(
            "cycle_id", "user_id"
        ):
            governance[cycle_id].append(user_id)
    board_urls: dict[int, str] = {}  # reverse() once per cycle, not once per reminder
    for pk, title, owner_id, cadence, due_on, cycle_id, cycle_title, lead_id in rows:
        overdue = (today - due_on).days
        step = _step(organisation, overdue)
        # Who is owed a reminder, at which step: someone who is both owner and lead hears once.
        steps: dict[int, int] = {}
        if owner_id:
            steps[owner_id] = OWNER
        if step >= LEAD and lead_id:
            steps.setdefault(lead_id, LEAD)
        if step == GOVERNANCE and (pk, due_on) not in escalated:
            ladder.missed.append((pk, due_on, overdue + cadence))
            for user_id in governance[cycle_id]:
                steps.setdefault(user_id, GOVERNANCE)
        new = [
            (user_id, step_of)
            for user_id, step_of in steps.items()
            if user_id in members and (pk, due_on, user_id) not in told
        ]
        if not new:
            continue
        if cycle_id not in board_urls:
            board_urls[cycle_id] = reverse(
                "actions:governance_cycle", args=[organisation.slug, cycle_id]
            )
        action = Action(pk=pk, organisation_id=organisation.pk, title=title)
        words = _Words(
            title=title,
            cycle_title=cycle_title,
            cadence=cadence,
            overdue=overdue,
            when=f"{due_on:%-d %B %Y}",
            action_url=reverse("actions:action_detail", args=[organisation.slug, pk]),
            board_url=board_urls[cycle_id],
        )
        ladder.dues.extend(
            Due(
                kind=KIND,
                obj=action,
                due_date=due_on,
                recipient_id=user_id,
                title=words.subject(step_of),
                body=words.body(step_of),
                url=words.link(step_of),
                step=step_of,
            )
            for user_id, step_of in new
        )
    return ladder
