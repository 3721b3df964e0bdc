"""Writes for insight: capture and edit (with its themes), closure (answered, out of scope),
and the credit by name a stakeholder may ask to see or erase.

Every function validates before it writes and writes inside one transaction, so a refused
change leaves nothing behind. Errors are ValidationErrors keyed by the form field.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import SHORT_TEXT, Insight, RecordConsent
from .themes import insight_themes_set, theme_names_errors, theme_names_resolve

NAME_NEEDS_CONSENT = (
    "To credit someone by name, tick that they agreed to be credited. Otherwise leave "
    "the name empty and the insight will show as from \u201ca community member\u201d."
)

RECORD_NEEDS_CONSENT = (
    "Tick that they agreed to this being recorded. If they did not agree, do not record it."
)


def activity_covers_recording(insight: Insight) -> bool:
    """The insight's activity notes how everyone there agreed to being recorded."""
    activity = insight.activity
    return activity is not None and bool(activity.record_consent_note.strip())


def insight_errors(
    insight: Insight, *, credit_consent: bool, theme_names: list[str], record_consent: bool = True
) -> dict:
    errors: dict[str, list[str]] = {}
    if insight.contributor_name.strip() and not credit_consent:
        errors["credit_consent"] = [NAME_NEEDS_CONSENT]
    # New insight needs consent to record; insight captured before it was asked may be
    # edited without it (it is then never quoted publicly).
    if insight.pk is None and not record_consent and not activity_covers_recording(insight):
        errors["record_consent"] = [RECORD_NEEDS_CONSENT]
    activity = insight.activity
    if activity is not None and activity.cycle_id != insight.cycle_id:
        errors["activity"] = ["Choose an activity of this cycle."]
    groups = insight.cycle.population_groups or []
    if insight.population_group and insight.population_group not in groups:
        errors["population_group"] = ["Choose one of this cycle's population groups."]
    theme_errors = theme_names_errors(theme_names)
    if theme_errors:
        errors["themes"] = theme_errors
    return errors


def _stamp_record_consent(insight: Insight, *, record_consent: bool, actor: User) -> None:
    if record_consent:
        basis = RecordConsent.IN_PERSON
    elif activity_covers_recording(insight):
        basis = RecordConsent.ACTIVITY
    else:
        basis = RecordConsent.NOT_RECORDED
    if basis == insight.record_consent:
        return
    insight.record_consent = basis
    insight.record_consent_at = timezone.now() if basis else None
    insight.record_consent_recorded_by = actor if basis else None


