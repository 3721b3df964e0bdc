from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from .views import audit, errors, export, members, notifications, organisations

# The admin signs in through allauth, so it gets allauth's rate limits and MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

tenant_patterns = [
    path("", organisations.organisation_home, name="organisation_home"),
    path("settings/", organisations.organisation_settings, name="organisation_settings"),
    path("settings/export/", export.organisation_export, name="organisation_export"),
    path(
        "settings/export/<int:export_pk>/download/",
        export.organisation_export_download,
        name="organisation_export_download",
    ),
    path("settings/delete/", export.organisation_delete, name="organisation_delete"),
    path("members/", members.members, name="members"),
    path("members/invite/", members.member_invite, name="member_invite"),
    path(
        "members/<int:membership_pk>/role/",
        members.member_change_role,
        name="member_change_role",
    ),
    path("members/<int:membership_pk>/remove/", members.member_remove, name="member_remove"),
    path(
        "invitations/<int:invitation_pk>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_pk>/send-again/",
        members.invitation_send_again,
        name="invitation_send_again",
    ),
    path("join/<str:token>/", members.invitation_accept, name="invitation_accept"),
    path(
        "notifications/<int:notification_pk>/send-again/",
        notifications.notification_send_again,
        name="notification_send_again",
    ),
    path("notifications/", notifications.notifications_page, name="notifications"),
    path("audit/", audit.audit_trail, name="audit_trail"),
    path("cycles/", include("cycles.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("listening/", include("feedback.urls.listening")),
    path("actions/", include("actions.urls")),
]

urlpatterns = [
    path("", organisations.home, name="home"),
    path("health/", errors.health, name="health"),
    path("organisations/", organisations.organisation_chooser, name="organisation_chooser"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("o/<slug:org_slug>/", include(tenant_patterns)),
    path("p/<slug:org_slug>/", include("feedback.urls.public")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "t2a.views.errors.permission_denied"
handler404 = "t2a.views.errors.page_not_found"
handler500 = "t2a.views.errors.server_error"
