"""Writes for the stakeholder register, steering groups, conversations and shared assets."""

from collections.abc import Iterable
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from t2a import audit
from t2a.models import Organisation, User

from .models import (
    AssetUse,
    Commitment,
    Conversation,
    SharedAsset,
    Stakeholder,
    StakeholderCycle,
    SteeringDecision,
    SteeringGroupMember,
    SteeringMeeting,
)

CONSENT_NEEDED = (
    "Contact details can only be saved with a recorded consent. "
    "Enter the date consent was recorded and its basis, or remove the contact details."
)


ERASED_READ_ONLY = "This stakeholder's data has been erased, so their record cannot be changed."


def _consent_errors(stakeholder: Stakeholder) -> dict[str, str]:
    errors = {}
    if stakeholder.has_contact_details:
        if stakeholder.consent_date is None:
            errors["consent_date"] = CONSENT_NEEDED
        if not stakeholder.consent_basis:
            errors["consent_basis"] = (
                "Choose the basis for holding these contact details, or remove them."
            )
    if stakeholder.consent_date and stakeholder.consent_date > timezone.localdate():
        errors["consent_date"] = "The consent date must be today or in the past."
    return errors


def stakeholder_prepare(
    *, stakeholder: Stakeholder, actor: User, bulk: bool = False
) -> Stakeholder:
    """Validate a new or changed stakeholder and stamp who recorded its consent.

    The member who records (or changes) the consent is recorded with it; the first person
    to record contact details becomes the recorded contact unless someone else was named.
    Raises ValidationError keyed by field; saves nothing. `bulk` skips the per-row
    database round trips of foreign-key and constraint checks (an import sets those keys
    itself, and the database still enforces every constraint when the rows are inserted).
    """
    errors = _consent_errors(stakeholder)
    if errors:
        raise ValidationError(errors)
    if stakeholder.has_contact_details or stakeholder.consent_date:
        before = None
        if stakeholder.pk is not None:
            before = (
                Stakeholder.objects.filter(pk=stakeholder.pk)
                .values("consent_date", "consent_basis", "consent_recorded_by_id")
                .first()
            )
        if (
            before is None
            or before["consent_recorded_by_id"] is None
            or before["consent_date"] != stakeholder.consent_date
            or before["consent_basis"] != stakeholder.consent_basis
        ):
            stakeholder.consent_recorded_by = actor
        if stakeholder.has_contact_details and stakeholder.contact_owner_id is None:
            stakeholder.contact_owner = actor
    if bulk:
        stakeholder.full_clean(
            exclude=["organisation", "consent_recorded_by", "contact_owner"],
            validate_unique=False,
            validate_constraints=False,
        )
    else:
        stakeholder.full_clean()
    return stakeholder


@transaction.atomic
def stakeholder_save(*, stakeholder: Stakeholder, actor: User) -> Stakeholder:
    """Create or update a stakeholder, refusing contact details without a recorded consent."""
    if stakeholder.pk is not None:
        # Locked and read again: an edit form opened before an erasure must not write the
        # person's details back after it.
        erased_at = (
            Stakeholder.objects.select_for_update()
            .filter(pk=stakeholder.pk)
            .values_list("erased_at", flat=True)
            .first()
        )
        if erased_at is not None or stakeholder.is_erased:
            raise ValidationError(ERASED_READ_ONLY)
    stakeholder_prepare(stakeholder=stakeholder, actor=actor)
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholders_import(
    *, organisation: Organisation, stakeholders: list[Stakeholder], actor: User
) -> list[Stakeholder]:
    """Save every imported row, or none: any row that fails validation aborts the import."""
    for stakeholder in stakeholders:
        stakeholder.organisation = organisation
        stakeholder_prepare(stakeholder=stakeholder, actor=actor, bulk=True)
    saved = Stakeholder.objects.bulk_create(stakeholders, batch_size=500)
    audit.record_bulk_created(saved)
    return saved


def stakeholder_link_cycle(*, stakeholder: Stakeholder, cycle, role: str) -> StakeholderCycle:
    """Put a stakeholder on a cycle's map with their role in it (or update the role)."""
    link, _ = StakeholderCycle.objects.update_or_create(
        organisation_id=stakeholder.organisation_id,
        stakeholder=stakeholder,
        cycle=cycle,
        defaults={"role": role.strip()},
    )
    return link


def stakeholder_unlink_cycle(*, stakeholder: Stakeholder, cycle) -> None:
    StakeholderCycle.objects.filter(stakeholder=stakeholder, cycle=cycle).delete()


# --- steering groups ----------------------------------------------------------------------


def steering_member_add(
    *,
    cycle,
    sector: str,
    role: str = "",
    stakeholder: Stakeholder | None = None,
    user: User | None = None,
) -> SteeringGroupMember:
    if (stakeholder is None) == (user is None):
        raise ValidationError("Choose either a stakeholder or a member of your organisation.")
    member = SteeringGroupMember(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        stakeholder=stakeholder,
        user=user,
        sector=sector,
        role=role.strip(),
    )
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Two people adding the same person at once: the unique constraint decides.
        raise ValidationError("This person is already on the steering group.") from exc
    return member


