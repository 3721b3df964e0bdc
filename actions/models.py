"""Stage 3 and 4: shared priorities, the joint action plan, community sign-off and progress.

Priorities are drawn from a cycle's themes and insight and ranked by its community leads.
The action plan (one per cycle, versioned by sign-off round) holds the actions. The plan
is never final without community sign-off: each sign-off is bound to a SHA-256 hash of the
plan's content (ACTION_CONTENT below; the hash in `selectors/content.py`), so an edit after
approval supersedes it and needs a new round. Progress updates and escalations are not
plan content: they record delivery, and must not void a sign-off.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from t2a.models import TenantModel

SHORT_TEXT = 300
LONG_TEXT = 4000
DEFAULT_CADENCE_DAYS = 28


class Priority(TenantModel):
    """A shared priority of a cycle, drawn from its themes and insight.

    `agreed_on` marks the agreed set: the engagement lead records which priorities were
    agreed and when, after the community leads have ranked them.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    themes = models.ManyToManyField("feedback.Theme", blank=True, related_name="priorities")
    insights = models.ManyToManyField(
        "feedback.Insight", through="PriorityInsight", blank=True, related_name="priorities"
    )
    agreed_on = models.DateField("date agreed", null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "priorities"
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation", "cycle", "title", name="priority_title_unique_in_cycle"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PriorityInsight(TenantModel):
    """An insight a priority answers. Linking answers the insight for insight closure."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="insight_links")
    insight = models.ForeignKey(
        "feedback.Insight", on_delete=models.CASCADE, related_name="priority_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "priority", "insight"], name="priority_insight_unique"
            ),
        ]
        indexes = [models.Index(fields=["insight", "priority"])]

    def __str__(self) -> str:
        return f"{self.priority_id} ← {self.insight_id}"


class PriorityRanking(TenantModel):
    """One community lead's position for one priority (1 = most important to them)."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="rankings")
    position = models.PositiveSmallIntegerField()
    ranked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lead", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "lead", "priority"], name="priority_ranking_unique"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="priority_ranking_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.priority_id} at {self.position}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNOFF = "awaiting_signoff", "Awaiting community sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    IN_DELIVERY = "in_delivery", "In delivery"
    CLOSED = "closed", "Closed"


SIGNED_STATUSES = (PlanStatus.SIGNED_OFF, PlanStatus.IN_DELIVERY, PlanStatus.CLOSED)


class ActionPlan(TenantModel):
    """A cycle's joint action plan. `version` counts the sign-off rounds sent so far.

    `min_approvals` is None for the default, every community lead on the cycle; the
    engagement lead may set a smaller minimum (at least one), recorded with who and when.
    """

    cycle = models.OneToOneField("cycles.Cycle", on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(default=0)
    min_approvals = models.PositiveSmallIntegerField(null=True, blank=True)
    min_approvals_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    min_approvals_set_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "cycle"], name="action_plan_per_cycle"),
            models.CheckConstraint(
                condition=Q(min_approvals__isnull=True) | Q(min_approvals__gte=1),
                name="action_plan_min_approvals_at_least_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Action plan for {self.cycle_id} (version {self.version})"

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES


class RoundStatus(models.TextChoices):
    OPEN = "open", "Waiting for community leads"
    SIGNED_OFF = "signed_off", "Signed off"
    SUPERSEDED = "superseded", "Superseded by a later edit"


class ApprovalRule(models.TextChoices):
    ALL = "all", "Every community lead on the cycle"
    MINIMUM = "minimum", "A minimum number of community leads"


class SupersededBecause(models.TextChoices):
    CONTENT = "content", "The plan was changed"
    RULE = "rule", "Who must approve was changed"


class SignOffRound(TenantModel):
    """One version of the plan sent to the community leads, with the content they saw.

    `snapshot` is the canonical content whose SHA-256 is `content_hash`; the readable diff
    compares it with the plan as it is now. The last signed-off round's snapshot is what the
    public page shows of the plan, whatever edits are waiting for the next round.

    The approval rule is fixed when the round is sent (changing it starts a new round), so
    the record says which rule the leads answered under. When the round signs off it also
    keeps how many approvals that rule needed then, and which leads had not answered.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="rounds")
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    snapshot = models.JSONField()
    status = models.CharField(max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # Empty on rounds sent before the rule was recorded with each round.
    approval_rule = models.CharField(max_length=10, choices=ApprovalRule.choices, blank=True)
    min_approvals = models.PositiveSmallIntegerField(null=True, blank=True)
    rule_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule_set_at = models.DateTimeField(null=True, blank=True)
    approvals_required = models.PositiveSmallIntegerField(null=True, blank=True)
    not_answered = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    superseded_because = models.CharField(
        max_length=10, choices=SupersededBecause.choices, blank=True
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "plan", "version"], name="signoff_round_version_unique"
            ),
            # At most one round waiting for answers per plan.
            models.UniqueConstraint(
                fields=["organisation", "plan"],
                condition=Q(status=RoundStatus.OPEN),
                name="signoff_round_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.version} of plan {self.plan_id}"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"


class SignOff(TenantModel):
    """A community lead's answer in one round, bound to the hash of what they read."""

    round = models.ForeignKey(SignOffRound, on_delete=models.CASCADE, related_name="signoffs")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(max_length=LONG_TEXT, blank=True)
    content_hash = models.CharField(max_length=64)
    decided_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "round", "lead"], name="signoff_one_per_lead_per_round"
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.APPROVE) | ~Q(comment=""),
                name="signoff_changes_need_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.decision} on round {self.round_id}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    PAUSED = "paused", "Paused"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


