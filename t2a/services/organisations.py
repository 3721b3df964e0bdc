"""Platform services: organisations, memberships and invitations."""

import re

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scope

from ..models import (
    Invitation,
    Membership,
    OldSlug,
    Organisation,
    Role,
    User,
    hash_token,
    new_token,
)
from .emails import invitation_email_queue
from .notifications import unread_recount
from .versions import organisation_changed, organisation_wide_change

# Words that name the site's own pages, or could be mistaken for them, in a web address.
RESERVED_SLUGS = frozenset({
    "about", "account", "accounts", "admin", "api", "app", "create", "dashboard", "delete",
    "edit", "help", "home", "login", "logout", "me", "media", "new", "o", "p", "privacy",
    "public", "register", "settings", "signin", "signup", "static", "support", "t2a", "www",
})  # fmt: skip
SLUG_FORMAT = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")


def _slug_in_use(slug: str, *, organisation: Organisation | None) -> bool:
    """Whether another organisation has `slug`, now or as an old address of its own."""
    others = Organisation.objects.all()
    old = OldSlug.objects.all()
    if organisation is not None:
        others = others.exclude(pk=organisation.pk)
        old = old.exclude(organisation=organisation)
    return others.filter(slug=slug).exists() or old.filter(slug=slug).exists()


def organisation_slug_check(slug: str, *, organisation: Organisation | None = None) -> str:
    """`slug` as an organisation's web address, or a ValidationError that says what is
    wrong with it: its form, a reserved word, or another organisation's (old) address."""
    slug = slug.strip().lower()
    if not SLUG_FORMAT.match(slug) or "--" in slug:
        raise ValidationError(
            "Use 3 to 60 lowercase letters, numbers and single hyphens, starting and ending "
            "with a letter or number, like northgate-icb."
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"‘{slug}’ is a word the site uses. Choose another.")
    if _slug_in_use(slug, organisation=organisation):
        raise ValidationError(
            "Another organisation uses this web address, or used it before. Choose another."
        )
    return slug


def organisation_unique_slug(*, name: str) -> str:
    base = slugify(name)[:50].strip("-") or "organisation"
    if len(base) < 3 or base in RESERVED_SLUGS:
        base = f"{base}-organisation"
    slug, n = base, 2
    while _slug_in_use(slug, organisation=None):
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_slug_change(*, organisation: Organisation, slug: str) -> Organisation:
    """Give the organisation a new web address. The old one is kept as an OldSlug, so
    old links send members on to the new one; going back to an old address of its own
    takes it out of the history."""
    slug = organisation_slug_check(slug, organisation=organisation)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if slug == locked.slug:
        return locked
    OldSlug.objects.filter(organisation=locked, slug=slug).delete()
    OldSlug.objects.create(organisation=locked, slug=locked.slug)
    locked.slug = slug
    locked.save(update_fields=["slug"])
    organisation.slug = slug
    organisation_changed(locked.pk)
    return locked


@transaction.atomic
def organisation_create(
    *, name: str, brand_colour: str, creator: User, slug: str = ""
) -> Organisation:
    """Create an organisation whose creator becomes its first admin. Without a `slug`, its
    web address is made from its name."""
    slug = organisation_slug_check(slug) if slug else organisation_unique_slug(name=name)
    organisation = Organisation(name=name, slug=slug, brand_colour=brand_colour)
    organisation.full_clean()
    organisation.save()
    with scope(organisation=organisation.pk):
        Membership.objects.create(organisation=organisation, user=creator, role=Role.ADMIN)
    organisation_wide_change(organisation.pk)
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
    # Pages show what a role lets others see of the member (a lead's place in a sign-off).
    organisation_wide_change(membership.organisation_id)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    admins = _lock_admins(membership.organisation)
    if membership.role == Role.ADMIN and len(admins) <= 1:
        raise ValidationError(
            "This is the organisation's only admin. Make someone else an admin first."
        )
    membership.delete()
    organisation_wide_change(membership.organisation_id)


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
    # The email is an outbox row in this transaction: if the invitation is saved, so is
    # its email, whatever happens to the broker.
    invitation_email_queue(invitation=invitation, token=token)
    return invitation, token


@transaction.atomic
def invitation_send_again(*, invitation: Invitation) -> Invitation:
    """Email an open invitation again, with a new link: the old link stops working (only
    a hash of a token is kept, and a sent email's body is emptied, so there is no old link
    to send again)."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None or not locked.is_open:
        raise ValidationError("This invitation has been used, withdrawn or has expired.")
    token = new_token()
    locked.token_hash = hash_token(token)
    locked.save(update_fields=["token_hash"])
    invitation_email_queue(invitation=locked, token=token)
    return locked


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
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    if created:
        organisation_wide_change(membership.organisation_id)  # pages name the cycle's people
        # Someone removed and invited back finds the notifications they had: count them.
        unread_recount(organisation_id=membership.organisation_id, user_id=user.pk)
        membership.refresh_from_db(fields=["unread_notifications"])
    return membership
