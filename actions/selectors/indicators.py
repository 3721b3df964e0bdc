"""Trust indicators: what no anchor measures, per cycle and per organisation.

Each indicator has a headline figure over the last twelve months, a trend by month drawn as
a server-rendered SVG sparkline, and a link to the rows behind it. They read across the
stage apps (feedback for insight, stakeholders for promises and conversations, this app for
progress updates), reusing each app's own definitions:

- feedback-loop latency: median days from an insight being captured to the report-back that
  answered it (`Insight.answered_at - captured_at`, by the month it was answered), and how
  many are still unanswered (feedback's `unanswered()`, the list the figure links to);
- on-time updates: of the progress updates the community was owed in the window, the share
  written by their due date (`with_update_due`'s rule: the cadence counted from the
  previous update, or from the start); an update still missing once its date has passed
  counts as late, so silence lowers the rate. Internal and public updates both count, as
  they do for the reminders;
- commitments kept: stakeholders' commitment-kept rate (promises kept by their due date);
- insight closure: feedback's closure (answered, or out of scope with a reason);
- meaningful conversations per month: stakeholders' monthly counts;
- reach: held activities' participants by the cycle's population groups, against the groups
  named for the cycle.

The number of queries is fixed (about ten for a set of cycles), whatever the data size.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from statistics import median

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cycles.models import Cycle
from feedback.models import ActivityStatus, EngagementActivity, Insight
from feedback.selectors.insight import Closure, answered, insight_closure, out_of_scope
from stakeholders.models import Commitment
from stakeholders.selectors.indicators import (
    commitment_kept_rate,
    first_of_month,
    meaningful_conversations_per_month,
)
from t2a.models import Membership, Organisation
from t2a.policies import STAFF_ROLES
from t2a.services.versions import organisation_cache_key

from ..models import Action, ProgressUpdate
from .progress import expects_updates, with_update_due

MONTHS = 12


def months_ending(today: date) -> list[date]:
    """The first days of the twelve months ending with `today`'s month, oldest first."""
    return [first_of_month(today, months_back=n) for n in range(MONTHS - 1, -1, -1)]


def _month(day: date) -> date:
    return day.replace(day=1)


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


# --- the SVG sparkline --------------------------------------------------------------------

WIDTH, HEIGHT, PAD = 120, 32, 3


def sparkline(values: list[float | None], *, label: str) -> SafeString:
    """A small line chart of `values` (None leaves a gap) as inline SVG.

    Presentation attributes only (`stroke`, `fill`): the CSP forbids style attributes.
    The label, also the SVG's title, says in words what the line shows.
    """
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def point(i: int, v: float) -> str:
        y = HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)
        return f"{PAD + i * step:.1f},{y:.1f}"

    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(point(i, v))
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="#005eb8" stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>',
        ((" ".join(run),) for run in runs if len(run) > 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2.5" fill="#005eb8"/>',
        (tuple(run[0].split(",")) for run in runs if len(run) == 1),
    )
    last = ""
    if values and values[-1] is not None:
        x, y = point(len(values) - 1, values[-1]).split(",")
        last = format_html('<circle cx="{}" cy="{}" r="3" fill="#003087"/>', x, y)
    return format_html(
        '<svg class="t2a-sparkline" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-label="{}" focusable="false"><title>{}</title>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d8dde0" stroke-width="1"/>{}{}{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, label, label,
        PAD, HEIGHT - PAD, WIDTH - PAD, HEIGHT - PAD, lines, dots, last,
    )  # fmt: skip


# --- the indicators -----------------------------------------------------------------------


@dataclass
class Link:
    text: str
    url: str


