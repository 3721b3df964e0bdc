"""Tenant routing: `/o/<org-slug>/…` and `/p/<org-slug>/…` resolve the organisation.

Everything an organisation owns is reached under its slug. The middleware looks up the
organisation and the signed-in person's membership, answers 404 to non-members (never
403, which would confirm the organisation exists), and runs the view inside a django-scopes
scope so that any query on a tenant-owned model is limited to that organisation. Outside
such URLs no scope is active, and tenant-owned queries raise.
"""

from collections.abc import Callable
from functools import cache, wraps

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django_scopes import scope, scopes_disabled

from .models import Membership, OldSlug, Organisation

ORG_KWARG = "org_slug"


def tenant_public(view: Callable) -> Callable:
    """Mark a tenant view as open to people who are not (yet) members, such as an invitation."""
    view.tenant_public = True
    return view


def mfa_exempt(view: Callable) -> Callable:
    """Mark a view reachable before a member has enrolled in MFA (sign-out, MFA pages)."""
    view.mfa_exempt = True
    return view


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.namespace == "admin" and request.user.is_superuser:
            # The Django admin is for superusers only and deliberately sees every tenant.
            with scopes_disabled():
                return self.get_response(request)
        slug = match.kwargs.get(ORG_KWARG)
        if slug is None:
            return self.get_response(request)

        public = getattr(match.func, "tenant_public", False)
        if not public:
            # The usual way in: the member, their organisation and their role in one
            # query, read afresh on every request (a role change or a removal counts from
            # the very next request, and the organisation's data version, which names its
            # cached pages, is current), the person checked as Django's own sign-in
            # check would. Anything else takes the long way below.
            membership = _member_from_session(request, slug)
            if membership is not None:
                request.membership = membership
                request.organisation = membership.organisation
                with scope(organisation=membership.organisation_id):
                    return self.get_response(request)
        if not public and not request.user.is_authenticated:
            # Before the organisation is looked up: a stranger signed out is sent to sign
            # in whether or not the slug exists, so the answer says nothing about it.
            return redirect_to_login(request.get_full_path())
        if public:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                moved = _moved(request, match, slug, public=True)
                if moved is not None:
                    return moved
                raise Http404("No such organisation.")
        else:
            membership = (
                Membership.across_organisations.select_related("organisation")
                .filter(organisation__slug=slug, user=request.user)
                .first()
            )
            if membership is None:
                moved = _moved(request, match, slug, public=False)
                if moved is not None:
                    return moved
                raise Http404("Not a member of this organisation.")
            membership.user = request.user
            organisation = membership.organisation
            request.membership = membership
        request.organisation = organisation
        with scope(organisation=organisation.pk):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The middleware has resolved the slug into request.organisation, so views take
        # only their own arguments.
        view_kwargs.pop(ORG_KWARG, None)
        return None


def _member_from_session(request: HttpRequest, slug: str) -> Membership | None:
    """The signed-in person's membership of the organisation `slug`, with the person and
    the organisation, in one query; None when there is no such membership or the session
    does not hold a sign-in that django.contrib.auth.get_user would accept without more
    (then the caller asks it, which also clears a session that no longer holds)."""
    if hasattr(request, "_cached_user"):
        return None  # someone has loaded the user already: nothing to save
    session = request.session
    user_id = session.get(SESSION_KEY)
    backend_path = session.get(BACKEND_SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    if not user_id or not session_hash or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = load_backend(backend_path)
    if type(backend).get_user is not ModelBackend.get_user:
        return None
    try:
        pk = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    membership = _membership_with_user_and_organisation(slug, pk)
    if membership is None:
        return None
    user = membership.user
    if not backend.user_can_authenticate(user) or not constant_time_compare(
        session_hash, user.get_session_auth_hash()
    ):
        return None
    request._cached_user = user  # what request.user (AuthenticationMiddleware) returns
    return membership


def _membership_with_user_and_organisation(slug: str, user_pk) -> Membership | None:
    """The membership of `user_pk` in the organisation `slug`, with both loaded. Every
    organisation page asks this first, so on PostgreSQL it runs one fixed statement built
    once per process rather than compiling the ORM query (most of this step's time)."""
    if connection.vendor != "postgresql":
        found = (
            Membership.across_organisations.select_related("organisation", "user")
            .filter(organisation__slug=slug, user_id=user_pk)
            .order_by()[:1]
        )
        return next(iter(found), None)
    sql, models = _member_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, user_pk])
        row = cursor.fetchone()
    if row is None:
        return None
    loaded, start = [], 0
    for model in models:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        loaded.append(model.from_db(connection.alias, [f.attname for f in fields], values))
        start += len(fields)
    membership, organisation, user = loaded
    membership.organisation = organisation
    membership.user = user
    return membership


@cache
def _member_statement() -> tuple[str, tuple]:
    """SELECT membership, organisation and user columns (in the models' field order) of the
    membership of a person (by id) in an organisation (by slug): at most one row."""
    quote = connection.ops.quote_name
    models = (Membership, Organisation, get_user_model())
    columns = ", ".join(
        f"{alias}.{quote(field.column)}"
        for alias, model in zip("mou", models, strict=True)
        for field in model._meta.concrete_fields
    )
    member, organisation, user = (model._meta for model in models)
    member_org = quote(member.get_field("organisation").column)
    organisation_pk = quote(organisation.pk.column)
    member_user = quote(member.get_field("user").column)
    # Only the models' own table and column names are put in the text; slug and id are
    # parameters.
    sql = (
        f"SELECT {columns} FROM {quote(member.db_table)} m"  # noqa: S608
        f" JOIN {quote(organisation.db_table)} o ON o.{organisation_pk} = m.{member_org}"
        f" JOIN {quote(user.db_table)} u ON u.{quote(user.pk.column)} = m.{member_user}"
        f" WHERE o.{quote(organisation.get_field('slug').column)} = %s"
        f" AND m.{member_user} = %s LIMIT 1"
    )
    return sql, models


def _moved(request: HttpRequest, match, slug: str, *, public: bool) -> HttpResponse | None:
    """The same page under the organisation's current slug, when `slug` is one it had
    before (an OldSlug); None otherwise. Only after the slug found nothing, so a current
    slug costs no extra query. A signed-in person is sent on only if they are a member
    (anyone else gets the same 404 as for a made-up slug); a public page sends everyone."""
    old = OldSlug.objects.filter(slug=slug)
    if not public:
        members = Membership.across_organisations.filter(user=request.user)
        old = old.filter(organisation__in=members.values("organisation_id"))
    current = old.values_list("organisation__slug", flat=True).first()
    if current is None:
        return None
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, ORG_KWARG: current})
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)


class MFAEnforcementMiddleware:
    """Send a member of an MFA-required organisation to enrol before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        organisation = getattr(request, "organisation", None)
        if (
            organisation is None
            or request.membership is None
            or not organisation.mfa_required
            or getattr(view_func, "mfa_exempt", False)
        ):
            return None

        if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
            return None
        url = reverse("mfa_activate_totp")
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def allowed_by(policy: Callable[..., bool]) -> Callable:
    """Allow the view only when `policy(membership)` is true (others get 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.membership is None or not policy(request.membership):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
