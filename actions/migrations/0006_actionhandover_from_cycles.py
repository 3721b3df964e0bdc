# Takes over cycles.ActionHandover (its table, rows, content type and audit entries), then
# renames the table to the actions app's name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    """The content type row moves with the model, so audit entries keep pointing at it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="actions", model="actionhandover").exists():
        ContentType.objects.filter(app_label="cycles", model="actionhandover").update(
            app_label="actions"
        )


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="cycles", model="actionhandover").exists():
        ContentType.objects.filter(app_label="actions", model="actionhandover").update(
            app_label="cycles"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_evaluation_and_ripple_effects"),
        ("cycles", "0007_actionhandover_moves_to_actions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("t2a", "0006_organisation_stakeholder_retention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActionHandover",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("handed_over_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "action",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="actions.action",
                            ),
                        ),
                        (
                            "carried_to",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="actions.action",
                            ),
                        ),
                        (
                            "cycle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="action_handovers",
                                to="cycles.cycle",
                            ),
                        ),
                        (
                            "handed_over_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "next_cycle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="cycles.cycle",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="t2a.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cycles_actionhandover",
                        "ordering": ["pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organisation", "action"), name="action_handed_over_once"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("cycle", models.F("next_cycle")), _negated=True
                                ),
                                name="action_handover_to_another_cycle",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="actionhandover", table=None),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
