"""A stakeholder's data-protection rights, the writing side: erasure.

Erasure decides nothing by itself: each link to a stakeholder found in the model registry
(selectors/privacy.py, `stakeholder_links`) is handled as the app owning it registered
(`erasure_handling`), and a link with no decision makes erasure refuse to run.
"""

import re

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from cycles.services.versions import organisation_cycles_changed
from t2a.audit import REDACTED
from t2a.models import User
from t2a.services.export import stored_files_withdraw, tenant_models

from ..models import Stakeholder
from ..selectors.privacy import (
    credited_by_name,
    erasure_handling,
    erasure_undecided_links,
    stakeholder_links,
)

# What an erased stakeholder is called from then on (the number is their register id).
ERASED_NAME = "Erased stakeholder #{pk}"
# Written where a mention of the person's name, email address or phone number was.
NAME_REMOVED = "[name removed]"


def _needles(stakeholder: Stakeholder) -> list[tuple[str, str, re.Pattern]]:
    """(database lookup, value, exact pattern) for the person's email, phone and name."""
    # The email first: a short name could otherwise match inside the address.
    found = []
    if stakeholder.email:
        email = stakeholder.email.strip()
        found.append(("icontains", email, re.compile(re.escape(email), re.IGNORECASE)))
    digits = re.sub(r"\D", "", stakeholder.phone)
    if len(digits) >= 6:
        # Phone numbers are written with or without spaces, dashes or brackets. The
        # database narrows the rows with a regex both PostgreSQL and Python read alike;
        # Python's pattern then refuses a match inside a longer number.
        loose = "[ ().-]*".join(digits)
        found.append(("regex", loose, re.compile(rf"(?<!\d){loose}(?!\d)")))
    name = stakeholder.name.strip()
    if name:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        found.append(("icontains", name, pattern))
    return found


def _text_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not isinstance(f, models.SlugField)
        and not f.choices
    ]


def _scrub_mentions(*, organisation_id: int, needles: list) -> int:
    """Replace the person's name, email and phone in every text column the organisation
    owns. Rows are updated with `update()`, so no signal (or audit entry) sees the values."""
    changed = 0
    for model in tenant_models():
        # Another stakeholder's name is another person's, even if it is the same name.
        fields = [f for f in _text_fields(model) if (model, f.name) != (Stakeholder, "name")]
        if not fields or not needles:
            continue
        where = Q()
        for f in fields:
            for lookup, value, _ in needles:
                where |= Q(**{f"{f.name}__{lookup}": value})
        rows = (
            model._base_manager.filter(where, organisation_id=organisation_id)
            .values("pk", *[f.name for f in fields])
            .order_by("pk")
        )
        for row in rows:
            updates = {}
            for f in fields:
                value = row[f.name]
                new = _replace_in(value, needles) if value else value
                if new != value:
                    updates[f.name] = new[: f.max_length] if f.max_length else new
            if updates:
                changed += model._base_manager.filter(pk=row["pk"]).update(**updates)
    return changed


def _replace_in(value, needles: list):
    """`value` (text, or JSON made of lists, dicts and text) with the mentions replaced."""
    if isinstance(value, str):
        for _, _, pattern in needles:
            value = pattern.sub(NAME_REMOVED, value)
        return value
    if isinstance(value, list):
        return [_replace_in(v, needles) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, needles) for k, v in value.items()}
    return value


def _scrub_audit_trail(*, stakeholder: Stakeholder, needles: list, erased_name: str) -> None:
    """Take the person out of the audit trail as well.

    The trail keeps who changed which field and when; that stays. But its entries about
    the stakeholder carry their name (as the record's label) and old values of their
    name, notes, access needs and languages, and entries about other records may mention
    them. Erasure would be untrue with those left, so: the stakeholder's own entries keep
    their field names with every value replaced by "[not recorded]", and mentions
    elsewhere in the organisation's entries are replaced as in any other text.
    """
    if not apps.is_installed("auditlog"):
        return

    own = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Stakeholder), object_id=stakeholder.pk
    )
    for entry in own.only("pk", "changes"):
        changes = {
            name: [REDACTED if v not in (None, "", "None") else v for v in values]
            if isinstance(values, list)
            else REDACTED
            for name, values in (entry.changes or {}).items()
        }
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=erased_name, changes=changes, changes_text="", serialized_data=None
        )
    where = Q()
    for lookup, value, _ in needles:
        where |= Q(**{f"object_repr__{lookup}": value})
        where |= Q(**{f"changes_text__{lookup}": value})
        where |= Q(**{f"_changes__{lookup}": value})
    mentions = (
        LogEntry.objects.filter(additional_data__organisation_id=stakeholder.organisation_id)
        .annotate(_changes=Cast("changes", models.TextField()))
        .filter(where)
        .only("pk", "object_repr", "changes_text", "changes")
    )
    for entry in mentions:
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=_replace_in(entry.object_repr, needles),
            changes_text=_replace_in(entry.changes_text, needles),
            changes=_replace_in(entry.changes, needles),
        )


