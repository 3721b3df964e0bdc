"""A T2A cycle and its stage 1 documents.

A cycle is one run of the five-stage model for one health inequality in one place. The
stage 1 documents (case for change, theory of change, inclusion prompts, ethics log) hang
off it; later stages live in their own apps and point here.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from t2a.models import TenantModel


class Stage(models.IntegerChoices):
    FOUNDATIONS = 1, "Build trust and foundations"
    LISTEN = 2, "Prepare and listen"
    PRIORITISE = 3, "Agree priorities and plan action"
    ACT = 4, "Act and report back"
    SUSTAIN = 5, "Evaluate and sustain"


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="cycle_slug_unique"),
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
