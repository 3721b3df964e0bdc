# A report-back's "we did" links (actions, progress updates) point up the stack, so the
# actions app declares them (actions/0007); their tables and rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_pulse_survey_link_made_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="reportback", name="actions"),
                migrations.RemoveField(model_name="reportback", name="progress_updates"),
            ],
            database_operations=[],
        ),
    ]
