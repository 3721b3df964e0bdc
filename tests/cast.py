"""Plain builders for test rows. They disable scopes only while building."""

from allauth.account.models import EmailAddress
from django_scopes import scopes_disabled

from t2a.models import Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, full_name: str = "", password: str = PASSWORD) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_organisation(name: str, slug: str, **extra) -> Organisation:
    return Organisation.objects.create(name=name, slug=slug, **extra)


def make_member(organisation: Organisation, role: Role | str, email: str) -> User:
    user = User.objects.filter(email=email).first() or make_user(
        email, full_name=email.split("@")[0].replace(".", " ").title()
    )
    with scopes_disabled():
        Membership.objects.create(organisation=organisation, user=user, role=role)
    return user