@dataclass
class Indicator:
    key: str
    label: str
    figure: str
    detail: str
    trend: list[tuple[date, float | None]]
    trend_unit: str
    links: list[Link] = field(default_factory=list)

    @property
    def sparkline(self) -> SafeString:
        described = ", ".join(
            f"{month:%b %Y}: {'none' if v is None else _number(v)}" for month, v in self.trend
        )
        return sparkline(
            [v for _, v in self.trend], label=f"{self.label}, {self.trend_unit} — {described}"
        )


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _percent(part: int, whole: int) -> int | None:
    return round(part * 100 / whole) if whole else None


def _url(name: str, organisation: Organisation, *args, query: str = "") -> str:
    url = reverse(name, args=[organisation.slug, *args])
    return f"{url}?{query}" if query else url


def _by_cycle(scope: "Scope") -> str:
    return _url("actions:governance", scope.organisation) + "#indicators-by-cycle"


@dataclass
class Scope:
    """What the figures cover: some cycles, and whose promises and conversations."""

    organisation: Organisation
    cycles: list[Cycle]
    cycle: Cycle | None  # one cycle, or None for the organisation
    staff: bool  # may open the staff-only lists (conversations)
    today: date

    @property
    def start(self) -> date:
        return first_of_month(self.today, months_back=MONTHS - 1)

    @property
    def cycle_ids(self) -> list[int]:
        return [c.pk for c in self.cycles]

    @cached_property
    def closure_by_cycle(self) -> dict[int, Closure]:
        return insight_closure(self.cycles)

    @property
    def closure(self) -> list[Closure]:
        return list(self.closure_by_cycle.values())


def feedback_latency(scope: Scope) -> Indicator:
    """Median days from capture to answer, by month answered; still-unanswered count."""
    start_at = timezone.make_aware(datetime.combine(scope.start, datetime.min.time()))
    rows = Insight.objects.filter(
        cycle__in=scope.cycle_ids, answered_at__isnull=False, answered_at__gte=start_at
    ).values_list("captured_at", "answered_at")
    by_month: dict[date, list[int]] = defaultdict(list)
    every = []
    for captured_at, answered_at in rows:
        days = (_local(answered_at) - _local(captured_at)).days
        by_month[_month(_local(answered_at))].append(days)
        every.append(days)
    unanswered = sum(c.unanswered for c in scope.closure)
    figure = f"{_number(median(every))} days" if every else "No answers yet"
    links = []
    if scope.cycle is not None:
        links = [
            Link(
                f"{unanswered} still unanswered",
                _url(
                    "feedback:insight_list", scope.organisation, scope.cycle.pk,
                    query="closure=unanswered",
                ),
            ),
            Link(
                f"{len(every)} answered in 12 months",
                _url(
                    "feedback:insight_list", scope.organisation, scope.cycle.pk,
                    query="closure=answered",
                ),
            ),
        ]  # fmt: skip
    else:
        links = [Link(f"{unanswered} still unanswered, by cycle", _by_cycle(scope))]
    return Indicator(
        key="latency",
        label="Feedback-loop latency",
        figure=figure,
        detail=f"median from insight to the report-back that answered it; "
        f"{unanswered} still unanswered",
        trend=[
            (m, median(by_month[m]) if by_month.get(m) else None)
            for m in months_ending(scope.today)
        ],
        trend_unit="median days by month answered",
        links=links,
    )


@dataclass
class UpdateTimeliness:
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def owed(self) -> int:
        return self.on_time + self.late + self.missing