def steering_member_remove(*, member: SteeringGroupMember) -> None:
    member.delete()


@transaction.atomic
def steering_meeting_save(
    *,
    cycle,
    held_on: date,
    starts_at: time | None,
    agenda: str,
    minutes: str,
    attendees: Iterable[SteeringGroupMember],
    meeting: SteeringMeeting | None = None,
) -> SteeringMeeting:
    attendees = list(attendees)
    if any(a.cycle_id != cycle.pk for a in attendees):
        raise ValidationError({"attendees": "Choose attendees from this steering group."})
    meeting = meeting or SteeringMeeting(organisation_id=cycle.organisation_id, cycle=cycle)
    meeting.held_on, meeting.starts_at = held_on, starts_at
    meeting.agenda, meeting.minutes = agenda, minutes
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


def steering_decision_record(*, meeting: SteeringMeeting, text: str) -> SteeringDecision:
    decision = SteeringDecision(
        organisation_id=meeting.organisation_id,
        meeting=meeting,
        cycle_id=meeting.cycle_id,
        text=text.strip(),
    )
    decision.full_clean()
    decision.save()
    return decision


# --- conversations and commitments --------------------------------------------------------


@transaction.atomic
def conversation_log(
    *,
    organisation: Organisation,
    held_on: date,
    stakeholders: Iterable[Stakeholder],
    staff_member: User,
    channel: str,
    summary: str,
    meaningful: bool,
    cycle=None,
) -> Conversation:
    stakeholders = list(stakeholders)
    if not stakeholders:
        raise ValidationError({"stakeholders": "Choose who the conversation was with."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date must be today or in the past."})
    conversation = Conversation(
        organisation=organisation,
        held_on=held_on,
        staff_member=staff_member,
        channel=channel,
        summary=summary.strip(),
        meaningful=meaningful,
        cycle=cycle,
    )
    conversation.full_clean()
    conversation.save()
    conversation.stakeholders.set(stakeholders)
    return conversation


def commitment_record(
    *, conversation: Conversation, promise: str, made_to: Stakeholder, owner: User, due_on: date
) -> Commitment:
    if not conversation.stakeholders.filter(pk=made_to.pk).exists():
        raise ValidationError({"made_to": "Choose someone who was part of this conversation."})
    if due_on < conversation.held_on:
        raise ValidationError({"due_on": "The due date cannot be before the conversation."})
    commitment = Commitment(
        organisation_id=conversation.organisation_id,
        conversation=conversation,
        promise=promise.strip(),
        made_to=made_to,
        owner=owner,
        due_on=due_on,
    )
    commitment.full_clean()
    commitment.save()
    return commitment


def _claim_open(commitment: Commitment, **changes) -> None:
    # A conditional update, so a commitment marked kept in one tab and broken in another
    # ends up with exactly one outcome.
    changed = Commitment.objects.filter(
        pk=commitment.pk, kept_on__isnull=True, broken_on__isnull=True
    ).update(**changes)
    if changed != 1:
        raise ValidationError("This commitment has already been marked kept or broken.")
    for name, value in changes.items():
        setattr(commitment, name, value)


def commitment_mark_kept(*, commitment: Commitment, kept_on: date) -> Commitment:
    if kept_on > timezone.localdate():
        raise ValidationError({"kept_on": "The date kept must be today or in the past."})
    if kept_on < commitment.conversation.held_on:
        raise ValidationError({"kept_on": "The date kept cannot be before the promise was made."})
    _claim_open(commitment, kept_on=kept_on)
    return commitment


def commitment_mark_broken(*, commitment: Commitment, reason: str, broken_on: date) -> Commitment:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the commitment could not be kept."})
    _claim_open(commitment, broken_on=broken_on, broken_reason=reason)
    return commitment


def commitment_reopen(*, commitment: Commitment) -> Commitment:
    """Undo a mistaken "kept" or "broken"."""
    Commitment.objects.filter(pk=commitment.pk).update(
        kept_on=None, broken_on=None, broken_reason=""
    )
    commitment.kept_on = commitment.broken_on = None
    commitment.broken_reason = ""
    return commitment


# --- shared assets ------------------------------------------------------------------------


def shared_asset_save(*, asset: SharedAsset) -> SharedAsset:
    asset.full_clean()
    asset.save()
    return asset


def asset_use_record(
    *, asset: SharedAsset, used_by: Stakeholder, used_on: date, purpose: str
) -> AssetUse:
    use = AssetUse(
        organisation_id=asset.organisation_id,
        asset=asset,
        used_by=used_by,
        used_on=used_on,
        purpose=purpose.strip(),
    )
    use.full_clean()
    use.save()
    return use
