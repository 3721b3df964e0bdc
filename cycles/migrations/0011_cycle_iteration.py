from django.db import migrations, models


def number_iterations(apps, schema_editor):
    """Each existing cycle's place in its chain of iterations (1 for a first cycle)."""
    Cycle = apps.get_model("cycles", "Cycle")
    previous = dict(Cycle._base_manager.values_list("pk", "previous_iteration_id"))
    for pk in previous:
        number, seen, at = 1, {pk}, previous[pk]
        while at is not None and at not in seen:
            seen.add(at)
            number, at = number + 1, previous.get(at)
        if number > 1:
            Cycle._base_manager.filter(pk=pk).update(iteration=number)


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0010_inequality_source_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="iteration",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.RunPython(number_iterations, migrations.RunPython.noop),
    ]
