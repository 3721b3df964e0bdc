import django.utils.timezone
from django.db import migrations, models

import t2a.models


class Migration(migrations.Migration):
    """The report's lifecycle comes from t2a.models.Job: `generated_at` becomes
    `finished_at` (renamed, so every row keeps its time), attempts and a start time join
    it (0 attempts, no start time for existing rows)."""

    dependencies = [
        ("cycles", "0007_actionhandover_moves_to_actions"),
    ]

    operations = [
        migrations.RenameField(
            model_name="report",
            old_name="generated_at",
            new_name="finished_at",
        ),
        migrations.AddField(
            model_name="report",
            name="attempts",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="Deliveries that started work on it."
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="report",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="report",
            name="file",
            field=models.FileField(blank=True, upload_to=t2a.models.job_file_name),
        ),
    ]
