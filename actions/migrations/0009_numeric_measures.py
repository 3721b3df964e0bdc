"""Measures may be numbers: a unit, a baseline and target as numbers, and a measured value
with its date on each progress update.

Every existing action keeps its row and its words: `measure_kind` is filled with
"qualitative" on each one, so a baseline and target written as text stay valid as a
measure in words (actions/tests/test_migrations.py runs this forward over such rows).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0008_honest_public_page_and_signoff_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="baseline_value",
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name="action",
            name="measure_kind",
            field=models.CharField(
                choices=[("qualitative", "In words"), ("numeric", "With a number")],
                default="qualitative",
                max_length=12,
                verbose_name="how it is measured",
            ),
        ),
        migrations.AddField(
            model_name="action",
            name="measure_unit",
            field=models.CharField(blank=True, max_length=40, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="action",
            name="target_value",
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name="progressupdate",
            name="measured_on",
            field=models.DateField(blank=True, null=True, verbose_name="date measured"),
        ),
        migrations.AddField(
            model_name="progressupdate",
            name="measured_value",
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("baseline_value__isnull", True),
                        ("measure_kind", "qualitative"),
                        ("measure_unit", ""),
                        ("target_value__isnull", True),
                    ),
                    models.Q(
                        ("baseline", ""),
                        ("baseline_value__isnull", False),
                        ("measure_kind", "numeric"),
                        ("target", ""),
                        ("target_value__isnull", False),
                        models.Q(("measure_unit", ""), _negated=True),
                        models.Q(("metric", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="action_measure_in_words_or_numbers",
            ),
        ),
        migrations.AddConstraint(
            model_name="progressupdate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("measured_on__isnull", True), ("measured_value__isnull", True)),
                    models.Q(("measured_on__isnull", False), ("measured_value__isnull", False)),
                    _connector="OR",
                ),
                name="progress_measured_value_has_date",
            ),
        ),
    ]
