"""Writes for community-lead preparation (stage 2): role agreements, training, check-ins.

Reads live in selectors/preparation.py and who may do what in policies.py.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cycles.services.versions import cycle_changed, organisation_cycles_changed
from t2a.models import Organisation, User
from t2a.services.versions import organisation_changed

from ..models import (
    DEFAULT_TRAINING_TOPICS,
    CheckIn,
    RoleAgreement,
    TrainingAttendance,
    TrainingRecord,
    TrainingTopic,
)

# The fields both sides agree to. Changing any of them means agreeing again.
AGREEMENT_TERMS = (
    "role",
    "hours_per_month",
    "channels",
    "communication_notes",
    "boundaries",
    "payment_arrangement",
    "payment_details",
)


class Side:
    ORGANISATION = "organisation"
    COMMUNITY_LEAD = "community_lead"


# --- training topics ----------------------------------------------------------------------


def training_topics_for(organisation: Organisation) -> list[TrainingTopic]:
    """The organisation's training topics, creating the five defaults on first use."""
    topics = list(TrainingTopic.objects.filter(organisation=organisation).order_by("name", "pk"))
    if not topics:
        # Two first visits at once: the unique constraint keeps one of each.
        TrainingTopic.objects.bulk_create(
            [
                TrainingTopic(organisation=organisation, name=name)
                for name in DEFAULT_TRAINING_TOPICS
            ],
            ignore_conflicts=True,
        )
        organisation_changed(organisation.pk)  # the training matrix lists the topics
        topics = list(
            TrainingTopic.objects.filter(organisation=organisation).order_by("name", "pk")
        )
    return topics


def training_topic_add(*, organisation: Organisation, name: str) -> TrainingTopic:
    training_topics_for(organisation)  # the defaults come first
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the name of the topic."})
    if TrainingTopic.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": "There is already a topic with this name."})
    topic = TrainingTopic(organisation=organisation, name=name)
    topic.full_clean()
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError as exc:
        raise ValidationError({"name": "There is already a topic with this name."}) from exc
    organisation_changed(organisation.pk)
    return topic


# --- role agreements ----------------------------------------------------------------------


def _require_lead_of(cycle, community_lead: User) -> None:
    if not cycle.community_leads.filter(pk=community_lead.pk).exists():
        raise ValidationError(f"{community_lead} is not a community lead of this cycle.")


def _terms(agreement: RoleAgreement) -> tuple:
    return tuple(getattr(agreement, name) for name in AGREEMENT_TERMS)


@transaction.atomic
def role_agreement_save(*, agreement: RoleAgreement) -> tuple[RoleAgreement, bool]:
    """Create or change a role agreement; return it and whether confirmations were cleared.

    Changing any term after either side confirmed clears both confirmations and the date
    agreed: the terms changed, so both sides must agree to them again. The row is locked
    so a confirmation cannot land on terms that are being changed at the same moment.
    """
    _require_lead_of(agreement.cycle, agreement.community_lead)
    agreement.role = agreement.role.strip()
    cleared = False
    if agreement.pk is not None:
        before = RoleAgreement.objects.select_for_update().get(pk=agreement.pk)
        if _terms(before) != _terms(agreement):
            cleared = before.lead_confirmed_at is not None or (
                before.community_lead_confirmed_at is not None
            )
            agreement.terms_version = before.terms_version + 1
            agreement.lead_confirmed_at = agreement.lead_confirmed_by = None
            agreement.community_lead_confirmed_at = agreement.agreed_on = None
        else:
            # Nothing the two sides agreed to changed: keep the confirmations as stored.
            for name in (
                "terms_version",
                "lead_confirmed_at",
                "lead_confirmed_by",
                "community_lead_confirmed_at",
                "agreed_on",
            ):
                setattr(agreement, name, getattr(before, name))
    agreement.full_clean()
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as exc:
        raise ValidationError(
            "This community lead already has a role agreement for this cycle."
        ) from exc
    cycle_changed(agreement.cycle_id)
    return agreement, cleared


