"""A stakeholder's data-protection rights: subject-access export and erasure.

Both start from the model registry, not a hand-kept list: every foreign key and
many-to-many field (in any app) that points at Stakeholder is a place where the
organisation holds something about the person. `stakeholder_links()` finds them, the
export writes one section per link, and erasure needs an explicit decision for each
(`ERASURE`); a link added by a later issue with no decision makes erasure refuse to run
(and its test fail) instead of silently leaving data behind.

Insight is attributed by name (`Insight.contributor_name`, kept only with consent to be
credited), not by a foreign key, so insights are found by the stakeholder's name.
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from t2a.models import User
from t2a.privacy import spreadsheet_safe, stored_files_withdraw, tenant_models

from .models import Stakeholder, SteeringMeeting

# What an erased stakeholder is called from then on (the number is their register id).
ERASED_NAME = "Erased stakeholder #{pk}"
# Written where a mention of the person's name, email address or phone number was.
NAME_REMOVED = "[name removed]"
# Written instead of the summary of a conversation held with the erased person alone.
SUMMARY_REMOVED = "Summary removed when the stakeholder's data was erased."


@dataclass(frozen=True)
class Link:
    """A foreign key or many-to-many field, on some model, that points at Stakeholder."""

    model: type[models.Model]
    field: models.Field

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def section(self) -> str:
        """File stem in the export, e.g. `stakeholders_commitment_made_to`."""
        return f"{self.model._meta.label_lower.replace('.', '_')}_{self.field.name}"

    def rows_for(self, stakeholder: Stakeholder) -> models.QuerySet:
        return self.model._default_manager.filter(
            organisation_id=stakeholder.organisation_id, **{self.field.name: stakeholder}
        ).order_by("pk")


def stakeholder_links() -> list[Link]:
    """Every field in the project that points at a stakeholder, sorted by key."""
    found = []
    for model in apps.get_models():
        if model is Stakeholder:
            continue
        for f in [*model._meta.fields, *model._meta.many_to_many]:
            if f.is_relation and f.related_model is Stakeholder:
                found.append(Link(model, f))
    return sorted(found, key=lambda link: link.key)


# --- subject-access export ----------------------------------------------------------------

# Columns never written out: the tenant key, and fields that name *other* stakeholders
# (a conversation's other participants are not the requester's data).
_SKIPPED = {"organisation"}


def _row(obj: models.Model) -> dict:
    return {
        f.attname: f.value_from_object(obj)
        for f in obj._meta.concrete_fields
        if f.name not in _SKIPPED
    }


def _insights_credited(stakeholder: Stakeholder) -> models.QuerySet:
    Insight = apps.get_model("feedback", "Insight")
    return Insight.objects.filter(
        organisation_id=stakeholder.organisation_id,
        contributor_name__iexact=stakeholder.name.strip(),
    ).order_by("pk")


def _meetings_attended(stakeholder: Stakeholder) -> models.QuerySet:
    return SteeringMeeting.objects.filter(attendees__stakeholder=stakeholder).order_by(
        "held_on", "pk"
    )


def _history(stakeholder: Stakeholder) -> list[dict]:
    """Changes to the stakeholder's record from the audit trail (values stay as recorded:
    contact details are never in it)."""
    if not apps.is_installed("auditlog"):
        return []
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Stakeholder),
        object_id=stakeholder.pk,
    ).order_by("timestamp", "pk")
    return [
        {
            "timestamp": e.timestamp,
            "action": e.get_action_display(),
            "fields_changed": ", ".join(sorted((e.changes_dict or {}).keys())),
            "changed_by_id": e.actor_id,
        }
        for e in entries
    ]


@dataclass
class SubjectAccessExport:
    """Everything the organisation holds about one stakeholder, section by section."""

    stakeholder: Stakeholder
    sections: dict[str, list[dict]] = field(default_factory=dict)

    member_ids: set[int] = field(default_factory=set)

    def add(self, name: str, objects: Iterable[models.Model]) -> None:
        rows = []
        for obj in objects:
            rows.append(_row(obj))
            self.member_ids.update(
                getattr(obj, f.attname)
                for f in obj._meta.concrete_fields
                if f.is_relation and f.related_model is User and getattr(obj, f.attname)
            )
        self.sections[name] = rows

    def member_names(self) -> list[dict]:
        """The members named by id in the sections (who recorded, held or owns what)."""
        return list(
            User.objects.filter(pk__in=self.member_ids).values("id", "full_name").order_by("pk")
        )

    def as_zip(self) -> bytes:
        buffer = io.BytesIO()
        sections = {**self.sections, "members_named": self.member_names()}
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "everything.json",
                json.dumps(sections, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False),
            )
            for name, rows in sections.items():
                archive.writestr(f"{name}.csv", _csv(rows))
            archive.writestr("README.txt", _readme(self.stakeholder, sections))
        return buffer.getvalue()


def _csv(rows: list[dict]) -> str:
    text = io.StringIO()
    if rows:
        writer = csv.DictWriter(text, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: spreadsheet_safe(_cell(v)) for k, v in row.items()})
    return text.getvalue()


def _cell(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _readme(stakeholder: Stakeholder, sections: dict[str, list]) -> str:
    lines = [
        f"Everything {stakeholder.organisation.name} holds in T2A about stakeholder "
        f"#{stakeholder.pk}, made {timezone.localtime():%Y-%m-%d %H:%M %Z}.",
        "",
        "everything.json has every section; each section is also a CSV file:",
        "",
    ]
    lines += [f"  {name}.csv: {len(rows)} rows" for name, rows in sections.items()]
    lines += [
        "",
        "Before sending this to the person, read it for details of other people (for",
        "example in conversation summaries) and remove what is not theirs to receive.",
        "",
    ]
    return "\n".join(lines)


def subject_access_export(*, stakeholder: Stakeholder) -> SubjectAccessExport:
    """Collect the stakeholder's data: a few queries, whatever the amount of data."""
    export = SubjectAccessExport(stakeholder=stakeholder)
    export.add("stakeholder", [stakeholder])
    for link in stakeholder_links():
        export.add(link.section, link.rows_for(stakeholder))
    export.sections["steering_meetings_attended"] = list(
        _meetings_attended(stakeholder).values("id", "cycle_id", "held_on", "starts_at")
    )
    export.sections["insights_credited"] = list(
        _insights_credited(stakeholder).values(
            "id",
            "cycle_id",
            "activity_id",
            "summary",
            "quote",
            "contributor_name",
            "credit_consent_at",
            "captured_at",
        )
    )
    export.sections["record_history"] = _history(stakeholder)
    return export


