"""Demo priorities and action plans for `manage.py seed_demo`.

Runs after cycles and listening (it draws priorities from their themes and insight) and is
idempotent: a cycle that already has priorities or a plan is left as it is. The maternity
cycle gets a signed-off plan in delivery, with progress updates and an escalation, and two
actions overdue for an update so the reminder ladder has something to do, and the
listening demo's report-back reports what was done; with `large`, the organisation's
cycles share 1,000 actions between them.
"""

from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone
from django_scopes import scope

from cycles.models import Cycle
from cycles.services.demo import MATERNITY_SLUG
from cycles.services.versions import cycle_changed
from feedback.models import Insight, ReportBack, Sensitivity, Theme
from feedback.services.demo import REPORT_BACK_TITLE
from feedback.services.report_backs import report_back_save
from t2a.models import Membership, Role
from t2a.services.demo import DemoOrganisation

from ..models import (
    EXPLAINED_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    ApprovalRule,
    Decision,
    Evaluation,
    MeasureKind,
    PlanStatus,
    Priority,
    ProgressUpdate,
    RippleEffect,
    RippleLevel,
    RoundStatus,
    SignOff,
    SignOffRound,
)
from ..selectors import content
from .escalations import escalation_raise
from .evaluation import evaluation_save
from .plan import action_create, action_plan_move
from .priorities import priorities_agree, priority_create, priority_rank
from .progress import progress_update_create
from .ripple import ripple_effect_save
from .signoff import action_plan_send_for_signoff, signoff_record

LARGE_ACTIONS = 1000

# (priority title, description, theme names it is drawn from)
PRIORITIES = [
    ("Being listened to", "Women are believed when they say something is wrong.",
     ["Not being listened to", "Trust in services"]),
    ("Language support", "Information and interpreting in community languages.",
     ["Interpreters", "Information in community languages"]),
    ("Getting to appointments", "Appointments people can reach and afford.",
     ["Transport and travel costs", "Appointment times", "Childcare"]),
]  # fmt: skip


class DemoAction(NamedTuple):
    priority: int  # index into PRIORITIES
    title: str
    measure: str  # in the community's words
    metric: str  # none: the measure is kept in words
    unit: str
    baseline: str
    target: str
    reading: str | None  # measured the day of its progress update; None: not yet
    due_in_days: int
    in_scope: bool
    out_of_scope_reason: str
    status: str


ACTIONS = [DemoAction(*row) for row in [
    (0, "Listening training for every community midwife",
     "Women say they were believed the first time they raised a worry",
     "Share of women in the maternity survey who felt listened to", "%", "61", "80", "68",
     120, True, "", ActionStatus.ON_TRACK),
    (1, "On-call interpreters for scans", "Nobody's child has to translate at a scan",
     "Scans with a professional interpreter when one was needed", "%", "38", "95", "52",
     90, True, "", ActionStatus.AT_RISK),
    (1, "Early-booking leaflets in Somali, Gujarati and Urdu",
     "Women know to book before 10 weeks", "Bookings before 10 weeks in Spinney Hills",
     "%", "58", "70", "70", 60, True, "", ActionStatus.DONE),
    (2, "Evening antenatal clinic at the Highfields centre",
     "Women who work shifts can get an appointment without losing pay",
     "Evening appointments booked per month", "appointments", "0", "40", None, 150, True,
     "", ActionStatus.NOT_STARTED),
    (2, "Free hospital parking for antenatal visits", "", "", "", "", "", None, 200, False,
     "Parking charges are set by the hospital trust's national contract; we cannot change "
     "them locally. We have passed this on to the trust board.", ActionStatus.NOT_STARTED),
]]  # fmt: skip


def _measure(row: DemoAction) -> dict:
    """An action's measure fields: numbers when it has a metric, else left in words."""
    if not row.metric:
        return {}
    return {
        "metric": row.metric,
        "measure_kind": MeasureKind.NUMERIC,
        "measure_unit": row.unit,
        "baseline_value": Decimal(row.baseline),
        "target_value": Decimal(row.target),
    }


def seed(demo: DemoOrganisation, *, large: bool) -> None:
    with scope(organisation=demo.organisation.pk):
        if large:
            _seed_many(demo)
            _seed_many_evaluations(demo)
            return
        cycle = Cycle.objects.filter(slug=MATERNITY_SLUG).first()
        if cycle is not None:
            _seed_maternity(demo, cycle)
            _report_back_what_we_did(demo, cycle)
            _seed_evaluation(demo, cycle)


