"""A T2A cycle and its stage 1 documents.

A cycle is one run of the five-stage model for one health inequality in one place. The
stage 1 documents (case for change, theory of change, inclusion prompts, ethics log) hang
off it; later stages live in their own apps and point here.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format

from t2a.models import Job, TenantModel


class Stage(models.IntegerChoices):
    """The five stages of the Trust 2 Action model, in its own words."""

    FOUNDATIONS = 1, "Build trust and foundations"
    PREPARE = 2, "Prepare and empower community leads"
    LISTEN = 3, "Listen"
    CO_PRODUCE = 4, "Co-production and action"
    ACCOUNTABILITY = 5, "System accountability"


class CycleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


class Cycle(TenantModel):
    """One run of the T2A model for one inequality in one place.

    `population_groups` is a plain list of strings (the groups in focus, in the words the
    engagement lead uses): they are labels shown and compared, not rows with their own
    life, so a JSON list keeps them with the cycle without another table.
    """

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    inequality = models.CharField(
        "health inequality addressed", max_length=300, help_text="One line."
    )
    place = models.CharField("place or area", max_length=200)
    population_groups = models.JSONField("population groups in focus", default=list, blank=True)
    status = models.CharField(max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    current_stage = models.PositiveSmallIntegerField(
        choices=Stage.choices, default=Stage.FOUNDATIONS
    )
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="engagement lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    community_leads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    governance_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    # Repeating the cycle: the next iteration points back at the one it repeats.
    # SET_NULL, not PROTECT: deleting an organisation cascades through all its cycles, and
    # PROTECT would refuse that (and any erasure); losing a link is better than being
    # unable to delete. A cycle has at most one next iteration (the constraint below).
    previous_iteration = models.ForeignKey(
        "self",
        verbose_name="previous iteration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_iterations",
    )
    # 1 for a first cycle, one more than its previous iteration's for a repeat: with the
    # dates, what tells two cycles of the same work apart wherever cycles are listed.
    iteration = models.PositiveSmallIntegerField(default=1, editable=False)
    starting_notes = models.TextField(
        "starting notes",
        blank=True,
        help_text="What to adapt from the previous iteration, carried over from its "
        "annual evaluation.",
    )
    # Moves on with every change to this cycle's data, by any app (one helper,
    # cycles.services.versions.cycle_changed); readiness, panels and the public page are
    # cached under it, so a change shows on the very next request.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="cycle_slug_unique"),
            models.UniqueConstraint(
                fields=["organisation", "previous_iteration"], name="cycle_one_next_iteration"
            ),
            models.CheckConstraint(
                condition=~Q(previous_iteration=F("pk")), name="cycle_not_its_own_iteration"
            ),
            models.CheckConstraint(
                condition=Q(current_stage__gte=1, current_stage__lte=5),
                name="cycle_stage_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gte=F("start_date")),
                name="cycle_target_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "current_stage"])]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_label(self) -> str:
        return Stage(self.current_stage).label

    @property
    def distinguishing(self) -> str:
        """What tells this cycle from another of the same title: its iteration, its dates
        (or when it was created) and whether it is closed."""
        parts = [f"Iteration {self.iteration}"]
        if self.start_date and self.target_date:
            parts.append(f"{_day(self.start_date)} to {_day(self.target_date)}")
        elif self.start_date:
            parts.append(f"from {_day(self.start_date)}")
        elif self.created_at:
            parts.append(f"created {_day(self.created_at)}")
        if self.status == CycleStatus.CLOSED:
            parts.append("closed")
        return ", ".join(parts)

    @property
    def choice_label(self) -> str:
        """The cycle as a drop-down list offers it: its title and what tells it apart."""
        return f"{self.title} ({self.distinguishing})"


def _day(value) -> str:
    """A date as people read it ("5 January 2026"), in the site's time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


# Text limits: generous for writing, small enough that a pasted 10 MB blob is refused
# with a clear message instead of being stored.
SHORT_TEXT = 300
LONG_TEXT = 5000


class CaseForChangeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed by the steering group"


