"""URLs under /o/<org_slug>/listening/, for members (see t2a/urls.py)."""

from django.urls import path

from ..views import activities, insight, public_page, pulse, reading_ease, report_backs, themes

app_name = "feedback"
urlpatterns = [
    path("", activities.listening_home, name="home"),
    path("cycles/<int:cycle_pk>/", activities.cycle_listening, name="cycle"),
    path(
        "cycles/<int:cycle_pk>/activities/new/",
        activities.activity_create,
        name="activity_create",
    ),
    path("cycles/<int:cycle_pk>/insights/", insight.insight_list, name="insight_list"),
    path("cycles/<int:cycle_pk>/insights/new/", insight.insight_create, name="insight_create"),
    path("cycles/<int:cycle_pk>/themes/", themes.theme_list, name="theme_list"),
    path("cycles/<int:cycle_pk>/themes/suggest/", themes.theme_suggest, name="theme_suggest"),
    path("activities/<int:activity_pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:activity_pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("insights/<int:insight_pk>/", insight.insight_detail, name="insight_detail"),
    path("insights/<int:insight_pk>/edit/", insight.insight_edit, name="insight_edit"),
    path("insights/<int:insight_pk>/closure/", insight.insight_closure, name="insight_closure"),
    path("themes/<int:theme_pk>/merge/", themes.theme_merge, name="theme_merge"),
    path("reading-ease/", reading_ease.reading_ease, name="reading_ease"),
    path(
        "cycles/<int:cycle_pk>/report-backs/",
        report_backs.report_back_list,
        name="report_back_list",
    ),
    path(
        "cycles/<int:cycle_pk>/report-backs/new/",
        report_backs.report_back_create,
        name="report_back_create",
    ),
    path(
        "report-backs/<int:report_back_pk>/",
        report_backs.report_back_detail,
        name="report_back_detail",
    ),
    path(
        "report-backs/<int:report_back_pk>/edit/",
        report_backs.report_back_edit,
        name="report_back_edit",
    ),
    path(
        "report-backs/<int:report_back_pk>/publish/",
        report_backs.report_back_publish,
        name="report_back_publish",
    ),
    path(
        "cycles/<int:cycle_pk>/public-page/",
        public_page.public_page_settings,
        name="public_page_settings",
    ),
    path(
        "cycles/<int:cycle_pk>/public-page/preview/",
        public_page.public_page_preview,
        name="public_page_preview",
    ),
    path("cycles/<int:cycle_pk>/trust-pulse/", pulse.pulse_results, name="pulse"),
    path("cycles/<int:cycle_pk>/trust-pulse/open/", pulse.pulse_open, name="pulse_open"),
    path("cycles/<int:cycle_pk>/trust-pulse/close/", pulse.pulse_close, name="pulse_close"),
    path(
        "cycles/<int:cycle_pk>/trust-pulse/new-link/",
        pulse.pulse_new_link,
        name="pulse_new_link",
    ),
]
