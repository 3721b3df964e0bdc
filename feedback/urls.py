"""URLs under /o/<org_slug>/listening/ (see t2a/urls.py)."""

from django.urls import path

from . import pulse_views, views

app_name = "feedback"
urlpatterns = [
    path("", views.listening_home, name="home"),
    path("cycles/<int:cycle_pk>/", views.cycle_listening, name="cycle"),
    path("cycles/<int:cycle_pk>/activities/new/", views.activity_create, name="activity_create"),
    path("cycles/<int:cycle_pk>/insights/", views.insight_list, name="insight_list"),
    path("cycles/<int:cycle_pk>/insights/new/", views.insight_create, name="insight_create"),
    path("cycles/<int:cycle_pk>/themes/", views.theme_list, name="theme_list"),
    path("cycles/<int:cycle_pk>/themes/suggest/", views.theme_suggest, name="theme_suggest"),
    path("activities/<int:activity_pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:activity_pk>/edit/", views.activity_edit, name="activity_edit"),
    path("insights/<int:insight_pk>/", views.insight_detail, name="insight_detail"),
    path("insights/<int:insight_pk>/edit/", views.insight_edit, name="insight_edit"),
    path("insights/<int:insight_pk>/closure/", views.insight_closure, name="insight_closure"),
    path("themes/<int:theme_pk>/merge/", views.theme_merge, name="theme_merge"),
    path("reading-ease/", views.reading_ease, name="reading_ease"),
    path("cycles/<int:cycle_pk>/report-backs/", views.report_back_list, name="report_back_list"),
    path(
        "cycles/<int:cycle_pk>/report-backs/new/",
        views.report_back_create,
        name="report_back_create",
    ),
    path("report-backs/<int:report_back_pk>/", views.report_back_detail, name="report_back_detail"),
    path(
        "report-backs/<int:report_back_pk>/edit/", views.report_back_edit, name="report_back_edit"
    ),
    path(
        "report-backs/<int:report_back_pk>/publish/",
        views.report_back_publish,
        name="report_back_publish",
    ),
    path(
        "cycles/<int:cycle_pk>/public-page/",
        views.public_page_settings,
        name="public_page_settings",
    ),
    path(
        "cycles/<int:cycle_pk>/public-page/preview/",
        views.public_page_preview,
        name="public_page_preview",
    ),
    path("cycles/<int:cycle_pk>/trust-pulse/", pulse_views.pulse_results, name="pulse"),
    path("cycles/<int:cycle_pk>/trust-pulse/open/", pulse_views.pulse_open, name="pulse_open"),
    path("cycles/<int:cycle_pk>/trust-pulse/close/", pulse_views.pulse_close, name="pulse_close"),
    path(
        "cycles/<int:cycle_pk>/trust-pulse/new-link/",
        pulse_views.pulse_new_link,
        name="pulse_new_link",
    ),
]