def _priorities(cycle: Cycle, by) -> list[Priority]:
    existing = list(Priority.objects.filter(cycle=cycle).order_by("pk"))
    if existing:
        return existing
    themes = {t.name: t for t in Theme.objects.filter(cycle=cycle)}
    made = []
    for title, description, theme_names in PRIORITIES:
        chosen = [themes[n] for n in theme_names if n in themes]
        insights = list(
            Insight.objects.filter(cycle=cycle, theme_links__theme__in=chosen, out_of_scope_at=None)
            .distinct()
            .order_by("pk")
        )
        made.append(
            priority_create(
                cycle=cycle,
                by=by,
                title=title,
                description=description,
                themes=chosen,
                insights=insights,
            )
        )
    return made


def _seed_maternity(demo: DemoOrganisation, cycle: Cycle) -> None:
    people = demo.people
    lead, community = people[Role.ENGAGEMENT_LEAD], people[Role.COMMUNITY_LEAD]
    if ActionPlan.objects.filter(cycle=cycle).exists():
        return
    priorities = _priorities(cycle, lead)
    today = timezone.localdate()
    priority_rank(cycle=cycle, lead=community, order=[priorities[i] for i in (0, 2, 1)])
    priorities_agree(
        cycle=cycle, by=lead, priorities=priorities, agreed_on=today - timedelta(days=AGREED)
    )
    actions = []
    for row in ACTIONS:
        # Delivery started the day the plan was signed off; what has not started yet starts
        # in a fortnight (so it owes no progress update yet).
        starts = SIGNED_OFF if row.status != ActionStatus.NOT_STARTED else -14
        actions.append(
            action_create(
                cycle=cycle,
                by=lead,
                fields={
                    "priority": priorities[row.priority],
                    "title": row.title,
                    "owner": lead if row.priority != 1 else community,
                    "partners": "University Hospitals of Leicester\nSomali Women's Group"
                    if row.priority == 1
                    else "University Hospitals of Leicester",
                    "start_date": today - timedelta(days=starts),
                    "due_date": today + timedelta(days=row.due_in_days),
                    "community_measure": row.measure,
                    "specific_result": row.title,
                    **_measure(row),
                    "in_scope": row.in_scope,
                    "out_of_scope_reason": row.out_of_scope_reason,
                },
            )
        )
    signoff_round = action_plan_send_for_signoff(cycle=cycle, by=lead)
    membership = Membership.objects.select_related("user").get(user=community)
    if cycle.community_leads.filter(pk=community.pk).exists():
        signoff_record(
            cycle=cycle,
            membership=membership,
            decision=Decision.APPROVE,
            comment="This is what we asked for.",
            content_hash=signoff_round.content_hash,
        )
    if ActionPlan.objects.get(cycle=cycle).status != PlanStatus.SIGNED_OFF:
        return
    action_plan_move(cycle=cycle, by=lead, to=PlanStatus.IN_DELIVERY)
    for n, (action, row) in enumerate(zip(actions, ACTIONS, strict=True)):
        if row.status == ActionStatus.NOT_STARTED:
            continue
        # Measured the day the update is written (backdated below).
        written = today - timedelta(days=dict(LADDER_DEMO).get(n, UPDATED))
        progress_update_create(
            action=action,
            by=lead,
            status=row.status,
            narrative="Work has started with the partners named in the plan.",
            barriers="Interpreting budget runs out in March."
            if row.status == ActionStatus.AT_RISK
            else "",
            public=row.status != ActionStatus.AT_RISK,
            measured_value=Decimal(row.reading) if row.reading is not None else None,
            measured_on=written if row.reading is not None else None,
        )
    escalation_raise(
        action=actions[1], by=lead, reason="Interpreting for scans needs £18,000 a year more."
    )
    _backdate_for_the_ladder(cycle, actions)


def _report_back_what_we_did(demo: DemoOrganisation, cycle: Cycle) -> None:
    """The listening demo's report-back ("you said") reports the plan's first two actions
    and their public updates ("we did"). Left alone once it reports any action."""
    report_back = ReportBack.objects.filter(cycle=cycle, title=REPORT_BACK_TITLE).first()
    if report_back is None or report_back.actions.exists():
        return
    actions = list(Action.objects.filter(plan__cycle=cycle).order_by("pk")[:2])
    if not actions:
        return
    report_back_save(
        report_back=report_back,
        insights=report_back.insights.all(),
        themes=report_back.themes.all(),
        links={
            "actions": actions,
            "progress_updates": ProgressUpdate.objects.filter(action__in=actions, public=True),
        },
        actor=demo.people[Role.ENGAGEMENT_LEAD],
    )


