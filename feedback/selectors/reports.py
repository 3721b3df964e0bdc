"""The feedback app's sections of the PDF reports (registered in registrations.py)."""

from django.db.models import Count
from django.utils import timezone

from cycles.models import Cycle
from cycles.selectors.reports import iso_date

from ..models import ActivityMethod, ActivityStatus, Channel, EngagementActivity, ReportBack, Theme
from .activities import cycle_reach
from .insight import insight_closure
from .pulse import pulse_report_data
from .report_backs import counted_report_back_links, we_did_counts


def reach(cycle: Cycle) -> dict:
    """Activities held (by method) and participants (by the cycle's population groups)."""
    found = cycle_reach(cycle=cycle)
    by_method = dict(
        EngagementActivity.objects.filter(cycle=cycle, status=ActivityStatus.HELD)
        .order_by()
        .values_list("method")
        .annotate(n=Count("pk"))
    )
    return {
        "held": found.held,
        "community_led_held": found.community_led_held,
        "participants": found.participants,
        "by_method": [
            {"method": label, "count": by_method[value]}
            for value, label in ActivityMethod.choices
            if by_method.get(value)
        ],
        "by_group": [{"group": g, "participants": n} for g, n in found.by_group],
    }


def insight_and_themes(cycle: Cycle) -> dict:
    """How much insight was answered, and the themes by how many insights they hold."""
    closure = insight_closure(cycle)[cycle.pk]
    themes = (
        Theme.objects.filter(cycle=cycle)
        .annotate(n=Count("insight_links"))
        .order_by("-n", "name")
        .values_list("name", "n")
    )
    return {
        "total": closure.total,
        "answered": closure.answered,
        "out_of_scope": closure.out_of_scope,
        "unanswered": closure.unanswered,
        "themes": [{"name": name, "insights": n} for name, n in themes],
    }


def report_backs(cycle: Cycle) -> dict:
    """Report-backs published to the community, oldest first, and how many are drafts.

    Each published report-back counts the insight it answers and, under `we_did`, the rows
    of each counted kind of "we did" (`ReportBackLink.count`), headed by `we_did_columns`.
    """
    labels = dict(Channel.choices)
    counted = counted_report_back_links()
    we_did = [f"we_did_{link.name}" for link in counted]
    found = list(
        we_did_counts(ReportBack.objects.filter(cycle=cycle))
        .annotate(insight_count=Count("insights", distinct=True))
        .order_by("published_at", "pk")
        .values(
            "title", "published_at", "channels", "other_channel", "audience", "insight_count",
            *we_did,
        )
    )  # fmt: skip
    published = []
    for r in found:
        if r["published_at"] is None:
            continue
        channels = [labels.get(c, c) for c in r["channels"] or [] if c != Channel.OTHER]
        if r["other_channel"]:
            channels.append(r["other_channel"])
        published.append(
            {
                "title": r["title"],
                "published_on": iso_date(timezone.localdate(r["published_at"])),
                "channels": ", ".join(channels),
                "audience": r["audience"],
                "insights": r["insight_count"],
                "we_did": [r[name] for name in we_did],
            }
        )
    return {
        "published": published,
        "drafts": len(found) - len(published),
        "we_did_columns": [link.count_label for link in counted],
    }


def trust_pulse(cycle: Cycle) -> dict:
    """The trust pulse survey's results, shown even with no answers: the board should see
    that nobody has answered yet."""
    found = pulse_report_data(cycle)
    trend = [{"cycle": str(t["cycle"]), "averages": dict(t["averages"])} for t in found["trend"]]
    return {
        "responses": int(found["responses"]),
        "averages": [{"label": a["label"], "average": a["average"]} for a in found["averages"]],
        "trend": trend,
        "comments": [str(c) for c in found["comments"]],
    }
