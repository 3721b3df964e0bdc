from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import audit_views, views

# The admin signs in through allauth, so it gets allauth's rate limits and MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

tenant_patterns = [
    path("", views.organisation_home, name="organisation_home"),
    path("settings/", views.organisation_settings, name="organisation_settings"),
    path("settings/export/", views.organisation_export, name="organisation_export"),
    path(
        "settings/export/<int:export_pk>/download/",
        views.organisation_export_download,
        name="organisation_export_download",
    ),
    path("settings/delete/", views.organisation_delete, name="organisation_delete"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<int:membership_pk>/role/", views.member_change_role, name="member_change_role"),
    path("members/<int:membership_pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("audit/", audit_views.audit_trail, name="audit_trail"),
    path("cycles/", include("cycles.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("listening/", include("feedback.urls")),
    path("actions/", include("actions.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("o/<slug:org_slug>/", include(tenant_patterns)),
    path("p/<slug:org_slug>/", include("feedback.public_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "t2a.views.permission_denied"
handler404 = "t2a.views.page_not_found"
handler500 = "t2a.views.server_error"
