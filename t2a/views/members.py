"""Members and invitations: the members page, inviting, changing roles, removing a member
and accepting an invitation."""

from functools import cache

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import policies
from ..forms import (
    AcceptInvitationForm,
    InvitationForm,
    RoleForm,
    add_errors,
)
from ..htmx import render_form
from ..models import (
    Invitation,
    Membership,
    Role,
    User,
)
from ..selectors import message_states
from ..services import organisations as services
from ..tenancy import allowed_by, mfa_exempt, tenant_public


@cache
def _blank_invite_form_html() -> str:
    return str(InvitationForm())


def _members_context(request: HttpRequest, invite_form: InvitationForm | None = None) -> dict:
    members = list(
        Membership.objects.select_related("user").order_by("user__full_name", "user__email")
    )
    invitations = list(
        Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )
    states = message_states(Invitation, [invitation.pk for invitation in invitations])
    for invitation in invitations:
        invitation.email_state = states.get(invitation.pk)
    admin_count = sum(1 for member in members if member.role == Role.ADMIN)
    return {
        "members": members,
        "invitations": invitations,
        "invite_form": invite_form or InvitationForm(),
        # The empty form is the same on every visit: drawn once per process.
        "invite_form_html": "" if invite_form is not None else _blank_invite_form_html(),
        "role_choices": Role.choices,
        "admin_count": admin_count,
    }


@require_GET
@allowed_by(policies.can_manage_members)
def members(request: HttpRequest) -> HttpResponse:
    return render(request, "t2a/members/list.html", _members_context(request))


@require_POST
@allowed_by(policies.can_manage_members)
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _ = services.invitation_create(
                organisation=request.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Invitation to {invitation.email} queued. This page says when it has been sent.",
            )
            return redirect("members", org_slug=request.organisation.slug)
    return render_form(request, "t2a/members/list.html", _members_context(request, form), form=form)


@require_POST
@allowed_by(policies.can_manage_members)
def member_change_role(request: HttpRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk)
    form = RoleForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Choose a role from the list."
    if request.htmx:
        membership.refresh_from_db()
        return render(
            request,
            "t2a/members/list.html#member_row",
            {"member": membership, "role_choices": Role.choices, "row_error": error},
            # 200 even for an error: htmx does not swap 4xx responses, and the row carries it.
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("members", org_slug=request.organisation.slug)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_members)
def member_remove(request: HttpRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk)
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{membership.user} has been removed.")
        return redirect("members", org_slug=request.organisation.slug)
    return render(request, "t2a/members/remove.html", {"member": membership})


@require_POST
@allowed_by(policies.can_manage_members)
def invitation_revoke(request: HttpRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_pk)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
    return redirect("members", org_slug=request.organisation.slug)


@require_POST
@allowed_by(policies.can_manage_members)
def invitation_send_again(request: HttpRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_pk)
    try:
        services.invitation_send_again(invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"A new invitation to {invitation.email} is queued. The link in the earlier one "
            "no longer works.",
        )
    return redirect("members", org_slug=request.organisation.slug)


@tenant_public
@mfa_exempt
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    organisation = request.organisation
    invitation = services.invitation_for_token(organisation=organisation, token=token)
    if invitation is None:
        raise Http404("No such invitation.")
    signed_in = request.user.is_authenticated
    # Someone signed in with a different address must not learn who was invited.
    if signed_in and request.user.email.lower() != invitation.email.lower():
        raise Http404("This invitation is for someone else.")
    if not invitation.is_open:
        return render(
            request, "t2a/members/invitation_closed.html", {"invitation": invitation}, status=410
        )

    existing = signed_in or User.objects.filter(email__iexact=invitation.email).exists()
    if existing and not signed_in:
        messages.info(request, "You already have a T2A account. Sign in to accept.")
        return redirect_to_login(request.get_full_path())

    form = None if existing else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=request.user if signed_in else None,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("home")
        if not signed_in:
            login(
                request,
                membership.user,
                backend="allauth.account.auth_backends.AuthenticationBackend",
            )
        messages.success(request, f"Welcome to {organisation.name}.")
        return redirect("organisation_home", org_slug=organisation.slug)
    return render_form(
        request,
        "t2a/members/invitation_accept.html",
        {"invitation": invitation, "form": form},
        form=form,
    )
