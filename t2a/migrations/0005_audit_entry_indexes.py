"""Indexes on django-auditlog's LogEntry table for reading one organisation's trail.

Every entry carries its organisation in `additional_data` (t2a/audit.py). Without an index
the audit page scans the whole table, every organisation's entries (measured: 10-30 ms at
50,000 entries, growing with the table); with these it reads only the page it shows
(0.1-0.5 ms). The table belongs to auditlog, so the indexes are added here, through the
schema editor, which writes the right SQL for PostgreSQL and SQLite alike.
"""

from django.db import migrations, models
from django.db.models.fields.json import KeyTransform


def _indexes():
    organisation = KeyTransform("organisation_id", "additional_data")
    newest_first = (models.F("timestamp").desc(), models.F("id").desc())
    return [
        models.Index(organisation, *newest_first, name="audit_entry_org_time"),
        models.Index(organisation, "content_type", *newest_first, name="audit_entry_org_type_time"),
    ]


def add_indexes(apps, schema_editor):
    log_entry = apps.get_model("auditlog", "LogEntry")
    for index in _indexes():
        schema_editor.add_index(log_entry, index)


def remove_indexes(apps, schema_editor):
    log_entry = apps.get_model("auditlog", "LogEntry")
    for index in _indexes():
        schema_editor.remove_index(log_entry, index)


class Migration(migrations.Migration):
    dependencies = [
        ("t2a", "0004_organisation_export"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
