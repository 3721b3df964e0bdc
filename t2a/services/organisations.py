"""Platform services: organisations, memberships and invitations."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scope

from ..celery import enqueue_on_commit
from ..models import Invitation, Membership, Organisation, Role, User, hash_token, new_token


def organisation_unique_slug(*, name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(*, name: str, brand_colour: str, creator: User) -> Organisation:
    """Create an organisation whose creator becomes its first admin."""
    organisation = Organisation(
        name=name, slug=organisation_unique_slug(name=name), brand_colour=brand_colour
    )
    organisation.full_clean()
    organisation.save()
    with scope(organisation=organisation.pk):
        Membership.objects.create(organisation=organisation, user=creator, role=Role.ADMIN)
    return organisation


def _lock_admins(organisation: Organisation) -> list[Membership]:
    # Lock every admin row so two admins demoting each other at once cannot both succeed
    # and leave the organisation with none.
    return list(
        Membership.objects.select_for_update().filter(organisation=organisation, role=Role.ADMIN)
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role from the list."})
    admins = _lock_admins(membership.organisation)
    if membership.role == Role.ADMIN and role != Role.ADMIN and len(admins) <= 1:
        raise ValidationError(
            "This is the organisation's only admin. Make someone else an admin first."
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    admins = _lock_admins(membership.organisation)
    if membership.role == Role.ADMIN and len(admins) <= 1:
        raise ValidationError(
            "This is the organisation's only admin. Make someone else an admin first."
        )
    membership.delete()


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User
) -> tuple[Invitation, str]:
    """Create an invitation (revoking any open one for the same address) and queue its email.

    Returns the invitation and the raw token; only the token's hash is stored.
    """
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member."})
    Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    token = new_token()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=invited_by,
    )
    invitation.full_clean()
    invitation.save()
    # The raw token travels only in the queued message and the email itself.
    enqueue_on_commit(
        "t2a.tasks.invitation_send",
        organisation_id=organisation.pk,
        invitation_id=invitation.pk,
        token=token,
    )
    return invitation, token


def invitation_for_token(*, organisation: Organisation, token: str) -> Invitation | None:
    return Invitation.objects.filter(
        organisation=organisation, token_hash=hash_token(token)
    ).first()


def invitation_revoke(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = ""
) -> Membership:
    """Accept an invitation, creating the account when the person has none yet.

    The conditional update claims the invitation, so a token used twice at once still
    creates one membership.
    """
    claimed = Invitation.objects.filter(
        pk=invitation.pk,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(accepted_at=timezone.now())
    if claimed != 1:
        raise ValidationError("This invitation has already been used or has expired.")
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email, password=password, full_name=full_name
                )
        except IntegrityError as exc:
            raise ValidationError("An account with this email address already exists.") from exc
    # Following the emailed link proves the person controls the address.
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=invitation.email,
        defaults={"email": invitation.email, "verified": True, "primary": True},
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    membership, _ = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    return membership
