"""What a report-back reports as "we did": the cycle's actions, and the progress updates on
them shared with the public.

`ActionsReported` and `UpdatesReported` answer feedback's plug-in point
"feedback.report_back_link" (the contract is `feedback.selectors.report_backs.ReportBackLink`): the
report-back form's field for each, and the reads (selectors/report_backs.py) and writes
(services/report_backs.py) behind it.
"""

from django import forms
from django.db.models import Count

from cycles.models import Cycle

from ..models import Action, ProgressUpdate
from ..selectors import report_backs as selectors
from ..services import report_backs as services


class UpdateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ProgressUpdate) -> str:
        narrative = obj.narrative if len(obj.narrative) <= 100 else obj.narrative[:99] + "\u2026"
        return f"{obj.action.title}, {obj.created_at:%-d %b %Y}: {narrative}"


def report_back_actions_field(cycle: Cycle) -> forms.ModelMultipleChoiceField:
    """The actions of the cycle's plan a report-back may report."""
    return forms.ModelMultipleChoiceField(
        queryset=Action.objects.filter(plan__cycle=cycle).order_by("title", "pk"),
        required=False,
        label="Actions this reports (optional)",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose actions from the list.",
            "invalid_pk_value": "Choose actions from the list.",
        },
    )


def report_back_updates_field(cycle: Cycle) -> UpdateChoiceField:
    """The progress updates of the cycle's actions shared with the public, which a
    report-back may report."""
    return UpdateChoiceField(
        queryset=ProgressUpdate.objects.filter(action__plan__cycle=cycle, public=True)
        .select_related("action")
        .order_by("-created_at", "-pk"),
        required=False,
        label="Progress updates this reports (optional)",
        widget=forms.CheckboxSelectMultiple,
        help_text="Only updates marked to share with the public are listed.",
        error_messages={
            "invalid_choice": "Choose progress updates from the list.",
            "invalid_pk_value": "Choose progress updates from the list.",
        },
    )


class ActionsReported:
    """The actions of the cycle's plan that a report-back reports."""

    name = "actions"
    nothing_chosen = "actions"
    none_to_choose = "This cycle's action plan has no actions yet."
    count_label = "Actions reported"
    staff_template = "actions/report_backs/actions.html"
    public_template = "actions/public/report_back_actions.html"

    field = staticmethod(report_back_actions_field)
    chosen = staticmethod(selectors.report_back_action_pks)
    errors = staticmethod(services.report_back_actions_errors)
    save = staticmethod(services.report_back_actions_set)
    staff_listing = staticmethod(selectors.report_back_actions)
    public_listing = staticmethod(selectors.report_backs_public_actions)

    @staticmethod
    def count() -> Count:
        # "actions" is the report-back's side of Action.report_backs.
        return Count("actions", distinct=True)


class UpdatesReported:
    """The progress updates shared with the public that a report-back reports."""

    name = "progress_updates"
    nothing_chosen = "progress updates"
    none_to_choose = "No progress updates have been marked to share with the public yet."
    count_label = ""
    staff_template = "actions/report_backs/progress_updates.html"
    public_template = "actions/public/report_back_updates.html"

    field = staticmethod(report_back_updates_field)
    chosen = staticmethod(selectors.report_back_update_pks)
    errors = staticmethod(services.report_back_updates_errors)
    save = staticmethod(services.report_back_updates_set)
    staff_listing = staticmethod(selectors.report_back_updates)
    public_listing = staticmethod(selectors.report_backs_public_updates)

    @staticmethod
    def count() -> Count:
        return Count("progress_updates", distinct=True)