FINISHED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)
# Statuses the public is told the reason for, next to the status.
EXPLAINED_STATUSES = (ActionStatus.PAUSED, ActionStatus.DROPPED)


def status_reason_missing(status: str) -> str:
    """What to ask for when a paused or dropped action has no reason for the public."""
    label = ActionStatus(status).label.lower()
    return (
        f"Say why the action is {label}, in words for the public: they see it next to the status."
    )


class MeasureKind(models.TextChoices):
    QUALITATIVE = "qualitative", "In words"
    NUMERIC = "numeric", "With a number"


# A measured value: up to ten digits before the point and four after it.
MEASURE_DIGITS, MEASURE_PLACES = 14, 4
MEASURE_UNIT_LENGTH = 40


class Action(TenantModel):
    """One action of the plan.

    Partner organisations are free text, one per line: many partners (a bus company, a
    faith group) are not on the stakeholder register, and plain names keep the content
    hash independent of later edits to the register.

    The SMART "time-bound" date is the action's `due_date`; there is no second due date.
    `cadence_days` is how often the community hears about progress: the reminder sweep
    compares it with the latest ProgressUpdate.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    # RESTRICT, not PROTECT: a priority with actions cannot be deleted on its own, but
    # deleting the whole organisation (which cascades to both) still works.
    priority = models.ForeignKey(Priority, on_delete=models.RESTRICT, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    partners = models.TextField("partner organisations", max_length=2000, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    community_measure = models.TextField(
        "the measure that matters to the community", max_length=2000, blank=True
    )
    specific_result = models.TextField(max_length=2000, blank=True)
    metric = models.CharField(max_length=SHORT_TEXT, blank=True)
    baseline = models.CharField(max_length=SHORT_TEXT, blank=True)
    target = models.CharField(max_length=SHORT_TEXT, blank=True)
    # A qualitative measure keeps its baseline and target as the words above; a numeric one
    # keeps them as numbers in `measure_unit`, so progress is a percentage and a line.
    measure_kind = models.CharField(
        "how it is measured",
        max_length=12,
        choices=MeasureKind.choices,
        default=MeasureKind.QUALITATIVE,
    )
    measure_unit = models.CharField("unit", max_length=MEASURE_UNIT_LENGTH, blank=True)
    baseline_value = models.DecimalField(
        max_digits=MEASURE_DIGITS, decimal_places=MEASURE_PLACES, null=True, blank=True
    )
    target_value = models.DecimalField(
        max_digits=MEASURE_DIGITS, decimal_places=MEASURE_PLACES, null=True, blank=True
    )
    in_scope = models.BooleanField(default=True)
    out_of_scope_reason = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    # Why it is paused or dropped, written for the public: shown next to the status.
    status_reason = models.TextField(max_length=2000, blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        "feedback cadence in days", default=DEFAULT_CADENCE_DAYS
    )
    # "We did": the report-backs that tell the community about this action.
    report_backs = models.ManyToManyField("feedback.ReportBack", blank=True, related_name="actions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["plan", "priority"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="action_due_on_or_after_start",
            ),
            models.CheckConstraint(
                condition=Q(target="") | ~Q(metric=""), name="action_target_needs_metric"
            ),
            models.CheckConstraint(
                condition=Q(in_scope=True) | ~Q(out_of_scope_reason=""),
                name="action_out_of_scope_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(
                    measure_kind=MeasureKind.QUALITATIVE,
                    measure_unit="",
                    baseline_value__isnull=True,
                    target_value__isnull=True,
                )
                | (
                    Q(
                        measure_kind=MeasureKind.NUMERIC,
                        baseline="",
                        target="",
                        baseline_value__isnull=False,
                        target_value__isnull=False,
                    )
                    & ~Q(measure_unit="")
                    & ~Q(metric="")
                ),
                name="action_measure_in_words_or_numbers",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=EXPLAINED_STATUSES) | ~Q(status_reason=""),
                name="action_paused_or_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1, cadence_days__lte=365),
                name="action_cadence_1_to_365",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_numeric(self) -> bool:
        return self.measure_kind == MeasureKind.NUMERIC

    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


# An action's content: what the community leads approve, declared once. It drives the
# action form (forms/plan.py, ActionForm), the services that save an action, the sign-off
# hash and the readable diff between plan versions (selectors/content.py) and the copy
# carried into the next iteration. Each field maps to how a change to it is described.
ACTION_CONTENT: dict[str, str] = {
    "priority": "priority",
    "title": "title",
    "description": "description",
    "owner": "owner",
    "partners": "partner organisations",
    "start_date": "start date",
    "due_date": "due date",
    "community_measure": "measure that matters to the community",
    "specific_result": "specific result",
    "metric": "metric",
    "measure_kind": "way it is measured",
    "measure_unit": "unit",
    "baseline": "baseline",
    "target": "target",
    "baseline_value": "baseline",
    "target_value": "target",
    "in_scope": "scope",
    "out_of_scope_reason": "reason it is out of scope",
    "cadence_days": "feedback cadence",
}

# An action's fields that are not content, and why: they record delivery or bookkeeping,
# and if they were content every progress update would void the sign-off. A field in
# neither list fails actions/tests/selectors/test_content.py.
ACTION_NOT_CONTENT: dict[str, str] = {
    "id": "bookkeeping",
    "organisation": "bookkeeping",
    "plan": "the plan the content belongs to",
    "status": "delivery state, reported in progress updates",
    "status_reason": "delivery state",
    "report_backs": "what was told to the community about it",
    "created_at": "bookkeeping",
    "updated_at": "bookkeeping",
}

# What an open action keeps when it is carried into the next iteration: its content (the
# priority is recreated in the new cycle) and its delivery state; not its progress updates,
# escalations or sign-offs, which belong to the iteration they happened in.
# A paused action keeps the reason the public was given with its status.
ACTION_CARRIED = tuple(name for name in ACTION_CONTENT if name != "priority") + (
    "status",
    "status_reason",
)


class ProgressUpdate(TenantModel):
    """A progress update on an action. `public` ones may appear on the public page."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    narrative = models.TextField("what has happened", max_length=LONG_TEXT)
    barriers = models.TextField("barriers", max_length=LONG_TEXT, blank=True)
    evidence_url = models.URLField("link to evidence", max_length=500, blank=True)
    public = models.BooleanField("share with the public", default=False)
    # The action's numeric measure as it stood on `measured_on` (numeric measures only).
    measured_value = models.DecimalField(
        max_digits=MEASURE_DIGITS, decimal_places=MEASURE_PLACES, null=True, blank=True
    )
    measured_on = models.DateField("date measured", null=True, blank=True)
    report_backs = models.ManyToManyField(
        "feedback.ReportBack", blank=True, related_name="progress_updates"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["action", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(measured_value__isnull=True, measured_on__isnull=True)
                | Q(measured_value__isnull=False, measured_on__isnull=False),
                name="progress_measured_value_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Update on {self.action_id} at {self.created_at:%Y-%m-%d}"


class Escalation(TenantModel):
    """A barrier raised with the governance board, and the board's decision.

    The reminder ladder raises one by itself when an action has gone without a progress
    update for the organisation's governance threshold. Those carry `update_due_on`, the
    date the missed update fell due, which names the overdue period: the unique constraint
    lets the sweep insert it with ON CONFLICT DO NOTHING, so however often it runs there is
    one escalation per action per missed update, and a later missed update raises a new one.
    Escalations raised by people leave it empty (NULLs never conflict).
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="escalations")
    reason = models.TextField(max_length=LONG_TEXT)
    # Empty for escalations the reminder ladder raised (and for a raiser since removed).
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField()
    decision = models.TextField(max_length=LONG_TEXT, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    update_due_on = models.DateField(
        "missed progress update due on", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "action", "update_due_on"],
                name="escalation_once_per_missed_update",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | ~Q(decision=""),
                name="escalation_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation of {self.action_id}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def raised_by_ladder(self) -> bool:
        return self.update_due_on is not None

    @property
    def raiser(self) -> str:
        if self.raised_by_ladder:
            return "T2A's reminder ladder"
        return str(self.raised_by) if self.raised_by_id else "a former member"


# --- stage 5: the annual evaluation and the ripple-effect map ----------------------------------

EVALUATION_TEXT = 4000


class Evaluation(TenantModel):
    """A cycle's annual evaluation, in the T2A model's template (one per cycle).

    The sections are plain text written by the engagement lead (with the community leads'
    help): what worked, what to adapt, evidence of success under the model's five headings,
    and learning and next steps. "What to adapt" becomes the next iteration's starting notes.
    Section names and hints live in SECTIONS below, so the form, the read view and the PDF
    show the same headings.
    """

    cycle = models.OneToOneField(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="evaluation"
    )
    what_worked = models.TextField(max_length=EVALUATION_TEXT, blank=True)
    what_to_adapt = models.TextField(max_length=EVALUATION_TEXT, blank=True)
    evidence_confidence = models.TextField(
        "community confidence and capability", max_length=EVALUATION_TEXT, blank=True
    )
    evidence_relationships = models.TextField(
        "relationships and trust", max_length=EVALUATION_TEXT, blank=True
    )
    evidence_system = models.TextField(
        "changes in system behaviour, culture or decision-making",
        max_length=EVALUATION_TEXT,
        blank=True,
    )
    evidence_services = models.TextField(
        "quality and relevance of services", max_length=EVALUATION_TEXT, blank=True
    )
    evidence_health = models.TextField("health outcomes", max_length=EVALUATION_TEXT, blank=True)
    learning_next_steps = models.TextField(
        "learning and next steps", max_length=EVALUATION_TEXT, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "cycle"], name="evaluation_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.cycle_id}"


@dataclass(frozen=True)
class Section:
    """One section of the evaluation template: its field, heading and the hint beside it."""

    field: str
    heading: str
    hint: str
    group: str = ""  # "evidence" for the five evidence-of-success headings


# Every section of the evaluation once, in the model's order: the form, the read page, the
# readiness measure and the PDF all take their fields and headings from here.
SECTIONS: tuple[Section, ...] = (
    Section(
        "what_worked",
        "What worked",
        "The approaches, places and people that helped communities take part and be heard.",
    ),
    Section(
        "what_to_adapt",
        "What to adapt",
        "What you would do differently next time. This becomes the starting notes of the "
        "next iteration of this cycle.",
    ),
    Section(
        "evidence_confidence",
        "Community confidence and capability",
        "For example, community leads taking on new roles, people speaking at meetings, "
        "skills gained through training.",
        "evidence",
    ),
    Section(
        "evidence_relationships",
        "Relationships and trust",
        "For example, promises kept, more people coming back, partners working together, "
        "what the trust indicators show.",
        "evidence",
    ),
    Section(
        "evidence_system",
        "Changes in system behaviour, culture or decision-making",
        "For example, a policy, budget or decision that changed because of what communities "
        "said, or community members now sitting on a board.",
        "evidence",
    ),
    Section(
        "evidence_services",
        "Quality and relevance of services",
        "For example, a service moved, opened at new times, translated or redesigned with "
        "the community.",
        "evidence",
    ),
    Section(
        "evidence_health",
        "Health outcomes",
        "Health outcomes take time to show: early signs, such as more people attending "
        "screening, count here. Say what you will measure in later years.",
        "evidence",
    ),
    Section(
        "learning_next_steps",
        "Learning and next steps",
        "What you have learned and what happens next, and who will do it.",
    ),
)

SECTION_FIELDS: tuple[str, ...] = tuple(s.field for s in SECTIONS)
EVIDENCE_FIELDS: tuple[str, ...] = tuple(s.field for s in SECTIONS if s.group == "evidence")


class RippleLevel(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    COMMUNITY = "community", "Community"
    SYSTEM = "system", "System"


RIPPLE_TEXT = 500


class RippleEffect(TenantModel):
    """One effect on a cycle's ripple-effect map: a tree of effects spreading outwards.

    An effect may name the action or insight it came from (of the same cycle) and the
    effect it grew out of (`parent`, of the same cycle; never itself or one of its own
    descendants). Those rules live in `services/ripple.py`, which every write goes through.
    `parent` is RESTRICT: deleting an effect with children goes through
    `ripple_effect_delete`, which first moves the children up to the deleted effect's parent.
    """

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="ripple_effects"
    )
    description = models.CharField(max_length=RIPPLE_TEXT)
    level = models.CharField(max_length=12, choices=RippleLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="grew out of",
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ripple_effects",
        verbose_name="linked action",
    )
    insight = models.ForeignKey(
        "feedback.Insight",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ripple_effects",
        verbose_name="linked insight",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["cycle", "parent"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle", "description"],
                name="ripple_effect_unique_in_cycle",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="ripple_effect_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class ActionHandover(TenantModel):
    """An open action of a cycle carried into its next iteration as a copy.

    The closing cycle's checklist reads these rows to show which open actions were handed
    over. The rows go with the next iteration if it is ever deleted, which correctly puts
    those actions back among the ones left open.
    """

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="action_handovers"
    )
    next_cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    carried_to = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handed_over_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "action"], name="action_handed_over_once"
            ),
            models.CheckConstraint(
                condition=~Q(cycle=F("next_cycle")), name="action_handover_to_another_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.action_id} handed over to {self.next_cycle_id}"