# The maternity plan's history, in days before the day of seeding. The cycle started 150
# days ago and its listening finished about 125 days ago (cycles' and feedback's demos);
# priorities agreed, actions drafted, the plan sent to the community leads, approved and
# signed off the same day, and delivery (and its progress updates) from then on.
PRIORITIES_DRAFTED = 110
AGREED = 100
PLANNED = 95
SENT = 80
SIGNED_OFF = 75

# Days ago the progress updates were written, but for the ladder's (below).
UPDATED = 10
# (action index, days since its last progress update): with the default 28-day cadence and
# ladder (0, 7, 14) the first is 15 days overdue (owner, engagement lead and the board, with
# an escalation) and the second 8 (owner and engagement lead), so the first reminder sweep
# after `make run` has something to send.
LADDER_DEMO = [(0, 28 + 15), (1, 28 + 8)]


def _backdate_for_the_ladder(cycle: Cycle, actions: list[Action]) -> None:
    """Move the plan's history back: signed off (every approval, the round's record and the
    plan, the same day) two and a half months ago, two updates now overdue."""
    # Local time, so "75 days ago" moves back by calendar days and lands on the date the
    # actions start, whatever clock change lies between (a late winter evening is already
    # the next day in summer time).
    now = timezone.localtime()

    def ago(days: int):
        return now - timedelta(days=days)

    Priority.objects.filter(cycle=cycle).update(created_at=ago(PRIORITIES_DRAFTED))
    plans = ActionPlan.objects.filter(cycle=cycle)
    plans.update(signed_off_at=ago(SIGNED_OFF))
    plans.exclude(min_approvals_set_at=None).update(min_approvals_set_at=ago(SENT))
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(created_at=ago(PLANNED))
    rounds = SignOffRound.objects.filter(plan__cycle=cycle)
    rounds.update(sent_at=ago(SENT))
    rounds.exclude(rule_set_at=None).update(rule_set_at=ago(SENT))
    rounds.exclude(closed_at=None).update(closed_at=ago(SIGNED_OFF))
    SignOff.objects.filter(round__plan__cycle=cycle).update(decided_at=ago(SIGNED_OFF))
    ProgressUpdate.objects.filter(action__in=actions).update(
        created_at=now - timedelta(days=UPDATED)
    )
    for index, days in LADDER_DEMO:
        ProgressUpdate.objects.filter(action=actions[index]).update(
            created_at=now - timedelta(days=days)
        )
    cycle_changed(cycle)


def _seed_many(demo: DemoOrganisation) -> None:
    cycles = list(Cycle.objects.order_by("pk"))
    if not cycles or Action.objects.exists():
        return
    lead = demo.people[Role.ENGAGEMENT_LEAD]
    per_cycle, extra = divmod(LARGE_ACTIONS, len(cycles))
    # Paused and dropped actions need a reason for the public: the small demo shows those.
    statuses = [s for s in ActionStatus.values if s not in EXPLAINED_STATUSES]
    # Signed off before the oldest progress update (60 days ago), delivery from that day.
    signed_off = timezone.now() - timedelta(days=90)
    start = timezone.localdate(signed_off)
    rows = []
    for i, cycle in enumerate(cycles):
        priorities = _priorities(cycle, lead)
        plan, _ = ActionPlan.objects.get_or_create(
            organisation=demo.organisation, cycle=cycle, defaults={"status": PlanStatus.IN_DELIVERY}
        )
        for n in range(per_cycle + (i < extra)):
            rows.append(
                Action(
                    organisation=demo.organisation,
                    plan=plan,
                    priority=priorities[n % len(priorities)],
                    title=f"Action {n + 1} for {cycle.title}"[:200],
                    owner=lead,
                    start_date=start,
                    due_date=start + timedelta(days=30 + n * 7),
                    community_measure="People say it made a difference",
                    metric="People reached",
                    baseline="0",
                    target=str(20 + n),
                    status=statuses[n % len(statuses)],
                )
            )
    actions = Action.objects.bulk_create(rows, batch_size=500)
    # Each plan is in delivery, so each was signed off: record the version the community
    # agreed, which is what the public page shows.
    by_plan: dict[int, list[Action]] = {}
    for action in actions:
        by_plan.setdefault(action.plan_id, []).append(action)
    rounds = []
    for plan_id, plan_actions in by_plan.items():
        snap = content.snapshot(plan_actions)
        rounds.append(
            SignOffRound(
                organisation=demo.organisation,
                plan_id=plan_id,
                version=1,
                content_hash=content.content_hash(snap["content"]),
                snapshot=snap,
                status=RoundStatus.SIGNED_OFF,
                sent_by=lead,
                sent_at=signed_off - timedelta(days=7),
                closed_at=signed_off,
                approval_rule=ApprovalRule.ALL,
            )
        )
    SignOffRound.objects.bulk_create(rounds)
    ActionPlan.objects.filter(pk__in=list(by_plan), version=0).update(
        version=1, signed_off_at=signed_off
    )
    ProgressUpdate.objects.bulk_create(
        (
            ProgressUpdate(
                organisation=demo.organisation,
                action=a,
                status=a.status,
                narrative="Monthly update.",
                public=True,
                created_at=timezone.now() - timedelta(days=(a.pk % 60)),
            )
            for a in actions[::2]
        ),
        batch_size=500,
    )