class CaseForChange(TenantModel):
    """Why this cycle exists: the inequality, who it hurts most, and the evidence."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="case_for_change")
    inequality_addressed = models.TextField(
        "the inequality being addressed", max_length=LONG_TEXT, blank=True
    )
    most_affected = models.TextField(
        "who is most affected and why", max_length=LONG_TEXT, blank=True
    )
    local_insight = models.TextField("local insight summary", max_length=LONG_TEXT, blank=True)
    status = models.CharField(
        max_length=10, choices=CaseForChangeStatus.choices, default=CaseForChangeStatus.DRAFT
    )
    agreed_on = models.DateField("date agreed by the steering group", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle"], name="case_for_change_one_per_cycle"
            ),
            # An agreed case always says when it was agreed.
            models.CheckConstraint(
                condition=Q(status=CaseForChangeStatus.DRAFT) | Q(agreed_on__isnull=False),
                name="case_for_change_agreed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Case for change: {self.cycle}"


class DataSourceKind(models.TextChoices):
    JSNA = "jsna", "Joint strategic needs assessment (JSNA)"
    POPULATION_HEALTH = "population_health", "Population-health data"
    NATIONAL = "national", "National statistics"
    LOCAL = "local", "Local survey or audit"
    OTHER = "other", "Other"


class DataSource(TenantModel):
    case_for_change = models.ForeignKey(
        CaseForChange, on_delete=models.CASCADE, related_name="data_sources"
    )
    kind = models.CharField("type of source", max_length=20, choices=DataSourceKind.choices)
    title = models.CharField(max_length=SHORT_TEXT)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField("date published", null=True, blank=True)
    url = models.URLField("link", max_length=500, blank=True)
    key_figure = models.CharField(max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class InequalityRow(TenantModel):
    """One line of the inequality map: how a group fares on an indicator against a comparator."""

    case_for_change = models.ForeignKey(
        CaseForChange, on_delete=models.CASCADE, related_name="inequality_rows"
    )
    dimension = models.CharField(
        max_length=100, help_text="For example ethnicity, deprivation decile or age."
    )
    group = models.CharField(max_length=150)
    indicator = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    comparator_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    comparator_label = models.CharField(
        "comparator",
        max_length=150,
        blank=True,
        help_text="For example England average or least deprived decile.",
    )
    source = models.CharField(max_length=SHORT_TEXT, blank=True)
    source_url = models.URLField(
        "link to the source",
        max_length=500,
        blank=True,
        help_text="The web address of the source, so readers of the report can open it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="inequality_value_not_negative"),
            models.CheckConstraint(
                condition=Q(comparator_value__isnull=True) | Q(comparator_value__gte=0),
                name="inequality_comparator_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.indicator}"


class CaseForChangeRevision(TenantModel):
    """A snapshot of the whole case for change, written on every save: its change history."""

    case_for_change = models.ForeignKey(
        CaseForChange, on_delete=models.CASCADE, related_name="revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=200)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.summary


class TheoryOfChangeKind(models.TextChoices):
    INPUT = "input", "Inputs"
    ACTIVITY = "activity", "Activities"
    OUTCOME_SHORT = "outcome_short", "Short-term outcomes"
    OUTCOME_MEDIUM = "outcome_medium", "Medium-term outcomes"
    OUTCOME_LONG = "outcome_long", "Long-term outcomes"
    IMPACT = "impact", "Impact"
    ASSUMPTION = "assumption", "Assumptions"


class TheoryOfChangeItem(TenantModel):
    """One ordered line of the theory of change.

    `agreed_on` records when communities agreed this line; editing the text clears it,
    because what was agreed is no longer what is written.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="theory_of_change_items"
    )
    kind = models.CharField(max_length=20, choices=TheoryOfChangeKind.choices)
    text = models.CharField(max_length=1000)
    position = models.PositiveIntegerField(default=0)
    agreed_on = models.DateField("agreed with communities on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "position", "pk"]
        indexes = [models.Index(fields=["cycle", "kind", "position"])]

    def __str__(self) -> str:
        return self.text


INCLUSION_PROMPTS = (
    ("missing_groups", "Who may be missing or less visible?"),
    ("less_trust_voice", "Who holds less trust, voice or social capital?"),
    ("power_holders", "Who holds the power, and how can it be moved?"),
    ("differing_experiences", "Which groups' experiences differ significantly?"),
)


class InclusionPrompts(TenantModel):
    """The model's four inclusion prompts, answered for one cycle and revisited at each stage."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="inclusion_prompts")
    missing_groups = models.TextField(INCLUSION_PROMPTS[0][1], max_length=LONG_TEXT, blank=True)
    less_trust_voice = models.TextField(INCLUSION_PROMPTS[1][1], max_length=LONG_TEXT, blank=True)
    power_holders = models.TextField(INCLUSION_PROMPTS[2][1], max_length=LONG_TEXT, blank=True)
    differing_experiences = models.TextField(
        INCLUSION_PROMPTS[3][1], max_length=LONG_TEXT, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "inclusion prompts"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle"], name="inclusion_prompts_one_per_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"Inclusion prompts: {self.cycle}"

    def answers(self) -> list[tuple[str, str]]:
        return [(question, getattr(self, field)) for field, question in INCLUSION_PROMPTS]


class EthicsCategory(models.TextChoices):
    CONSENT = "consent", "Consent"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    DATA_PROTECTION = "data_protection", "Data protection"
    POWER_IMBALANCE = "power_imbalance", "Power imbalance"
    PAYMENT = "payment", "Payment and expenses"
    ACCESSIBILITY = "accessibility", "Accessibility"
    TRAUMA = "trauma", "Trauma"
    CONFIDENTIALITY = "confidentiality", "Confidentiality"
    OTHER = "other", "Other"


class EthicsStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATED = "mitigated", "Mitigated"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


class EthicsLogEntry(TenantModel):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="ethics_entries")
    consideration = models.TextField(max_length=LONG_TEXT)
    category = models.CharField(max_length=20, choices=EthicsCategory.choices)
    affected_groups = models.CharField(max_length=SHORT_TEXT, blank=True)
    likelihood = models.PositiveSmallIntegerField(help_text="1 (rare) to 5 (almost certain).")
    impact = models.PositiveSmallIntegerField(help_text="1 (minor) to 5 (severe).")
    # Stored so the log sorts by risk in the database.
    risk_score = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    mitigation = models.TextField(max_length=LONG_TEXT, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=EthicsStatus.choices, default=EthicsStatus.OPEN
    )
    review_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "ethics log entries"
        ordering = ["-risk_score", "review_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5), name="ethics_likelihood_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5), name="ethics_impact_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return self.consideration[:60]

    def is_review_overdue(self, today) -> bool:
        return (
            self.review_date is not None
            and self.status != EthicsStatus.CLOSED
            and self.review_date < today
        )


class StageTransition(TenantModel):
    """A recorded move between stages, with the reason when items were unmet."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="stage_transitions")
    from_stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    to_stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(max_length=LONG_TEXT, blank=True)
    # [{"key": ..., "label": ...}] as they stood at the moment of the move.
    unmet_items = models.JSONField(default=list, blank=True)
    inclusion_prompts_changed = models.BooleanField(null=True, blank=True)
    inclusion_prompts_note = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["-moved_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_stage__gte=1, from_stage__lte=5, to_stage__gte=1, to_stage__lte=5),
                name="transition_stages_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(from_stage=F("to_stage")), name="transition_changes_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: stage {self.from_stage} to {self.to_stage}"

    @property
    def is_advance(self) -> bool:
        return self.to_stage > self.from_stage


# --- PDF reports for governance ---------------------------------------------------------


class ReportKind(models.TextChoices):
    CASE_FOR_CHANGE = "case_for_change", "Case for change"
    ANNUAL_EVALUATION = "annual_evaluation", "Annual evaluation"


class Report(Job):
    """A PDF made from a cycle's data by a Celery task on the "pdf" queue (t2a/jobs.py runs
    it: queued -> running -> done / failed with the error).

    `data_hash` is the SHA-256 of the canonical JSON the report is made from: asking again
    for a report whose data has not changed returns the finished one instead of rendering
    it twice. The file sits in private storage, served only by the permission-checked view.
    """

    task_name = "cycles.tasks.report_render"
    build_function = "cycles.services.reports.report_build"
    again_function = "cycles.services.reports.report_again"
    file_folder = "reports"
    requeue_after = timedelta(seconds=settings.REPORT_REQUEUE_SECONDS)
    give_up_after = timedelta(seconds=settings.REPORT_GIVE_UP_SECONDS)
    too_long_message = (
        "The report took too long to make. Try again, or ask for help if it keeps failing."
    )
    gave_up_message = (
        "The report could not be made in time: the service was busy or interrupted. Try again."
    )

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    data_hash = models.CharField(max_length=64)

    class Meta(Job.Meta):
        indexes = [models.Index(fields=["cycle", "kind", "data_hash"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.cycle} ({self.status})"


# --- Responsible closure and the next iteration -----------------------------------------


class ClosureItemKey(models.TextChoices):
    """The model's responsible-closure steps, in its order."""

    COMMUNICATED = "communicated", "Closure communicated clearly and early"
    LEARNING_SHARED = "learning_shared", "Learning and outcomes shared"
    THANKED = "thanked", "Contributors thanked and recognised"
    TRANSITION = "transition", "Transition into longer-term opportunities offered"
    ACTIONS_HANDED_OVER = "actions_handed_over", "Open actions handed over or closed with a reason"


class ClosureState(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    DONE = "done", "Done"
    EXPLAINED = "explained", "Not done, with a reason"


class ClosureItem(TenantModel):
    """One step of a cycle's closure checklist, as the engagement lead recorded it.

    The rows are written when the cycle moves to closing (missing rows read as "not
    yet"). Two steps can also be met by the data: a published report-back shares the
    learning, and no open action left behind means the actions are handed over or closed
    (`cycles.selectors.closure` works out what each step shows). `note` says what was done, or,
    for "explained", why it was not: an explanation is never blank.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="closure_items")
    key = models.CharField(max_length=30, choices=ClosureItemKey.choices)
    state = models.CharField(
        max_length=10, choices=ClosureState.choices, default=ClosureState.NOT_YET
    )
    note = models.TextField(max_length=LONG_TEXT, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle", "key"], name="closure_item_once_per_cycle"
            ),
            models.CheckConstraint(
                condition=~Q(state=ClosureState.EXPLAINED) | ~Q(note=""),
                name="closure_item_explained_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_key_display()} ({self.get_state_display()})"
