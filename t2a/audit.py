"""The audit trail: who changed what, and when.

Changes are recorded by django-auditlog in its one `LogEntry` table. Each app registers
the models worth auditing in its `AppConfig.ready()` through `track()`, which also makes
every entry carry the organisation that owns the changed row (in `additional_data`), so
reading the trail is always filtered by organisation (`entries_for`); migration
t2a/0005 indexes that key.

Privacy: fields listed in `redact_fields` (a stakeholder's contact details) are recorded
as changed, but their values never reach the log: `redact()` replaces both the old and the
new value before the entry is written. No IP address is kept (settings.py).

The trail is append-only from the product's side: the audit page only reads, auditlog's
admin allows no add, change or delete, and only deleting the organisation removes entries
(`organisation_entries_delete`).
"""

import copy
import json
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from auditlog.context import set_actor
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst

# Written instead of a redacted field's value (the value itself is never stored).
REDACTED = "[not recorded]"

# Fields that never change after creation or change on every save: listing them is noise.
ALWAYS_EXCLUDED = ("id", "organisation", "created_at", "updated_at")

# Shown values are cut at this length (the full text stays in the entry and the export).
SHOWN_CHARS = 300

# model -> (url name, url keyword, lookup giving that keyword's value from the row)
_LINKS: dict[type[models.Model], tuple[str, str, str]] = {}


def redact(value: str) -> str:
    """auditlog's mask callable: say whether there was a value, never what it was."""
    return "" if value in ("", "None") else REDACTED


def _organisation_data(instance) -> dict:
    return {"organisation_id": instance.organisation_id}


def track(
    model,
    *,
    exclude: tuple[str, ...] = (),
    redact_fields: tuple[str, ...] = (),
    m2m: tuple[str, ...] = (),
    link: tuple[str, str, str] | None = None,
) -> None:
    """Record creates, edits and deletes of `model` (a TenantModel) in the audit trail.

    `link` = (url name, url keyword, lookup) says where the audit page links an entry to,
    for example ("cycles:ethics_log", "cycle_pk", "cycle_id").
    """
    if not hasattr(model, "get_additional_data"):
        # auditlog calls this on the changed instance and stores the result with the entry.
        model.get_additional_data = _organisation_data
    excluded = {*ALWAYS_EXCLUDED, *exclude}
    auditlog.register(
        model,
        # The model's own columns only (auditlog would otherwise list reverse relations).
        include_fields=[f.name for f in model._meta.concrete_fields if f.name not in excluded],
        mask_fields=list(redact_fields),
        mask_callable="t2a.audit.redact",
        m2m_fields=set(m2m),
    )
    if link is not None:
        _LINKS[model] = link


def tracked_models() -> list[type[models.Model]]:
    return sorted(auditlog.get_models(), key=lambda m: str(m._meta.verbose_name).lower())


def type_choices() -> list[tuple[str, str]]:
    """(app_label.model, "Plain name") for every audited kind of record."""
    return [(m._meta.label_lower, capfirst(m._meta.verbose_name)) for m in tracked_models()]


def content_type_for(label: str) -> ContentType:
    app_label, model_name = label.split(".", 1)
    return ContentType.objects.get_by_natural_key(app_label, model_name)


# --- reading ---------------------------------------------------------------------------


def entries_for(organisation) -> QuerySet[LogEntry]:
    """Every entry about `organisation`'s rows, newest first (uses t2a/0005's index)."""
    return LogEntry.objects.filter(additional_data__organisation_id=organisation.pk).order_by(
        "-timestamp", "-id"
    )


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    redacted: bool = False
    note: str = ""  # for many-to-many changes: "added …" / "removed …"


@dataclass
class Row:
    entry: LogEntry
    verb: str
    kind: str
    type_label: str
    who: str
    url: str | None = None
    changes: list[Change] = field(default_factory=list)


VERBS = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Viewed",
}


def _blank(raw) -> bool:
    return raw is None or raw in ("", "None", "[]", "{}")


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # a field since removed from the model
        return None


