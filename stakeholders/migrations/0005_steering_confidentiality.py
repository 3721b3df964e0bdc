"""Steering-group records get a confidentiality level, and the group a chair.

Meetings and decisions recorded before this keep what everyone in the organisation could
already read ("the organisation"): the column is added with that default, which fills
every existing row, and only then does the default become "steering-group members only"
for what is recorded from now on.
"""

from django.db import migrations, models

LEVELS = [
    ("members", "Steering-group members only"),
    ("organisation", "The organisation"),
    ("public_summary", "May be summarised publicly"),
]


def level(default: str, label: str) -> models.CharField:
    return models.CharField(choices=LEVELS, default=default, max_length=20, verbose_name=label)


MEETING = "Who may read the agenda, minutes and attendees"
DECISION = "Who may read this decision"


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0004_stakeholder_erasure_and_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="steeringmeeting",
            name="confidentiality",
            field=level("organisation", MEETING),
        ),
        migrations.AddField(
            model_name="steeringdecision",
            name="confidentiality",
            field=level("organisation", DECISION),
        ),
        migrations.AlterField(
            model_name="steeringmeeting",
            name="confidentiality",
            field=level("members", MEETING),
        ),
        migrations.AlterField(
            model_name="steeringdecision",
            name="confidentiality",
            field=level("members", DECISION),
        ),
        migrations.AddField(
            model_name="steeringgroupmember",
            name="is_chair",
            field=models.BooleanField(default=False, verbose_name="Chair of the group"),
        ),
        migrations.AddConstraint(
            model_name="steeringgroupmember",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_chair", True)),
                fields=("organisation", "cycle"),
                name="steering_member_one_chair",
                violation_error_message="The steering group already has a chair.",
            ),
        ),
    ]
