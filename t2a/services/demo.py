"""Demo data for `manage.py seed_demo`: a realistic organisation with one person per role."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django_scopes import scope

from ..models import Membership, Organisation, Role, User
from ..registry import DemoData, registry

DEMO_PASSWORD = "t2a-demo-password"  # printed by seed_demo; demo data only

DEMO_PEOPLE = [
    (Role.ADMIN, "Amira Okafor", "admin@example.org"),
    (Role.ENGAGEMENT_LEAD, "Dan Whitfield", "lead@example.org"),
    (Role.COMMUNITY_LEAD, "Shanice Campbell", "community@example.org"),
    (Role.GOVERNANCE, "Ravi Mehta", "governance@example.org"),
]


@dataclass
class DemoOrganisation:
    organisation: Organisation
    people: dict[str, User]


def demo_user(*, email: str, full_name: str, password: str = DEMO_PASSWORD) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_organisation_seed(
    *, name: str = "Northgate Health and Care Partnership", slug: str = "northgate"
) -> DemoOrganisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "brand_colour": "#005eb8"}
    )
    people = {}
    with scope(organisation=organisation.pk):
        for role, full_name, email in DEMO_PEOPLE:
            if slug != "northgate":
                email = email.replace("@", f"+{slug}@")
            user = demo_user(email=email, full_name=full_name)
            Membership.objects.get_or_create(
                organisation=organisation, user=user, defaults={"role": role}
            )
            people[role] = user
    return DemoOrganisation(organisation=organisation, people=people)


def demo_data_seed(demo: DemoOrganisation, *, large: bool = False) -> None:
    """Every app's demo rows for `demo` (registered with `app.demo`), bottom app first."""
    for seeder in registry.all(DemoData):
        seeder.call("seed", demo, large=large)
