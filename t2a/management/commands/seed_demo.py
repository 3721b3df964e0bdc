from django.core.management.base import BaseCommand
from django.db import transaction

from t2a.services.demo import DEMO_PASSWORD, demo_data_seed, demo_organisation_seed
from t2a.services.notifications import notifications_held


class Command(BaseCommand):
    help = "Create (or top up) the demo organisation. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--large",
            action="store_true",
            help="Also build the large benchmark organisation.",
        )

    def handle(self, *args, large: bool = False, **options):
        # Demo data sends nothing: notifications made while seeding stay in-app, and the
        # reminders the demo has due go out from the periodic sweep like any others.
        with transaction.atomic(), notifications_held():
            demo = demo_organisation_seed()
            demo_data_seed(demo)
            if large:
                big = demo_organisation_seed(name="Eastbrook Community Health", slug="eastbrook")
                demo_data_seed(big, large=True)

        self.stdout.write(self.style.SUCCESS(f"Demo organisation: {demo.organisation.name}"))
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ with:")
        for role, user in demo.people.items():
            self.stdout.write(f"  {role.label:<26} {user.email:<26} password: {DEMO_PASSWORD}")
