"""Enumerate every URL pattern under `/o/<org_slug>/` and fill it with real ids.

Each URL keyword needs a filler: a function that builds (or finds) a row of the given
organisation and returns the value to put in the URL. Later issues add their keywords to
FILLERS; a pattern whose keyword has no filler makes the walker fail loudly.
"""

import re
from collections.abc import Callable, Iterator

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scope, scopes_disabled

from actions.tests.walker_fillers import FILLERS as actions_fillers
from cycles.tests.walker_fillers import FILLERS as cycles_fillers
from feedback.tests.walker_fillers import FILLERS as feedback_fillers
from stakeholders.tests.walker_fillers import FILLERS as stakeholders_fillers
from t2a.models import (
    Invitation,
    JobStatus,
    Membership,
    Notification,
    Organisation,
    OrganisationExport,
    Role,
)
from t2a.services import organisations as services

from .cast import make_member

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def iter_routes(patterns=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """Yield (route, pattern) for every leaf URL pattern, with its full route string."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from iter_routes(entry.url_patterns, route)
        else:
            yield route, entry


def tenant_routes(prefix: str = "o/<slug:org_slug>/") -> list[tuple[str, URLPattern]]:
    return [(route, p) for route, p in iter_routes() if route.startswith(prefix)]


def _membership(org: Organisation) -> str:
    user = make_member(org, Role.COMMUNITY_LEAD, f"walker-member@{org.slug}.example.org")
    with scopes_disabled():
        return str(Membership.objects.get(organisation=org, user=user).pk)


def _invitation(org: Organisation) -> str:
    with scopes_disabled():
        return str(
            Invitation.objects.create(
                organisation=org,
                email=f"walker-invitee@{org.slug}.example.org",
                role=Role.GOVERNANCE,
                token_hash="walker" + org.slug,
            ).pk
        )


def _notification(org: Organisation) -> str:
    user = make_member(org, Role.GOVERNANCE, f"walker-notified@{org.slug}.example.org")
    with scopes_disabled():
        notification = Notification.objects.create(
            organisation=org, recipient=user, kind="walker", title="A walker notification"
        )
    return str(notification.pk)


def _token(org: Organisation) -> str:
    # A real, open invitation of `org`, reached through its raw token.

    with scope(organisation=org.pk):
        _, token = services.invitation_create(
            organisation=org,
            email=f"walker-token@{org.slug}.example.org",
            role=Role.ENGAGEMENT_LEAD,
            invited_by=None,
        )
    return token


def _export(org: Organisation) -> str:
    # A finished organisation export with its file (the download view would serve it).

    with scopes_disabled():
        export = OrganisationExport(organisation=org, status=JobStatus.DONE)
        export.file.save("walker.zip", ContentFile(b"PK walker"), save=True)
    return str(export.pk)


FILLERS: dict[str, Callable[[Organisation], str]] = {
    "membership_pk": _membership,
    "export_pk": _export,
    "invitation_pk": _invitation,
    "notification_pk": _notification,
    "token": _token,
}

# Each app keeps fillers for its own URL keywords in `<app>/tests/walker_fillers.py`, as a
# dict named FILLERS (keyword -> function(organisation) -> value for the URL).
for _app, _fillers in [
    ("cycles", cycles_fillers),
    ("stakeholders", stakeholders_fillers),
    ("feedback", feedback_fillers),
    ("actions", actions_fillers),
]:
    _clash = FILLERS.keys() & _fillers.keys()
    if _clash:
        raise RuntimeError(f"{_app} redefines walker fillers {sorted(_clash)}")
    FILLERS.update(_fillers)


def fill(route: str, org: Organisation, cache: dict[str, str]) -> str:
    """Turn a route into a concrete path for `org`, building each object once."""

    def value(match: re.Match) -> str:
        name = match.group("name")
        if name == "org_slug":
            return org.slug
        if name not in cache:
            if name not in FILLERS:
                raise LookupError(
                    f"No filler for URL keyword {name!r} in {route!r}: add one to "
                    "tests/walker.py FILLERS so the tenant-isolation walker can test it."
                )
            cache[name] = FILLERS[name](org)
        return cache[name]

    return "/" + PARAM.sub(value, route)
