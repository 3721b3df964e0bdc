# Takes over feedback.ReportBack's links to actions and progress updates (feedback/0005):
# the same join tables and columns (reportback_id, action_id / progressupdate_id), first
# under their old names, then renamed to the actions app's names.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_actionhandover_from_cycles"),
        ("feedback", "0005_report_back_links_move_to_actions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="action",
                    name="report_backs",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="actions",
                        to="feedback.reportback",
                        db_table="feedback_reportback_actions",
                    ),
                ),
                migrations.AddField(
                    model_name="progressupdate",
                    name="report_backs",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="progress_updates",
                        to="feedback.reportback",
                        db_table="feedback_reportback_progress_updates",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="action",
            name="report_backs",
            field=models.ManyToManyField(
                blank=True, related_name="actions", to="feedback.reportback"
            ),
        ),
        migrations.AlterField(
            model_name="progressupdate",
            name="report_backs",
            field=models.ManyToManyField(
                blank=True, related_name="progress_updates", to="feedback.reportback"
            ),
        ),
    ]