def _text(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


def _show(model_field, raw: str, names: dict) -> str:
    """A stored value (auditlog keeps strings) as a person would write it."""
    if _blank(raw):
        return ""
    if model_field is None:
        return _text(str(raw))
    if model_field.is_relation and model_field.many_to_one:
        name = names.get((model_field.related_model, str(raw)))
        return name if name is not None else "a record since deleted"
    if model_field.choices:
        labels = {str(k): str(v) for k, v in model_field.flatchoices}
        return labels.get(str(raw), str(raw))
    if isinstance(model_field, models.BooleanField):
        return {"True": "Yes", "False": "No"}.get(raw, raw)
    try:
        if isinstance(model_field, models.DateTimeField):
            moment = datetime.fromisoformat(raw)
            if timezone.is_naive(moment):  # auditlog stores UTC without a zone
                moment = moment.replace(tzinfo=UTC)
            return date_format(timezone.localtime(moment), "j F Y, H:i")
        if isinstance(model_field, models.DateField):
            return date_format(date.fromisoformat(raw), "j F Y")
        if isinstance(model_field, models.JSONField):
            value = json.loads(raw)
            if isinstance(value, list):
                return _text(", ".join(str(v) for v in value))
            if isinstance(value, dict):
                return _text(", ".join(f"{k}: {v}" for k, v in value.items()))
    except ValueError:
        pass
    return _text(str(raw))


def _fk_names(entries, organisation) -> dict:
    """{(related model, pk string): name} for every foreign key value on the page,
    one query per related model."""
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry, entry_model in entries:
        for name, values in (entry.changes or {}).items():
            f = _field(entry_model, name)
            if f is None or not (f.is_relation and f.many_to_one) or not isinstance(values, list):
                continue
            wanted[f.related_model].update(str(v) for v in values if not _blank(v))
    names = {}
    for related, pks in wanted.items():
        ids = [int(pk) for pk in pks if pk.isdigit()]
        rows = related._base_manager.filter(pk__in=ids)
        if any(f.name == "organisation" for f in related._meta.concrete_fields):
            rows = rows.filter(organisation=organisation)
        for obj in rows:
            names[(related, str(obj.pk))] = str(obj)
    return names


def _links(entries, organisation) -> dict[tuple[type, int], str]:
    """{(model, object id): url} for objects that still exist, one query per kind."""
    ids: dict[type, set[int]] = defaultdict(set)
    for entry, entry_model in entries:
        if entry_model in _LINKS and entry.object_id is not None:
            ids[entry_model].add(entry.object_id)
    urls = {}
    for model, pks in ids.items():
        url_name, keyword, lookup = _LINKS[model]
        rows = model._base_manager.filter(organisation=organisation, pk__in=pks)
        for pk, value in rows.order_by().values_list("pk", lookup):
            if value is not None:
                urls[(model, pk)] = reverse(
                    url_name, kwargs={"org_slug": organisation.slug, keyword: value}
                )
    return urls


def _changes(entry: LogEntry, model, names: dict) -> list[Change]:
    if entry.action == LogEntry.Action.DELETE or model is None:
        return []
    shown = []
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    changes = sorted((entry.changes or {}).items(), key=lambda kv: order.get(kv[0], len(order)))
    for name, values in changes:
        f = _field(model, name)
        label = capfirst(str(f.verbose_name)) if f is not None else capfirst(name)
        if isinstance(values, dict) and values.get("type") == "m2m":
            verb = "added" if values.get("operation") == "add" else "removed"
            objects = ", ".join(str(o) for o in values.get("objects", []))
            shown.append(Change(label=label, note=f"{verb} {objects}"))
            continue
        old, new = (list(values) + ["", ""])[:2]
        if REDACTED in (old, new):
            if old == new or not _blank(old) and not _blank(new):
                note = "changed"
            elif _blank(old):
                note = "added"
            else:
                note = "removed"
            shown.append(Change(label=label, redacted=True, note=note))
            continue
        old_shown, new_shown = _show(f, old, names), _show(f, new, names)
        if old_shown == new_shown:
            continue
        shown.append(Change(label=label, old=old_shown, new=new_shown))
    return shown


def describe(entries: list[LogEntry], organisation) -> list[Row]:
    """Rows for the audit page: plain-English values, names for foreign keys and a link
    to the object where it still exists. Queries: one per kind of record linked and one
    per kind of record named, however many entries there are."""
    pairs = [(e, e.content_type.model_class()) for e in entries]
    names = _fk_names(pairs, organisation)
    urls = _links(pairs, organisation)
    rows = []
    for entry, model in pairs:
        if entry.actor is not None:
            who = str(entry.actor)
        elif entry.actor_email:  # the person's account has since been deleted
            who = entry.actor_email
        else:
            who = "System"
        rows.append(
            Row(
                entry=entry,
                verb=VERBS.get(entry.action, "Changed"),
                kind=f"{entry.content_type.app_label}.{entry.content_type.model}",
                type_label=capfirst(model._meta.verbose_name) if model else "Record",
                who=who,
                url=urls.get((model, entry.object_id)),
                changes=_changes(entry, model, names),
            )
        )
    return rows


# --- organisation export and deletion (t2a/services/export.py) ------------------------------------

EXPORT_FIELDS = (
    "id",
    "timestamp",
    "action",
    "content_type",
    "object_id",
    "object_pk",
    "object_repr",
    "actor_id",
    "actor_email",
    "changes",
)


def organisation_entries_rows(organisation):
    """The organisation's entries as plain dicts for the export, oldest first."""
    queryset = entries_for(organisation).order_by("timestamp", "id").select_related("content_type")
    for entry in queryset.iterator(chunk_size=500):
        yield {
            "id": entry.pk,
            "timestamp": entry.timestamp,
            "action": VERBS.get(entry.action, str(entry.action)).lower(),
            "content_type": entry.content_type.app_label + "." + entry.content_type.model,
            "object_id": entry.object_id,
            "object_pk": entry.object_pk,
            "object_repr": entry.object_repr,
            "actor_id": entry.actor_id,
            "actor_email": entry.actor_email,
            "changes": entry.changes,
        }


def organisation_entries_delete(organisation) -> int:
    deleted, _ = LogEntry.objects.filter(additional_data__organisation_id=organisation.pk).delete()
    return deleted


# The request's user while a request runs (reset afterwards, unlike auditlog's own
# context value, so nothing outside a request can pick up a stale actor).
_request_user: ContextVar = ContextVar("t2a_audit_request_user", default=None)


def current_actor():
    """The signed-in member making the current request, or None (a task, a command)."""
    user = _request_user.get()
    return user if user is not None and user.is_authenticated else None


def _record_bulk(pairs, action) -> int:
    """One insert of entries for (old, new) states of rows written without signals."""

    actor = current_actor()
    entries = []
    for old, obj in pairs:
        if obj.pk is None or not auditlog.contains(type(obj)):
            continue
        changes = model_instance_diff(old, obj)
        if not changes:
            continue
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
                object_id=obj.pk if isinstance(obj.pk, int) else None,
                object_repr=str(obj),
                action=action,
                changes=changes,
                actor_id=getattr(actor, "pk", None),
                actor_email=getattr(actor, "email", None),
                additional_data=obj.get_additional_data(),
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def record_bulk_created(objects) -> int:
    """Write the "created" entries for rows saved with `bulk_create()`, which auditlog's
    signals never see. Call it with the returned objects (they need their ids); unsaved or
    untracked ones are skipped. Redaction applies as for any other entry."""
    return _record_bulk(((None, obj) for obj in objects), LogEntry.Action.CREATE)


def record_bulk_updated(objects, **values) -> int:
    """Write the "changed" entries for rows about to get `values` through `update()`,
    which sends no signals. Call it with the rows as they were read before the update."""

    def pairs():
        for old in objects:
            new = copy.copy(old)
            for name, value in values.items():
                setattr(new, name, value)
            yield old, new

    return _record_bulk(pairs(), LogEntry.Action.UPDATE)


class AuditActorMiddleware:
    """Name the signed-in member as the actor of every change made during the request.

    The user is passed lazily: it is only looked at when an entry is written, so requests
    that change nothing pay no query for it. Changes made outside a request (Celery tasks,
    commands) have no actor and read as "system".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_user.set(request.user)
        try:
            with set_actor(request.user):
                return self.get_response(request)
        finally:
            _request_user.reset(token)