# --- erasure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handling:
    """What erasure does to the rows of one link. Rows are kept (see `why`); `clear` sets
    fields on every linked row, `clear_when_alone` only on rows that link to nobody else."""

    label: str  # what the rows are, for the confirmation page
    why: str
    clear: dict = field(default_factory=dict)
    clear_when_alone: dict = field(default_factory=dict)


# Rows that point at an erased stakeholder are kept: they are the organisation's record of
# its own work (a conversation held, a promise kept, a seat filled, an event hosted) and
# feed the readiness checks and trust indicators, which must not change after the fact.
# Once the stakeholder row carries no name, contact details or notes, and the person's
# name is taken out of free text everywhere, these rows no longer identify them.
ERASURE: dict[str, Handling] = {
    "stakeholders.StakeholderCycle.stakeholder": Handling(
        "Cycles they are on the map of",
        "Keeps the cycle's map and counts; the role may describe the person.",
        clear={"role": ""},
    ),
    "stakeholders.SteeringGroupMember.stakeholder": Handling(
        "Steering group seats",
        "Keeps the steering group's make-up (readiness); the role may describe the person.",
        clear={"role": ""},
    ),
    "stakeholders.Conversation.stakeholders": Handling(
        "Conversations with them",
        "Keeps the count of conversations (a trust indicator). A summary of a conversation "
        "with this person alone is about them, so it goes; shared summaries lose the name.",
        clear_when_alone={"summary": SUMMARY_REMOVED},
    ),
    "stakeholders.Commitment.made_to": Handling(
        "Commitments made to them",
        "Keeps the commitment-kept rate; the promise is the organisation's, and loses the name.",
    ),
    "stakeholders.SharedAsset.owner": Handling(
        "Shared assets they offer", "The asset stays on offer; its owner is anonymous."
    ),
    "stakeholders.AssetUse.used_by": Handling(
        "Times they used a shared asset", "Keeps the asset's use count; the user is anonymous."
    ),
    "feedback.EngagementActivity.venue": Handling(
        "Listening activities they hosted",
        "Keeps the activity; the venue shows as the erased stakeholder.",
    ),
}


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
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from t2a.audit import REDACTED

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


def erasure_undecided_links() -> list[str]:
    """Links found in the registry with no erasure decision (must be empty)."""
    return [link.key for link in stakeholder_links() if link.key not in ERASURE]


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

    for link in stakeholder_links():
        handling = ERASURE[link.key]
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

    _insights_credited(locked).update(
        contributor_name="", credit_consent_at=None, credit_consent_recorded_by=None
    )
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
    stakeholder.refresh_from_db()
    _record_in_audit_trail(stakeholder=stakeholder, actor=actor)
    return stakeholder


def _record_in_audit_trail(*, stakeholder: Stakeholder, actor: User) -> None:
    """Add one entry saying the record was erased, when and by whom (and nothing else:
    the erasure itself wrote with `update()`, which the trail does not see)."""
    if not apps.is_installed("auditlog"):
        return
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

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


def erasure_summary(*, stakeholder: Stakeholder) -> list[tuple[str, int]]:
    """What erasure will touch, as (plain label, count), for the confirmation page."""
    counts = []
    for link in stakeholder_links():
        n = link.rows_for(stakeholder).count()
        if n:
            counts.append((ERASURE[link.key].label, n))
    n = _insights_credited(stakeholder).count()
    if n:
        counts.append(("Insights credited to them by name", n))
    return counts
