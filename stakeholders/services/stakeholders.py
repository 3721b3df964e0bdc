"""Writes for the register: stakeholders, their consent, imports and their cycles."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cycles.models import Cycle
from cycles.services.versions import cycle_changed, organisation_cycles_changed
from t2a import audit
from t2a.models import Organisation, User
from t2a.services.versions import organisation_changed

from ..models import Stakeholder, StakeholderCycle, SteeringGroupMember

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


def _naming_errors(stakeholder: Stakeholder) -> dict[str, str]:
    errors = {}
    if stakeholder.naming_outputs:
        if not stakeholder.naming_consent_given_by.strip():
            errors["naming_consent_given_by"] = (
                "Enter who gave consent to be named, or untick where they may be named."
            )
        if stakeholder.naming_consent_date is None:
            errors["naming_consent_date"] = (
                "Enter the date consent to be named was given, or untick where they may be named."
            )
    if stakeholder.naming_consent_date and stakeholder.naming_consent_date > timezone.localdate():
        errors["naming_consent_date"] = (
            "The date consent to be named was given must be today or in the past."
        )
    return errors


def _stamp_naming_consent(stakeholder: Stakeholder, actor: User) -> None:
    """Record who recorded a new or changed consent to be named; with no output ticked the
    consent is gone, and so are its details."""
    if not stakeholder.naming_outputs:
        stakeholder.naming_consent_given_by = ""
        stakeholder.naming_consent_date = None
        stakeholder.naming_consent_recorded_by = None
        return
    stakeholder.naming_consent_given_by = stakeholder.naming_consent_given_by.strip()
    before = None
    if stakeholder.pk is not None:
        before = (
            Stakeholder.objects.filter(pk=stakeholder.pk)
            .values(
                "named_in_reports",
                "named_on_public_page",
                "naming_consent_given_by",
                "naming_consent_date",
                "naming_consent_recorded_by_id",
            )
            .first()
        )
    if (
        before is None
        or any(
            before[name] != getattr(stakeholder, name)
            for name in before
            if name != "naming_consent_recorded_by_id"
        )
        or before["naming_consent_recorded_by_id"] is None
    ):
        stakeholder.naming_consent_recorded_by = actor


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
    errors = _consent_errors(stakeholder) | _naming_errors(stakeholder)
    if errors:
        raise ValidationError(errors)
    _stamp_naming_consent(stakeholder, actor)
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
            exclude=[
                "organisation",
                "consent_recorded_by",
                "naming_consent_recorded_by",
                "contact_owner",
            ],
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
    # Cycle pages name the stakeholders on their steering group and map.
    organisation_cycles_changed(stakeholder.organisation_id)
    return stakeholder


@transaction.atomic
def stakeholder_save_into_cycle(
    *, stakeholder: Stakeholder, cycle: Cycle | None, actor: User, role: str = ""
) -> Stakeholder:
    """Add a new stakeholder to the register and, when given a cycle, to its map, together
    or not at all."""
    stakeholder = stakeholder_save(stakeholder=stakeholder, actor=actor)
    if cycle is not None:
        stakeholder_link_cycle(stakeholder=stakeholder, cycle=cycle, role=role)
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
    organisation_changed(organisation.pk)
    return saved


def stakeholder_link_cycle(
    *, stakeholder: Stakeholder, cycle: Cycle, role: str
) -> StakeholderCycle:
    """Put a stakeholder on a cycle's map with their role in it (or update the role)."""
    link, _ = StakeholderCycle.objects.update_or_create(
        organisation_id=stakeholder.organisation_id,
        stakeholder=stakeholder,
        cycle=cycle,
        defaults={"role": role.strip()},
    )
    cycle_changed(cycle)
    return link


@transaction.atomic
def cycle_stakeholders_link(
    *, cycle: Cycle, stakeholders: QuerySet[Stakeholder], role: str = ""
) -> list[StakeholderCycle]:
    """Put many register rows on a cycle's map at once, with the same role. Rows of another
    organisation, erased rows and rows already on the map are skipped. A fixed number of
    queries however many are ticked: one read of the rows, one insert, one audit insert."""
    # Read with their names: the audit entries name each link without a query per row.
    adding = list(
        stakeholders.filter(organisation_id=cycle.organisation_id, erased_at__isnull=True)
        .exclude(pk__in=StakeholderCycle.objects.filter(cycle=cycle).values("stakeholder_id"))
        .order_by("pk")
        .only("pk", "name", "organisation_id")
    )
    links = StakeholderCycle.objects.bulk_create(
        StakeholderCycle(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            stakeholder=stakeholder,
            role=role.strip(),
        )
        for stakeholder in adding
    )
    audit.record_bulk_created(links)
    if links:
        cycle_changed(cycle)
    return links


def stakeholder_unlink_cycle(*, stakeholder: Stakeholder, cycle: Cycle) -> None:
    StakeholderCycle.objects.filter(stakeholder=stakeholder, cycle=cycle).delete()
    cycle_changed(cycle)


# --- the next iteration (registered in registrations.py) -----------------------------------


def cycle_stakeholders_carry(*, old: Cycle, new: Cycle, by: User) -> None:
    """The next iteration keeps the cycle's map of stakeholders and its steering group seats."""
    org_id = new.organisation_id
    StakeholderCycle.objects.bulk_create(
        StakeholderCycle(
            organisation_id=org_id, cycle=new, stakeholder_id=link.stakeholder_id, role=link.role
        )
        for link in StakeholderCycle.objects.filter(cycle=old).order_by("pk")
    )
    seats = SteeringGroupMember.objects.bulk_create(
        SteeringGroupMember(
            organisation_id=org_id,
            cycle=new,
            stakeholder_id=seat.stakeholder_id,
            user_id=seat.user_id,
            sector=seat.sector,
            role=seat.role,
            is_chair=seat.is_chair,
        )
        for seat in SteeringGroupMember.objects.filter(cycle=old).order_by("pk")
    )
    # Seats decide who reads members-only records, so each new one is in the audit trail.
    audit.record_bulk_created(seats)