def update_timeliness(
    actions: QuerySet[Action], *, start: date, today: date
) -> tuple[UpdateTimeliness, dict[date, UpdateTimeliness]]:
    """Updates owed since `start`: on time, late, or still missing past their date.

    Two queries: the actions (with their start and current due date from
    `with_update_due`) and their updates in time order.
    """
    actions = list(
        with_update_due(actions)
        .select_related(None)
        .values_list("pk", "cadence_days", "update_start_on", "update_due_on", "status", "in_scope",
                     "plan__status")
    )  # fmt: skip
    cadence = {pk: (days, start_on) for pk, days, start_on, *_ in actions}
    total = UpdateTimeliness()
    by_month: dict[date, UpdateTimeliness] = defaultdict(UpdateTimeliness)
    previous: dict[int, date] = {}
    updates = (
        ProgressUpdate.objects.filter(action__in=list(cadence))
        .order_by("action_id", "created_at", "pk")
        .values_list("action_id", "created_at")
    )
    for action_id, created_at in updates:
        days, start_on = cadence[action_id]
        made_on = _local(created_at)
        due_on = previous.get(action_id, start_on) + timedelta(days=days)
        previous[action_id] = made_on
        if made_on < start:
            continue
        on_time = made_on <= due_on
        for tally in (total, by_month[_month(made_on)]):
            if on_time:
                tally.on_time += 1
            else:
                tally.late += 1
    expecting = expects_updates
    for _, _, _, due_on, status, in_scope, plan_status in actions:
        if expecting(status=status, in_scope=in_scope, plan_status=plan_status) and (
            start <= due_on < today
        ):
            total.missing += 1
            by_month[_month(due_on)].missing += 1
    return total, by_month


def on_time_updates(scope: Scope) -> Indicator:
    total, by_month = update_timeliness(
        Action.objects.filter(plan__cycle__in=scope.cycle_ids), start=scope.start, today=scope.today
    )
    rate = _percent(total.on_time, total.owed)
    if scope.cycle is not None:
        links = [
            Link(
                f"{total.missing} overdue now",
                _url("actions:governance_cycle", scope.organisation, scope.cycle.pk)
                + "#overdue-updates",
            ),
            Link(
                "the action plan", _url("actions:plan_detail", scope.organisation, scope.cycle.pk)
            ),
        ]
    else:
        links = [
            Link(
                f"{total.missing} overdue now",
                _url("actions:governance", scope.organisation) + "#overdue-updates",
            )
        ]
    return Indicator(
        key="on_time",
        label="Progress updates on time",
        figure="No updates owed yet" if rate is None else f"{rate}%",
        detail=f"{total.on_time} of {total.owed} updates owed in 12 months came by their date; "
        f"{total.late} late, {total.missing} still missing",
        trend=[
            (m, _percent(by_month[m].on_time, by_month[m].owed) if m in by_month else None)
            for m in months_ending(scope.today)
        ],
        trend_unit="% on time by month due or written",
        links=links,
    )


def commitments_kept(scope: Scope) -> Indicator:
    rate = commitment_kept_rate(
        organisation=scope.organisation,
        start=scope.start,
        end=None,
        as_of=scope.today,
        cycle=scope.cycle,
    )
    # The monthly trend from the same rows, with the selector's rule: a promise counts once
    # its outcome is known (kept, broken, or its date passed); kept by its date is kept.
    rows = Commitment.objects.filter(organisation=scope.organisation, due_on__gte=scope.start)
    if scope.cycle is not None:
        rows = rows.filter(conversation__cycle=scope.cycle)
    due: dict[date, int] = defaultdict(int)
    kept: dict[date, int] = defaultdict(int)
    for due_on, kept_on, broken_on in rows.values_list("due_on", "kept_on", "broken_on"):
        month = _month(due_on)
        if kept_on is not None or broken_on is not None or due_on < scope.today:
            due[month] += 1
        if kept_on is not None and kept_on <= due_on:
            kept[month] += 1
    where = (
        _url("stakeholders:conversation_list", scope.organisation)
        if scope.staff
        else _url("stakeholders:stakeholder_summary", scope.organisation)
    )
    return Indicator(
        key="commitments",
        label="Promises kept",
        figure="None due yet" if rate.percent is None else f"{rate.percent}%",
        detail=f"{rate.kept_on_time} of {rate.due} promises made in conversations kept by "
        "their date" + ("" if scope.cycle else " (whole organisation)"),
        trend=[(m, _percent(kept[m], due[m])) for m in months_ending(scope.today)],
        trend_unit="% kept by month due",
        links=[Link("the conversations and promises", where)],
    )


