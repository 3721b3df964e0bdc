"""The member's notifications and how they want them emailed."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import policies
from ..forms import (
    NotificationPreferenceForm,
)
from ..models import (
    Notification,
    NotificationPreference,
)
from ..services import notifications
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
    return render(request, "t2a/notifications/list.html", {"items": items, "form": form})