@transaction.atomic
def insight_save(
    *,
    insight: Insight,
    theme_names: list[str],
    credit_consent: bool,
    actor: User,
    record_consent: bool = False,
) -> Insight:
    """Capture new insight or save changes, with its themes; refuse a name without consent
    to be credited, and new insight without consent to record.

    Consent to record is either ticked ("they agreed to this being recorded") or covered
    by the activity's note of how consent was gathered; either is stamped with when and by
    whom it was recorded. Consent to be credited is stamped the same way; removing the
    name removes the consent record with it.
    """
    insight.contributor_name = insight.contributor_name.strip()
    errors = insight_errors(
        insight,
        credit_consent=credit_consent,
        theme_names=theme_names,
        record_consent=record_consent,
    )
    _stamp_record_consent(insight, record_consent=record_consent, actor=actor)
    if insight.contributor_name:
        before = (
            Insight.objects.filter(pk=insight.pk).values_list("contributor_name", flat=True).first()
            if insight.pk
            else None
        )
        # Consent belongs to the person named: naming someone else needs it afresh.
        if insight.credit_consent_at is None or before != insight.contributor_name:
            insight.credit_consent_at = timezone.now()
            insight.credit_consent_recorded_by = actor
    else:
        insight.credit_consent_at = None
        insight.credit_consent_recorded_by = None
    if insight.pk is None:
        insight.captured_by = actor
    try:
        insight.full_clean(
            exclude=[
                "captured_by",
                "credit_consent_recorded_by",
                "record_consent_recorded_by",
                "out_of_scope_by",
            ]
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    insight.save()
    insight_themes_set(
        insight=insight,
        themes=theme_names_resolve(cycle=insight.cycle, names=theme_names, actor=actor),
    )
    cycle_changed(insight.cycle_id)
    return insight


@transaction.atomic
def insight_mark_out_of_scope(*, insight: Insight, reason: str, actor: User) -> Insight:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this insight is out of scope."})
    if insight.answered_at is not None or getattr(insight, "taken_up", False):
        raise ValidationError({"reason": "This insight has already been answered."})
    insight.out_of_scope_at = timezone.now()
    insight.out_of_scope_reason = reason
    insight.out_of_scope_by = actor
    insight.full_clean(
        exclude=[
            "captured_by",
            "credit_consent_recorded_by",
            "record_consent_recorded_by",
            "out_of_scope_by",
        ]
    )
    insight.save(update_fields=["out_of_scope_at", "out_of_scope_reason", "out_of_scope_by"])
    cycle_changed(insight.cycle_id)
    return insight


@transaction.atomic
def insight_reopen(*, insight: Insight) -> Insight:
    """Take an insight back out of "out of scope": it counts as unanswered again."""
    insight.out_of_scope_at = None
    insight.out_of_scope_reason = ""
    insight.out_of_scope_by = None
    insight.save(update_fields=["out_of_scope_at", "out_of_scope_reason", "out_of_scope_by"])
    cycle_changed(insight.cycle_id)
    return insight


def insights_mark_answered(*, insights: QuerySet[Insight], note: str = "", at=None) -> int:
    """Record that a priority, action or report-back answers these insights. Returns how many
    were newly answered.

    The first answer counts: an insight already answered keeps its `answered_at`, because
    the feedback-loop latency runs from capture to the first public report-back. Answering
    clears an earlier "out of scope": the insight was acted on after all. One UPDATE, so a
    report-back answering hundreds of insights costs the same as one.
    """
    at = at or timezone.now()
    waiting = insights.filter(answered_at__isnull=True)
    for cycle_id in waiting.order_by().values_list("cycle_id", flat=True).distinct():
        cycle_changed(cycle_id)
    return waiting.update(
        # Never before capture (the check constraint): an insight captured with a clock
        # slightly ahead still gets answered.
        answered_at=Greatest(Value(at, output_field=DateTimeField()), F("captured_at")),
        answered_note=note[:SHORT_TEXT],
        out_of_scope_at=None,
        out_of_scope_reason="",
        out_of_scope_by=None,
        updated_at=timezone.now(),
    )


@transaction.atomic
def insight_mark_answered(*, insight: Insight, note: str = "", at=None) -> Insight:
    """Record that a priority, action or report-back answers this insight (see above)."""
    insights_mark_answered(insights=Insight.objects.filter(pk=insight.pk), note=note, at=at)
    insight.refresh_from_db(
        fields=[
            "answered_at",
            "answered_note",
            "out_of_scope_at",
            "out_of_scope_reason",
            "out_of_scope_by",
        ]
    )
    return insight


class CreditedInsights:
    """Insight credited to a stakeholder by name (`Insight.contributor_name`, kept only
    with their consent), for their subject-access export and erasure: the answer at the
    plug-in point "stakeholders.credited_by_name" (stakeholders/selectors/privacy.py)."""

    label = "Insights credited to them by name"
    section = "insights_credited"
    fields = (
        "id", "cycle_id", "activity_id", "summary", "quote", "contributor_name",
        "credit_consent_at", "captured_at",
    )  # fmt: skip

    @staticmethod
    def rows(*, organisation_id: int, name: str) -> QuerySet[Insight]:
        return Insight.objects.filter(
            organisation_id=organisation_id, contributor_name__iexact=name.strip()
        ).order_by("pk")

    @classmethod
    def erase(cls, *, organisation_id: int, name: str) -> int:
        """Keep the insight, drop the credit (and the consent that allowed it)."""
        return cls.rows(organisation_id=organisation_id, name=name).update(
            contributor_name="", credit_consent_at=None, credit_consent_recorded_by=None
        )
