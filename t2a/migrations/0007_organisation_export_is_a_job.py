from django.db import migrations, models

import t2a.models


class Migration(migrations.Migration):
    """The export's lifecycle comes from t2a.models.Job: attempts and a start time join
    it; existing rows keep everything (0 attempts, no start time)."""

    dependencies = [
        ("t2a", "0006_organisation_stakeholder_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisationexport",
            name="attempts",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="Deliveries that started work on it."
            ),
        ),
        migrations.AddField(
            model_name="organisationexport",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="organisationexport",
            name="file",
            field=models.FileField(blank=True, upload_to=t2a.models.job_file_name),
        ),
    ]
