"""URLs under /o/<org_slug>/cycles/ (see t2a/urls.py)."""

from django.urls import path

from . import closure_views, report_views, views

app_name = "cycles"

cycle = "<int:cycle_pk>/"
case = cycle + "case-for-change/"
toc = cycle + "theory-of-change/"
ethics = cycle + "ethics/"
closure = cycle + "closure/"

urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("new/", views.cycle_create, name="cycle_create"),
    path(cycle, views.cycle_detail, name="cycle_detail"),
    path(cycle + "edit/", views.cycle_edit, name="cycle_edit"),
    path(
        cycle + "stage/advance/",
        views.cycle_stage_change,
        {"direction": "advance"},
        name="cycle_stage_advance",
    ),
    path(
        cycle + "stage/back/",
        views.cycle_stage_change,
        {"direction": "back"},
        name="cycle_stage_back",
    ),
    path(case, views.case_for_change, name="case_for_change"),
    path(case + "edit/", views.case_for_change_edit, name="case_for_change_edit"),
    path(case + "agree/", views.case_for_change_agree, name="case_for_change_agree"),
    path(case + "sources/new/", views.data_source_create, name="data_source_create"),
    path(
        case + "sources/<int:data_source_pk>/edit/", views.data_source_edit, name="data_source_edit"
    ),
    path(
        case + "sources/<int:data_source_pk>/delete/",
        views.data_source_delete,
        name="data_source_delete",
    ),
    path(case + "inequalities/new/", views.inequality_row_create, name="inequality_row_create"),
    path(
        case + "inequalities/<int:inequality_row_pk>/edit/",
        views.inequality_row_edit,
        name="inequality_row_edit",
    ),
    path(
        case + "inequalities/<int:inequality_row_pk>/delete/",
        views.inequality_row_delete,
        name="inequality_row_delete",
    ),
    path(toc, views.theory_of_change, name="theory_of_change"),
    path(toc + "items/new/", views.toc_item_create, name="toc_item_create"),
    path(toc + "items/<int:toc_item_pk>/edit/", views.toc_item_edit, name="toc_item_edit"),
    path(toc + "items/<int:toc_item_pk>/move/", views.toc_item_move, name="toc_item_move"),
    path(toc + "items/<int:toc_item_pk>/delete/", views.toc_item_delete, name="toc_item_delete"),
    path(toc + "agree/", views.theory_of_change_agree, name="theory_of_change_agree"),
    path(cycle + "inclusion/", views.inclusion_prompts, name="inclusion_prompts"),
    path(ethics, views.ethics_log, name="ethics_log"),
    path(ethics + "new/", views.ethics_entry_create, name="ethics_entry_create"),
    path(ethics + "<int:ethics_entry_pk>/edit/", views.ethics_entry_edit, name="ethics_entry_edit"),
    # Responsible closure and the next iteration (issue 8)
    path(closure, closure_views.closure_checklist, name="closure"),
    path(closure + "start/", closure_views.closure_start, name="closure_start"),
    path(closure + "close/", closure_views.cycle_close, name="cycle_close"),
    path(
        closure + "steps/<slug:closure_key>/",
        closure_views.closure_item_edit,
        name="closure_item_edit",
    ),
    path(cycle + "next-iteration/", closure_views.next_iteration, name="next_iteration"),
    # PDF reports (issue 8)
    path(cycle + "reports/", report_views.report_list, name="report_list"),
    path(
        cycle + "reports/<int:report_pk>/download/",
        report_views.report_download,
        name="report_download",
    ),
    path(cycle + "reports/<int:report_pk>/retry/", report_views.report_retry, name="report_retry"),
]
