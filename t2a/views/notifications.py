"""The member's notifications and how they want them emailed."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import policies
from ..forms import (
    NotificationPreferenceForm,
)
from ..models import (
    Notification,
    NotificationPreference,
)
from ..selectors import message_states
from ..services import notifications, outbox
from ..tenancy import allowed_by


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
                organisation=request.organisation, recipient=request.user, notification_ids=None
            )
            messages.success(request, f"Marked {count} as read.")
            return redirect("notifications", org_slug=request.organisation.slug)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.user = request.user
            saved.save()
            messages.success(request, "Your email choice is saved.")
            return redirect("notifications", org_slug=request.organisation.slug)
    items = list(Notification.objects.filter(recipient=request.user)[:50])
    states = message_states(Notification, [item.pk for item in items])
    for item in items:
        item.email_state = states.get(item.pk)
    return render(request, "t2a/notifications/list.html", {"items": items, "form": form})


@require_POST
@allowed_by(policies.can_view_organisation)
def notification_send_again(request: HttpRequest, notification_pk: int) -> HttpResponse:
    """Queue again the email of one of the member's own notifications that failed."""
    notification = get_object_or_404(
        Notification.objects.filter(recipient=request.user), pk=notification_pk
    )
    state = message_states(Notification, [notification.pk]).get(notification.pk)
    if state is not None and outbox.message_send_again(message=state.message):
        messages.success(request, f"The email about “{notification.title}” is queued again.")
    else:
        messages.info(request, "That email has not failed, so there is nothing to send again.")
    return redirect("notifications", org_slug=request.organisation.slug)