# --- stage 5: the evaluation and the ripple-effect map --------------------------------------

EVALUATION = {
    "what_worked": "Conversation cafés at the Highfields centre and the mosque, led by "
    "community leads, reached women the service had not heard from before. Meeting in "
    "trusted places, with interpreters, mattered more than anything we planned.",
    "what_to_adapt": "Start delivery sooner after sign-off: two actions waited a month for "
    "their first update. Book interpreters for every meeting from the start, and hold "
    "evening sessions for women who work shifts.",
    "evidence_confidence": "Two community leads now run the cafés themselves, and one spoke "
    "at the maternity voices partnership for the first time.",
    "evidence_relationships": "More women came back for a second café than came to the "
    "first. Most promises made in conversations were kept on time.",
    "evidence_system": "The trust board now hears a community item at every meeting, and "
    "the interpreting budget was raised after the escalation.",
    "evidence_services": "Early-booking leaflets exist in Somali, Gujarati and Urdu; an "
    "evening antenatal clinic is being set up at the Highfields centre.",
    "evidence_health": "It is too early to see a change in stillbirth rates. Early signs: "
    "more women booking before 10 weeks in Spinney Hills. We will look at the rates again "
    "in two years.",
    "learning_next_steps": "Hand the cafés over to the community leads, with a small budget, "
    "by the spring. In the next iteration, bring fathers and grandmothers in early.",
}

# (description, level, index of the effect it grew out of, action title it links to)
RIPPLES = [
    ("Hodan trained as a community listener and now runs the Tuesday café",
     RippleLevel.INDIVIDUAL, None, ""),
    ("A mother who came to a café booked her scan before 10 weeks", RippleLevel.INDIVIDUAL,
     None, "Early-booking leaflets in Somali, Gujarati and Urdu"),
    ("Somali mothers meet every week at the mosque to share what they hear",
     RippleLevel.COMMUNITY, 0, ""),
    ("Women in Spinney Hills pass the early-booking leaflets on to friends",
     RippleLevel.COMMUNITY, 1, "Early-booking leaflets in Somali, Gujarati and Urdu"),
    ("The trust board hears a community item at every meeting", RippleLevel.SYSTEM, 2, ""),
    ("The interpreting budget for scans was raised", RippleLevel.SYSTEM, 2,
     "On-call interpreters for scans"),
]  # fmt: skip


def _seed_evaluation(demo: DemoOrganisation, cycle: Cycle) -> None:
    """An evaluation and a ripple-effect map for the demo cycle, once."""
    lead = demo.people[Role.ENGAGEMENT_LEAD]
    if not Evaluation.objects.filter(cycle=cycle).exists():
        evaluation_save(cycle=cycle, by=lead, fields=EVALUATION)
    if RippleEffect.objects.filter(cycle=cycle).exists():
        return
    actions = {a.title: a for a in Action.objects.filter(plan__cycle=cycle)}
    insight = (
        Insight.objects.filter(cycle=cycle, sensitivity=Sensitivity.NORMAL).order_by("pk").first()
    )
    made: list[RippleEffect] = []
    for n, (description, level, parent, action_title) in enumerate(RIPPLES):
        made.append(
            ripple_effect_save(
                effect=RippleEffect(
                    organisation=demo.organisation,
                    cycle=cycle,
                    description=description,
                    level=level,
                    parent=made[parent] if parent is not None else None,
                    action=actions.get(action_title),
                    insight=insight if n == 0 else None,
                ),
                by=lead,
            )
        )


def _seed_many_evaluations(demo: DemoOrganisation) -> None:
    """Every cycle of the large organisation gets an evaluation and a small map, once."""
    if Evaluation.objects.exists():
        return
    cycles = list(Cycle.objects.order_by("pk"))
    Evaluation.objects.bulk_create(
        Evaluation(organisation=demo.organisation, cycle=c, **EVALUATION) for c in cycles
    )
    for cycle in cycles:
        made: list[RippleEffect] = []
        for description, level, parent, _ in RIPPLES:
            made.append(
                RippleEffect.objects.create(
                    organisation=demo.organisation,
                    cycle=cycle,
                    description=description,
                    level=level,
                    parent=made[parent] if parent is not None else None,
                )
            )