@transaction.atomic
def stakeholder_erase(*, stakeholder: Stakeholder, typed_name: str, actor: User) -> Stakeholder:
    """Erase the person's identity and attributions; keep what the organisation did.

    Raises ValidationError (and changes nothing) if the typed name does not match or the
    stakeholder was already erased.
    """
    if stakeholder.is_erased:
        raise ValidationError("This stakeholder's data has already been erased.")
    if typed_name.strip() != stakeholder.name.strip():
        raise ValidationError({"confirm_name": "Type the stakeholder's name exactly as shown."})
    undecided = erasure_undecided_links()
    if undecided:
        raise ValidationError(
            "Erasure is not set up for every kind of record yet: " + ", ".join(undecided)
        )
    # Lock the row so an edit cannot write the details back while erasure runs.
    locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    if locked.is_erased:
        raise ValidationError("This stakeholder's data has already been erased.")
    needles = _needles(locked)

    decided = erasure_handling()
    for link in stakeholder_links():
        handling = decided[link.key]
        linked = link.rows_for(locked)
        if handling.clear:
            linked.update(**handling.clear)
        if handling.clear_when_alone:
            through = link.field.remote_field.through
            source = link.field.m2m_field_name()
            target = link.field.m2m_reverse_field_name()
            shared = (
                through.objects.filter(**{f"{source}__in": linked.values("pk")})
                .exclude(**{target: locked.pk})
                .values(source)
            )
            link.model._base_manager.filter(pk__in=linked.values("pk")).exclude(
                pk__in=shared
            ).update(**handling.clear_when_alone)

    for credited in credited_by_name():
        credited.erase(organisation_id=locked.organisation_id, name=locked.name)
    now = timezone.now()
    Stakeholder.objects.filter(pk=locked.pk).update(
        name=ERASED_NAME.format(pk=locked.pk),
        email="",
        phone="",
        address="",
        notes="",
        access_needs="",
        languages="",
        communities_reached=[],
        preferred_channels=[],
        consent_date=None,
        consent_basis="",
        consent_recorded_by=None,
        named_in_reports=False,
        named_on_public_page=False,
        naming_consent_given_by="",
        naming_consent_date=None,
        naming_consent_recorded_by=None,
        contact_owner=None,
        erased_at=now,
        erased_by=actor,
        updated_at=now,
    )
    _scrub_mentions(organisation_id=locked.organisation_id, needles=needles)
    _scrub_audit_trail(
        stakeholder=locked, needles=needles, erased_name=ERASED_NAME.format(pk=locked.pk)
    )
    # Reports and exports made before now may show the person: they go too.
    stored_files_withdraw(organisation_id=locked.organisation_id)
    # Any page may have shown the person: every cached one is computed again.
    organisation_cycles_changed(locked.organisation_id)
    stakeholder.refresh_from_db()
    _record_in_audit_trail(stakeholder=stakeholder, actor=actor)
    return stakeholder


def _record_in_audit_trail(*, stakeholder: Stakeholder, actor: User) -> None:
    """Add one entry saying the record was erased, when and by whom (and nothing else:
    the erasure itself wrote with `update()`, which the trail does not see)."""
    if not apps.is_installed("auditlog"):
        return

    if not auditlog.contains(Stakeholder):
        return
    LogEntry.objects.log_create(
        stakeholder,
        action=LogEntry.Action.UPDATE,
        changes={
            "erased_at": ["None", str(stakeholder.erased_at)],
            "erased_by": ["None", str(actor.pk)],
        },
        actor=actor,
    )
