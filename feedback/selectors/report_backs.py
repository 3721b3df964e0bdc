"""Reads of report-backs ("you said, we did") for members, and the plug-in point through
which later stages say what a report-back reports as "we did" (`REPORT_BACK_LINK`)."""

from typing import Any, ClassVar, Protocol

from django import forms
from django.db.models import Aggregate, Count, F, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to
from t2a.models import Membership
from t2a.registry import registry, resolve

from ..models import ReportBack
from .insight import insights_visible_to

# --- plug-in point: what a report-back reports as "we did" ---------------------------------

# Plug-in point: a class (used as is, never instantiated) that follows `ReportBackLink`.
# Read here (`report_back_links`) by the report-back form (forms/report_backs.py), its
# services (services/report_backs.py), the pages below, the public page
# (selectors/public_page.py) and the annual evaluation's section (selectors/reports.py).
REPORT_BACK_LINK = "feedback.report_back_link"


class ReportBackLink(Protocol):
    """One kind of "we did" a report-back can report, answered by a later stage (actions:
    its actions, and its progress updates shared with the public).

    The report-back form adds one field per link, the services validate and save what was
    chosen under `links[name]`, the report-back's page and the public page list what is
    linked, and the report-back list and the annual evaluation may count it.
    """

    # The form field's name, the key in `links`, and the key of its errors.
    name: ClassVar[str]
    # What the report-back's page calls these rows when nothing is chosen ("actions").
    nothing_chosen: ClassVar[str]
    # What the form says instead of the field when the cycle has nothing to offer.
    none_to_choose: ClassVar[str]
    # The heading of the count column in the report-back list and the annual evaluation's
    # table of report-backs; "" for no column.
    count_label: ClassVar[str]
    # Renders `items` from `staff_listing` on the report-back's page (members only).
    staff_template: ClassVar[str]
    # Renders `items` from `public_listing` as <li> elements of the public "We did" list.
    public_template: ClassVar[str]

    @staticmethod
    def field(cycle: Cycle) -> forms.ModelMultipleChoiceField:
        """The form field, offering only the cycle's rows (built inside the request's
        organisation scope), with its label, widget and error messages."""

    @staticmethod
    def chosen(report_back: ReportBack) -> list[int]:
        """The pks linked to a saved report-back now (the form's initial value)."""

    @staticmethod
    def errors(report_back: ReportBack, rows: list) -> list[str]:
        """Why the chosen rows cannot be linked to this report-back; empty when they can."""

    @staticmethod
    def save(report_back: ReportBack, rows: list) -> None:
        """Link exactly these rows (called inside `report_back_save`'s transaction)."""

    @staticmethod
    def count() -> Aggregate:
        """An aggregate over ReportBack counting the linked rows (when `count_label`)."""

    @staticmethod
    def staff_listing(report_back: ReportBack) -> list:
        """What the report-back's page lists (one query)."""

    @staticmethod
    def public_listing(report_back_pks: list[int]) -> dict[int, list[dict[str, Any]]]:
        """{report-back pk: items} for these published report-backs, as plain dicts of
        fields that are public by design: no drafts, nothing internal (one query in all)."""


def report_back_links() -> list[type[ReportBackLink]]:
    """The registered kinds of "we did", in registration order."""
    return [resolve(e.target) for e in registry.extensions(REPORT_BACK_LINK)]


def counted_report_back_links() -> list[type[ReportBackLink]]:
    """The kinds of "we did" that have a count column (`count_label`)."""
    return [link for link in report_back_links() if link.count_label]


def we_did_counts(report_backs: QuerySet[ReportBack]) -> QuerySet[ReportBack]:
    """The report-backs annotated `we_did_<name>` with the count of each counted kind."""
    return report_backs.annotate(
        **{f"we_did_{link.name}": link.count() for link in counted_report_back_links()}
    )


# --- report-backs for members -------------------------------------------------------------


def report_backs_visible_to(membership: Membership) -> QuerySet[ReportBack]:
    return ReportBack.objects.filter(cycle__in=cycles_visible_to(membership))


def get_report_back_for_request(request: HttpRequest, report_back_pk: int) -> ReportBack:
    return get_object_or_404(
        report_backs_visible_to(request.membership).select_related(
            "cycle", "created_by", "published_by"
        ),
        pk=report_back_pk,
    )


def report_back_count_columns() -> list[str]:
    """The headings of the counts the report-back list shows for each kind of "we did"."""
    return [link.count_label for link in counted_report_back_links()]


def cycle_report_backs(*, cycle: Cycle) -> list[ReportBack]:
    """The cycle's report-backs, published in date order then drafts, with their counts:
    `insight_count`, and `we_did_counts` as (heading, count) in the order of
    `report_back_count_columns()` (one query)."""
    counted = counted_report_back_links()
    report_backs = list(
        we_did_counts(ReportBack.objects.filter(cycle=cycle))
        .annotate(insight_count=Count("insights", distinct=True))
        # Meta.ordering is not applied to aggregating queries: say it again.
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "pk")
    )
    for report_back in report_backs:
        report_back.we_did_counts = [
            (link.count_label, getattr(report_back, f"we_did_{link.name}")) for link in counted
        ]
    return report_backs


def report_back_contents(report_back: ReportBack, membership: Membership) -> dict:
    """What a report-back answers and reports, for members (sensitive insight for staff only).

    Four queries, and one per kind of "we did", however much it holds. `we_did` lists each
    kind that has rows chosen, with the template that renders it.
    """
    insights = insights_visible_to(membership).filter(report_backs=report_back)
    links = report_back_links()
    we_did = [
        {"template": link.staff_template, "items": items}
        for link in links
        if (items := link.staff_listing(report_back))
    ]
    return {
        "insights": list(insights.order_by("-captured_at", "-pk")),
        "hidden_insights": report_back.insights.count() - insights.count(),
        "themes": list(report_back.themes.order_by("name")),
        "we_did": we_did,
        "nothing_chosen": " or ".join(link.nothing_chosen for link in links),
    }
