# ActionHandover points at actions.Action, so it belongs to the actions app (foreign keys
# point only down the stack). The table stays; actions/0006 takes the model over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0006_closure_checklist_and_handovers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ActionHandover")],
            database_operations=[],
        ),
    ]
