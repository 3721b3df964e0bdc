"""Organisation-wide export and deletion.

Both work from what each app registers as organisation data (`app.organisation_data` in
its registrations.py); a system check (t2a/checks.py) refuses to start while a model with
an `organisation` foreign key is not registered, so nothing can be left out.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator

from auditlog.context import disable_auditlog
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .. import audit
from ..jobs import job_enqueue_on_commit, job_kinds
from ..models import JobStatus, Membership, Organisation, OrganisationExport, User
from ..registry import OrganisationData, registry

AUDIT_EXPORT = "audit_trail"


def tenant_models() -> list[type[models.Model]]:
    """Every model whose rows belong to an organisation, as the apps registered them."""
    found = [apps.get_model(item.key) for item in registry.all(OrganisationData)]
    return sorted(found, key=lambda m: m._meta.label)


def _value(field: models.Field, obj: models.Model):
    value = field.value_from_object(obj)
    # A stored file (a report's PDF) is written as its name, not its content.
    return value.name if isinstance(field, models.FileField) else value


def _rows(model, organisation) -> Iterator[dict]:
    fields = model._meta.concrete_fields
    queryset = model._base_manager.filter(organisation=organisation).order_by("pk")
    m2m = list(model._meta.many_to_many)
    for obj in queryset.prefetch_related(*[f.name for f in m2m]).iterator(chunk_size=500):
        row = {f.attname: _value(f, obj) for f in fields}
        for f in m2m:
            row[f.name] = sorted(o.pk for o in getattr(obj, f.name).all())
        yield row


def organisation_export_build(export: OrganisationExport) -> dict:
    """Write and store the zip for `export`; the fields its row records when done
    (`t2a.jobs` calls this as the export's build function)."""
    organisation = export.organisation
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        member_users = User.objects.filter(
            pk__in=Membership.objects.filter(organisation=organisation).values("user_id")
        ).values("id", "email", "full_name")
        archive.writestr("people.json", json.dumps(list(member_users), indent=1))
        for model in tenant_models():
            if model is OrganisationExport:
                continue
            rows = list(_rows(model, organisation))
            total += len(rows)
            name = model._meta.label_lower.replace(".", "_")
            archive.writestr(f"{name}.json", json.dumps(rows, cls=DjangoJSONEncoder, indent=1))
            _write_csv(archive, f"{name}.csv", rows)
        # The audit trail lives in auditlog's own table (no organisation foreign key, so
        # tenant_models() does not find it): its entries are added explicitly.
        entries = list(audit.organisation_entries_rows(organisation))
        total += len(entries)
        archive.writestr(
            f"{AUDIT_EXPORT}.json", json.dumps(entries, cls=DjangoJSONEncoder, indent=1)
        )
        _write_csv(archive, f"{AUDIT_EXPORT}.csv", entries)
        archive.writestr(
            "README.txt",
            f"Export of {organisation.name} from T2A, made {timezone.now():%Y-%m-%d %H:%M %Z}.\n"
            "One CSV and one JSON file per kind of record; people.json lists the members;\n"
            f"{AUDIT_EXPORT}.csv/.json is the audit trail (who changed what, and when).\n",
        )
    content = buffer.getvalue()
    export.file.save(
        f"{organisation.slug}-{timezone.now():%Y%m%d-%H%M%S}.zip", ContentFile(content), save=False
    )
    return {"file": export.file.name, "size_bytes": len(content), "row_count": total}


def _write_csv(archive: zipfile.ZipFile, name: str, rows: list[dict]) -> None:
    text = io.StringIO()
    if rows:
        writer = csv.DictWriter(text, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    archive.writestr(name, text.getvalue())


def spreadsheet_safe(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (= + - @, tab, return)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def organisation_export_request(*, organisation: Organisation, requested_by: User):
    export = OrganisationExport.objects.create(organisation=organisation, requested_by=requested_by)
    job_enqueue_on_commit(export)
    return export


def organisation_row_counts(*, organisation: Organisation) -> dict[str, int]:
    counts = {
        model._meta.verbose_name_plural.capitalize(): count
        for model in tenant_models()
        if (count := model._base_manager.filter(organisation=organisation).count())
    }
    if entries := audit.entries_for(organisation).count():
        counts["Audit trail entries"] = entries
    return counts


@transaction.atomic
def organisation_delete(*, organisation: Organisation, typed_name: str) -> None:
    """Delete the organisation and every row it owns (the foreign keys cascade)."""
    if typed_name.strip() != organisation.name:
        raise ValidationError({"confirm_name": "Type the organisation's name exactly as shown."})
    # Files (exports, reports) live in private storage: remove them once the rows are gone.
    files = []
    for model in tenant_models():
        file_fields = [f.name for f in model._meta.fields if isinstance(f, models.FileField)]
        for field in file_fields:
            files += [
                name
                for name in model._base_manager.filter(organisation=organisation)
                .exclude(**{field: ""})
                .values_list(field, flat=True)
                if name
            ]
    # Deleting records no audit entries about itself, and the trail goes with the rows.
    with disable_auditlog():
        Organisation.objects.filter(pk=organisation.pk).delete()
    audit.organisation_entries_delete(organisation)
    for name in files:
        transaction.on_commit(lambda name=name: default_storage.delete(name))


WITHDRAWN = "Removed because a stakeholder's details were erased or removed after it was made."


def stored_files_withdraw(
    *, organisation_id: int, reason: str = WITHDRAWN, only: tuple[type, ...] | None = None
) -> int:
    """Delete the organisation's finished reports and exports, which were made from data
    that has since lost someone's details (`only` those models, when given); the rows
    stay, marked failed with `reason`, so the pages say why and a fresh copy can be made.
    Call inside the transaction that removed the details: the files go once it commits.
    Returns how many were withdrawn."""
    withdrawn = 0
    for model in job_kinds():
        if only is not None and model not in only:
            continue
        stored = model._base_manager.filter(organisation_id=organisation_id).exclude(file="")
        names = list(stored.values_list("file", flat=True))
        withdrawn += stored.update(file="", status=JobStatus.FAILED, error=reason[:500])
        for name in names:
            transaction.on_commit(lambda name=name: default_storage.delete(name))
    return withdrawn
