"""Platform views: home, organisations, members and invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import notifications, policies, privacy, services
from .forms import (
    AcceptInvitationForm,
    InvitationForm,
    NotificationPreferenceForm,
    OrganisationDeleteForm,
    OrganisationForm,
    OrganisationSettingsForm,
    RoleForm,
)
from .models import (
    Invitation,
    JobStatus,
    Membership,
    Notification,
    NotificationPreference,
    OrganisationExport,
    Role,
)
from .tenancy import allowed_by, mfa_exempt, tenant_public


def add_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "t2a/landing.html")
    memberships = (
        Membership.across_organisations.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(request, "t2a/home.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(
            name=form.cleaned_data["name"],
            brand_colour=form.cleaned_data["brand_colour"],
            creator=request.user,
        )
        messages.success(request, f"{organisation.name} is ready. You are its admin.")
        return redirect("organisation_home", org_slug=organisation.slug)
    return render(request, "t2a/organisation_create.html", {"form": form})


@require_GET
@allowed_by(policies.can_view_organisation)
def organisation_home(request: HttpRequest) -> HttpResponse:
    return render(request, "t2a/organisation_home.html")


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_organisation)
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationSettingsForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Organisation settings saved.")
        return redirect("organisation_settings", org_slug=organisation.slug)
    status = 400 if form.is_bound else 200
    return render(request, "t2a/organisation_settings.html", {"form": form}, status=status)


def _members_context(request: HttpRequest, invite_form: InvitationForm | None = None) -> dict:
    members = Membership.objects.select_related("user").order_by("user__full_name", "user__email")
    invitations = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    admin_count = Membership.objects.filter(role=Role.ADMIN).aggregate(n=Count("pk"))["n"]
    return {
        "members": members,
        "invitations": invitations,
        "invite_form": invite_form or InvitationForm(),
        "role_choices": Role.choices,
        "admin_count": admin_count,
    }


@require_GET
@allowed_by(policies.can_manage_members)
def members(request: HttpRequest) -> HttpResponse:
    return render(request, "t2a/members.html", _members_context(request))


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
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("members", org_slug=request.organisation.slug)
    return render(request, "t2a/members.html", _members_context(request, form), status=400)


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
            "t2a/members.html#member_row",
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
    return render(request, "t2a/member_remove.html", {"member": membership})


@require_POST
@allowed_by(policies.can_manage_members)
def invitation_revoke(request: HttpRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_pk)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
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
        return render(request, "t2a/invitation_closed.html", {"invitation": invitation}, status=410)

    from .models import User

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
    return render(
        request,
        "t2a/invitation_accept.html",
        {"invitation": invitation, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """A trivial view for load balancers and the benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Keep the 500 page free of context processors that might be what failed.
    from django.template.loader import get_template

    return HttpResponse(get_template("500.html").render(), status=500)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_view_organisation)
def notifications_page(request: HttpRequest) -> HttpResponse:
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = NotificationPreferenceForm(
        request.POST or None,
        instance=preference or NotificationPreference(organisation=request.organisation),
    )
    if request.method == "POST":
        if "mark_read" in request.POST:
            count = notifications.notification_mark_read(
                recipient=request.user, notification_ids=None
            )
            messages.success(request, f"Marked {count} as read.")
            return redirect("notifications", org_slug=request.organisation.slug)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.user = request.user
            saved.save()
            messages.success(request, "Your email choice is saved.")
            return redirect("notifications", org_slug=request.organisation.slug)
    items = Notification.objects.filter(recipient=request.user)[:50]
    return render(request, "t2a/notifications.html", {"items": items, "form": form})


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_organisation)
def organisation_export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        privacy.organisation_export_request(
            organisation=request.organisation, requested_by=request.user
        )
        messages.success(request, "Your export is being prepared. This page updates by itself.")
        return redirect("organisation_export", org_slug=request.organisation.slug)
    exports = OrganisationExport.objects.select_related("requested_by")[:10]
    pending = any(e.status in (JobStatus.QUEUED, JobStatus.RUNNING) for e in exports)
    template = (
        "t2a/organisation_export.html#export_list"
        if request.htmx
        else ("t2a/organisation_export.html")
    )
    return render(request, template, {"exports": exports, "pending": pending})


@require_GET
@allowed_by(policies.can_manage_organisation)
def organisation_export_download(request: HttpRequest, export_pk: int) -> HttpResponse:
    export = get_object_or_404(OrganisationExport, pk=export_pk, status=JobStatus.DONE)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"{request.organisation.slug}-export-{export.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_organisation)
def organisation_delete(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.organisation_delete(
                organisation=organisation, typed_name=form.cleaned_data["confirm_name"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{organisation.name} and all its data have been deleted.")
            return redirect("home")
    counts = privacy.organisation_row_counts(organisation=organisation)
    return render(
        request,
        "t2a/organisation_delete.html",
        {"form": form, "counts": counts},
        status=400 if form.is_bound else 200,
    )
