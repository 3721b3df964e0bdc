"""A stakeholder's data-protection rights, the reading side: where the organisation holds
something about a person, the subject-access export, and what erasure would touch.

Both start from the model registry, not a hand-kept list: every foreign key and
many-to-many field (in any app) that points at Stakeholder is a place where the
organisation holds something about the person. `stakeholder_links()` finds them, the
export writes one section per link, and erasure (services/privacy.py) needs an explicit
decision for each (`app.stakeholder_link` in the owning app's registrations.py, read by
`erasure_handling`); a link added with no decision makes erasure refuse to run (and its
test fail) instead of silently leaving data behind.

Insight is attributed by name (`Insight.contributor_name`, kept only with consent to be
credited), not by a foreign key, so insights are found by the stakeholder's name.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from t2a.models import User
from t2a.registry import StakeholderLink, registry, resolve
from t2a.services.export import spreadsheet_safe

from ..models import Stakeholder, SteeringMeeting


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


def credited_by_name() -> list:
    """Records that credit a person by name rather than by a foreign key (a later app
    answers the plug-in point "stakeholders.credited_by_name" with a class offering
    `label`, `section`, `fields`, `rows(*, organisation_id, name)` and `erase(...)`)."""
    return [resolve(e.target) for e in registry.extensions("stakeholders.credited_by_name")]


def _meetings_attended(stakeholder: Stakeholder) -> models.QuerySet:
    return SteeringMeeting.objects.filter(attendees__stakeholder=stakeholder).order_by(
        "held_on", "pk"
    )


def _history(stakeholder: Stakeholder) -> list[dict]:
    """Changes to the stakeholder's record from the audit trail (values stay as recorded:
    contact details are never in it)."""
    if not apps.is_installed("auditlog"):
        return []

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
    for credited in credited_by_name():
        export.sections[credited.section] = list(
            credited.rows(
                organisation_id=stakeholder.organisation_id, name=stakeholder.name
            ).values(*credited.fields)
        )
    export.sections["record_history"] = _history(stakeholder)
    return export


# --- erasure: what it decides and touches --------------------------------------------------


def erasure_handling() -> dict[str, StakeholderLink]:
    """What erasure does with each link, as the app that owns the link registered it
    (`app.stakeholder_link` in its registrations.py). Rows that point at an erased
    stakeholder are kept: they are the organisation's record of its own work (a
    conversation held, a promise kept, a seat filled, an event hosted) and feed the
    readiness checks and trust indicators, which must not change after the fact. Once the
    stakeholder row carries no name, contact details or notes, and the person's name is
    taken out of free text everywhere, these rows no longer identify them."""
    return {item.key: item for item in registry.all(StakeholderLink)}


def erasure_undecided_links() -> list[str]:
    """Links found in the registry with no erasure decision (must be empty)."""
    decided = erasure_handling()
    return [link.key for link in stakeholder_links() if link.key not in decided]


def erasure_summary(*, stakeholder: Stakeholder) -> list[tuple[str, int]]:
    """What erasure will touch, as (plain label, count), for the confirmation page."""
    counts = []
    decided = erasure_handling()
    for link in stakeholder_links():
        n = link.rows_for(stakeholder).count()
        if n:
            counts.append((decided[link.key].label, n))
    for credited in credited_by_name():
        n = credited.rows(organisation_id=stakeholder.organisation_id, name=stakeholder.name)
        if n := n.count():
            counts.append((credited.label, n))
    return counts