@transaction.atomic
def role_agreement_confirm(
    *, agreement: RoleAgreement, actor: User, side: str, version: int, is_staff: bool
) -> RoleAgreement:
    """Confirm one side of the agreement, as `actor`, for the terms version they read.

    Only the community lead themself confirms their side; only staff confirm for the
    organisation. When the second side confirms, the date agreed is set to today.
    """
    current = RoleAgreement.objects.select_for_update().get(pk=agreement.pk)
    if side == Side.COMMUNITY_LEAD:
        if actor.pk != current.community_lead_id:
            raise ValidationError(
                f"Only {current.community_lead} can confirm their side of this agreement."
            )
    elif side == Side.ORGANISATION:
        if not is_staff:
            raise ValidationError(
                "Only an engagement lead or an admin can confirm for the organisation."
            )
    else:
        raise ValidationError("Choose which side you are confirming for.")
    if version != current.terms_version:
        raise ValidationError(
            "The agreement changed after you opened it. Read the terms again, then confirm."
        )
    now = timezone.now()
    if side == Side.COMMUNITY_LEAD:
        if current.community_lead_confirmed_at is not None:
            raise ValidationError("You have already confirmed this agreement.")
        current.community_lead_confirmed_at = now
    else:
        if current.lead_confirmed_at is not None:
            raise ValidationError("The organisation has already confirmed this agreement.")
        current.lead_confirmed_at, current.lead_confirmed_by = now, actor
    if current.is_confirmed:
        current.agreed_on = timezone.localdate(now)
    current.save(
        update_fields=[
            "community_lead_confirmed_at",
            "lead_confirmed_at",
            "lead_confirmed_by",
            "agreed_on",
            "updated_at",
        ]
    )
    cycle_changed(current.cycle_id)
    return current


# --- training -----------------------------------------------------------------------------


@transaction.atomic
def training_record_save(
    *, training: TrainingRecord, attendees: Iterable[User], actor: User
) -> TrainingRecord:
    """Record (or correct) a training session and who attended it from the cycle's leads."""
    attendees = list(attendees)
    if not attendees:
        raise ValidationError({"attendees": "Choose the community leads who attended."})
    leads = set(training.cycle.community_leads.values_list("pk", flat=True))
    if any(a.pk not in leads for a in attendees):
        raise ValidationError({"attendees": "Choose attendees from this cycle's community leads."})
    if training.held_on and training.held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date must be today or in the past."})
    if training.topic_id and training.topic.organisation_id != training.organisation_id:
        raise ValidationError({"topic": "Choose one of your organisation's topics."})
    if training.pk is None:
        training.recorded_by = actor
    training.summary = training.summary.strip()
    training.other_attendees = training.other_attendees.strip()
    training.full_clean()
    training.save()
    TrainingAttendance.objects.filter(training=training).exclude(
        community_lead__in=attendees
    ).delete()
    present = set(
        TrainingAttendance.objects.filter(training=training).values_list(
            "community_lead_id", flat=True
        )
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(
            organisation_id=training.organisation_id, training=training, community_lead=a
        )
        for a in attendees
        if a.pk not in present
    )
    # Training belongs to the person: it prepares them for every cycle they lead.
    organisation_cycles_changed(training.organisation_id)
    return training


# --- check-ins ----------------------------------------------------------------------------


def checkin_save(
    *,
    checkin: CheckIn,
    held_on: date,
    kind: str,
    notes: str,
    next_due_on: date | None,
) -> CheckIn:
    """Record (or correct) a check-in. The next one must be due after this one."""
    _require_lead_of(checkin.cycle, checkin.community_lead)
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "The date must be today or in the past."
    if next_due_on is not None and next_due_on <= held_on:
        errors["next_due_on"] = (
            f"The next check-in must be due after this one ({held_on:%-d %B %Y})."
        )
    if errors:
        raise ValidationError(errors)
    checkin.held_on, checkin.kind, checkin.next_due_on = held_on, kind, next_due_on
    checkin.notes = notes.strip()
    checkin.full_clean()
    checkin.save()
    cycle_changed(checkin.cycle_id)
    return checkin