def closure(scope: Scope) -> Indicator:
    counts = scope.closure
    total = sum(c.total for c in counts)
    closed = sum(c.answered + c.out_of_scope for c in counts)
    out_of_scope_count = sum(c.out_of_scope for c in counts)
    start_at = timezone.make_aware(datetime.combine(scope.start, datetime.min.time()))
    monthly = {
        _month(_local(row["month"])) if isinstance(row["month"], datetime) else row["month"]: row
        for row in Insight.objects.filter(cycle__in=scope.cycle_ids, captured_at__gte=start_at)
        .annotate(month=TruncMonth("captured_at"))
        .order_by()
        .values("month")
        .annotate(total=Count("pk"), closed=Count("pk", filter=answered() | out_of_scope()))
    }
    if scope.cycle is not None:
        links = [
            Link(
                f"{total - closed} unanswered",
                _url(
                    "feedback:insight_list", scope.organisation, scope.cycle.pk,
                    query="closure=unanswered",
                ),
            ),
            Link(
                f"{out_of_scope_count} out of scope",
                _url(
                    "feedback:insight_list", scope.organisation, scope.cycle.pk,
                    query="closure=out_of_scope",
                ),
            ),
        ]  # fmt: skip
    else:
        links = [Link("insight by cycle", _url("feedback:home", scope.organisation))]
    rate = _percent(closed, total)
    return Indicator(
        key="closure",
        label="Insight closure",
        figure="No insight yet" if rate is None else f"{rate}%",
        detail=f"{closed} of {total} insights answered or marked out of scope with a reason",
        trend=[
            (m, _percent(monthly[m]["closed"], monthly[m]["total"]) if m in monthly else None)
            for m in months_ending(scope.today)
        ],
        trend_unit="% closed by month captured",
        links=links,
    )


def meaningful_conversations(scope: Scope) -> Indicator:
    months = meaningful_conversations_per_month(
        organisation=scope.organisation, start=scope.start, end=scope.today, cycle=scope.cycle
    )
    held = sum(n for _, n in months)
    where = (
        _url("stakeholders:conversation_list", scope.organisation)
        if scope.staff
        else _url("stakeholders:stakeholder_summary", scope.organisation)
    )
    return Indicator(
        key="conversations",
        label="Meaningful conversations",
        figure=f"{_number(held / MONTHS)} a month",
        detail=f"{held} logged in 12 months, {months[-1][1]} so far this month"
        + ("" if scope.cycle else " (whole organisation)"),
        trend=[(m, n) for m, n in months],
        trend_unit="conversations by month",
        links=[Link("the conversations", where)],
    )


@dataclass
class GroupReach:
    group: str
    participants: int


@dataclass
class CycleReach:
    cycle: Cycle
    groups: list[GroupReach]
    activities: int = 0
    participants: int = 0

    @property
    def reached(self) -> int:
        return sum(1 for g in self.groups if g.participants)


def reach_by_cycle(cycles: Iterable[Cycle]) -> dict[int, CycleReach]:
    """Held activities and participants by each cycle's population groups (one query).

    The same counts as `feedback.selectors.activities.cycle_reach`, for many cycles at once.
    """
    cycles = list(cycles)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    found = {c.pk: CycleReach(cycle=c, groups=[]) for c in cycles}
    for cycle_id, participants, by_group in EngagementActivity.objects.filter(
        cycle__in=list(found), status=ActivityStatus.HELD
    ).values_list("cycle_id", "participants", "reach"):
        found[cycle_id].activities += 1
        found[cycle_id].participants += participants or 0
        for group, count in (by_group or {}).items():
            counts[cycle_id][group] += int(count or 0)
    for cycle in cycles:
        found[cycle.pk].groups = [
            GroupReach(g, counts[cycle.pk].get(g, 0)) for g in cycle.population_groups or []
        ]
    return found


