"""Organisation-wide export and deletion.

Both work from what each app registers as organisation data (`app.organisation_data` in
its registrations.py); a system check (t2a/checks.py) refuses to start while a model with
an `organisation` foreign key is not registered, so nothing can be left out.
"""

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator

from auditlog.context import disable_auditlog
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope

from .. import audit
from ..jobs import job_enqueue_on_commit, job_kinds
from ..models import PENDING_JOB, JobStatus, Membership, Organisation, OrganisationExport, User
from ..registry import OrganisationData, registry, resolve

AUDIT_EXPORT = "audit_trail"


def tenant_models() -> list[type[models.Model]]:
    """Every model whose rows belong to an organisation, as the apps registered them."""
    found = [apps.get_model(item.key) for item in registry.all(OrganisationData)]
    return sorted(found, key=lambda m: m._meta.label)


# Stored files (a report's PDF, any file a model keeps) travel inside the zip under this
# folder, each at its storage name; the JSON and CSV give that path in the zip.
FILES_FOLDER = "files"


def _rows(model, organisation, archive: zipfile.ZipFile) -> Iterator[dict]:
    """Each row as a dict of its values; a stored file is copied into `archive` and its
    column holds the file's path there."""
    fields = model._meta.concrete_fields
    queryset = model._base_manager.filter(organisation=organisation).order_by("pk")
    m2m = list(model._meta.many_to_many)
    for obj in queryset.prefetch_related(*[f.name for f in m2m]).iterator(chunk_size=500):
        # A model may name fields a row must not carry out (`export_withheld`): credentials.
        withheld = obj.export_withheld() if hasattr(obj, "export_withheld") else ()
        row = {}
        for f in fields:
            if f.attname in withheld:
                row[f.attname] = "[withheld: holds a working link or code]"
                continue
            value = f.value_from_object(obj)
            if isinstance(f, models.FileField):
                value = _add_stored_file(archive, value.name) if value.name else ""
            row[f.attname] = value
        for f in m2m:
            row[f.name] = sorted(o.pk for o in getattr(obj, f.name).all())
        yield row


def _add_stored_file(archive: zipfile.ZipFile, name: str) -> str:
    """Copy the stored file `name` into the zip, streamed; its path in the zip, or "" if it
    is no longer stored (an erasure withdrew it while the export was being made)."""
    path = f"{FILES_FOLDER}/{name}"
    if path in archive.NameToInfo:
        return path
    try:
        source = default_storage.open(name, "rb")
    except FileNotFoundError:
        return ""
    with source, archive.open(path, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, length=1024 * 1024)
    return path


def organisation_export_build(export: OrganisationExport) -> dict:
    """Write and store the zip for `export`; the fields its row records when done
    (`t2a.jobs` calls this as the export's build function)."""
    organisation = export.organisation
    total = 0
    # Built in a temporary file, not in memory: the stored PDFs can add up.
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            member_users = User.objects.filter(
                pk__in=Membership.objects.filter(organisation=organisation).values("user_id")
            ).values("id", "email", "full_name")
            archive.writestr("people.json", json.dumps(list(member_users), indent=1))
            for model in tenant_models():
                if model is OrganisationExport:
                    continue
                rows = list(_rows(model, organisation, archive))
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
                f"Export of {organisation.name} from T2A, made "
                f"{timezone.now():%Y-%m-%d %H:%M %Z}.\n"
                "One CSV and one JSON file per kind of record; people.json lists the members;\n"
                f"{AUDIT_EXPORT}.csv/.json is the audit trail (who changed what, and when).\n"
                f"Stored files (such as PDF reports) are in the {FILES_FOLDER}/ folder; a\n"
                "record's file column gives the path of its file in this zip.\n"
                + _confidentiality_note(tenant_models()),
            )
        size = spool.seek(0, io.SEEK_END)
        spool.seek(0)
        export.file.save(
            f"{organisation.slug}-{timezone.now():%Y%m%d-%H%M%S}.zip", File(spool), save=False
        )
    return {"file": export.file.name, "size_bytes": size, "row_count": total}


def _confidentiality_note(exported: list[type[models.Model]]) -> str:
    """The README's warning about records kept to fewer readers than the organisation
    (steering-group minutes and decisions): the export keeps them, each row marked with
    its level in the `confidentiality` column."""
    marked = [
        (model, field)
        for model in exported
        for field in model._meta.concrete_fields
        if field.name == "confidentiality" and field.choices
    ]
    if not marked:
        return ""
    files = ", ".join(model._meta.label_lower.replace(".", "_") for model, _ in marked)
    levels = "; ".join(f"{value} = {label}" for value, label in marked[0][1].choices)
    return (
        f"\nCONFIDENTIAL RECORDS. In {files} (.csv/.json) the `confidentiality` column says\n"
        f"who may read each row in T2A ({levels}).\nShare those rows with those "
        "readers only.\n"
    )


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
WITHDRAWN_WHILE_MADE = (
    "A stakeholder's details were erased or removed while it was being made, so it was "
    "stopped. A new one without them was asked for straight away: it is listed above."
)


def stored_files_withdraw(
    *, organisation_id: int, reason: str = WITHDRAWN, only: tuple[type, ...] | None = None
) -> int:
    """Withdraw the organisation's reports and exports made from data that has just lost
    someone's details (`only` those kinds, when given). Call inside the transaction that
    removed the details. Returns how many were withdrawn.

    - A finished one: its file is deleted once the transaction commits; the row stays,
      marked failed with `reason`, so the pages say why and a fresh copy can be made.
    - One being made may have read the details before they went: it is marked failed
      too, so when its task finishes it finds the job no longer pending and discards what
      it made (`t2a.jobs.job_run`), and the same thing is asked for again (the kind's
      `again_function`), to be made from the data without them.
    - A queued one is left to run: it is locked until the transaction commits, so a
      worker starting it waits and then reads the data without the details.
    """
    withdrawn = 0
    for model in job_kinds():
        if only is not None and model not in only:
            continue
        rows = model._base_manager.filter(organisation_id=organisation_id)
        # Lock first: a job that finishes or starts meanwhile waits for this transaction,
        # so nothing slips between what is read here and what is written.
        held = list(
            rows.filter(Q(status__in=PENDING_JOB) | ~Q(file="")).select_for_update().order_by("pk")
        )
        finished = [job for job in held if job.file]
        running = [job for job in held if job.status == JobStatus.RUNNING and not job.file]
        withdrawn += rows.filter(pk__in=[job.pk for job in finished]).update(
            file="", status=JobStatus.FAILED, error=reason[:500]
        )
        withdrawn += rows.filter(pk__in=[job.pk for job in running]).update(
            status=JobStatus.FAILED, error=WITHDRAWN_WHILE_MADE, finished_at=timezone.now()
        )
        for job in finished:
            transaction.on_commit(lambda name=job.file.name: default_storage.delete(name))
        with scope(organisation=organisation_id):
            for job in running:
                resolve(model.again_function)(job)
    return withdrawn


def organisation_export_again(export: OrganisationExport) -> OrganisationExport:
    """Ask anew for an export that had to be withdrawn while it was being made."""
    return organisation_export_request(
        organisation=export.organisation, requested_by=export.requested_by
    )
