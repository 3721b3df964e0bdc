from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_unread(apps, schema_editor):
    """Fill each membership's counter from the unread notifications it already has."""
    Membership = apps.get_model("t2a", "Membership")
    Notification = apps.get_model("t2a", "Notification")
    unread = (
        Notification._base_manager.filter(
            organisation_id=OuterRef("organisation_id"),
            recipient_id=OuterRef("user_id"),
            read_at__isnull=True,
        )
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Membership._base_manager.update(unread_notifications=Coalesce(Subquery(unread), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("t2a", "0010_organisation_old_slugs"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="unread_notifications",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_unread, migrations.RunPython.noop),
    ]