def reach(scope: Scope, by_cycle: dict[int, CycleReach]) -> Indicator:
    named = sum(len(r.groups) for r in by_cycle.values())
    reached = sum(r.reached for r in by_cycle.values())
    participants = sum(r.participants for r in by_cycle.values())
    activities = sum(r.activities for r in by_cycle.values())
    monthly: dict[date, int] = defaultdict(int)
    for held_on, n in EngagementActivity.objects.filter(
        cycle__in=scope.cycle_ids, status=ActivityStatus.HELD, held_on__gte=scope.start
    ).values_list("held_on", "participants"):
        monthly[_month(held_on)] += n or 0
    if scope.cycle is not None:
        links = [Link("the activities", _url("feedback:cycle", scope.organisation, scope.cycle.pk))]
    else:
        links = [Link("reach by cycle", _by_cycle(scope))]
    return Indicator(
        key="reach",
        label="Reach",
        figure=f"{reached} of {named} groups" if named else "No groups named",
        detail=f"{participants} participants in {activities} "
        f"activit{'y' if activities == 1 else 'ies'} held; groups named "
        "for the cycle" + ("" if scope.cycle else "s") + " that took part",
        trend=[(m, monthly.get(m, 0)) for m in months_ending(scope.today)],
        trend_unit="participants by month",
        links=links,
    )


@dataclass
class TrustIndicators:
    indicators: list[Indicator]
    reach_by_cycle: dict[int, CycleReach]
    closure_by_cycle: dict[int, Closure]

    def __iter__(self):
        return iter(self.indicators)


def trust_indicators(
    *,
    organisation: Organisation,
    membership: Membership,
    cycles: list[Cycle],
    cycle: Cycle | None = None,
    today: date | None = None,
) -> TrustIndicators:
    """The six indicators for one cycle (`cycle`) or for `cycles` taken together."""
    scope = Scope(
        organisation=organisation,
        cycles=[cycle] if cycle is not None else cycles,
        cycle=cycle,
        staff=membership.role in STAFF_ROLES,
        today=today or timezone.localdate(),
    )
    by_cycle = reach_by_cycle(scope.cycles)
    return TrustIndicators(
        indicators=[
            feedback_latency(scope),
            on_time_updates(scope),
            commitments_kept(scope),
            closure(scope),
            meaningful_conversations(scope),
            reach(scope, by_cycle),
        ],
        reach_by_cycle=by_cycle,
        closure_by_cycle=scope.closure_by_cycle,
    )


# Twelve-month figures do not change by the minute, and the organisation home and the
# governance dashboards are the busiest pages: keep each audience's figures for a while.
# Entries are named by the organisation's data version: the timeout only lets old ones go.
INDICATORS_CACHE_SECONDS = 2 * 24 * 3600


def trust_indicators_cached(
    *,
    organisation: Organisation,
    membership: Membership,
    cycles: list[Cycle],
    cycle: Cycle | None = None,
    today: date | None = None,
) -> TrustIndicators:
    """`trust_indicators`, computed once per change to the organisation's data (its data
    version, which every cycle's change moves on too) and per day, per audience and cycle set.

    Staff share one entry (they see every cycle); anyone else gets their own. The key
    names the exact cycles, so a new or newly visible cycle is counted at once.
    """
    today = today or timezone.localdate()
    audience = "staff" if membership.role in STAFF_ROLES else f"user-{membership.user_id}"
    shown = [cycle.pk] if cycle is not None else sorted(c.pk for c in cycles)
    digest = hashlib.sha256(",".join(map(str, shown)).encode()).hexdigest()[:16]
    key = organisation_cache_key(
        organisation, f"trust-indicators:{audience}:{digest}:{today.isoformat()}"
    )
    return cache.get_or_set(
        key,
        lambda: trust_indicators(
            organisation=organisation,
            membership=membership,
            cycles=cycles,
            cycle=cycle,
            today=today,
        ),
        INDICATORS_CACHE_SECONDS,
    )
