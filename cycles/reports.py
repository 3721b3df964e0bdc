"""PDF reports for governance: the case for change and the annual evaluation.

A report is made in two steps. `report_data` gathers everything the report shows into plain
JSON-able values (strings, numbers, lists, dicts), with a fixed number of queries; the
SHA-256 of its canonical JSON is the report's `data_hash`. `report_build` (run by the
Celery task on the "pdf" queue) renders that data with the print templates and
`t2a.pdf.pdf_render`, whose fetcher reads the app's static files and nothing else.

Sections for figures the app does not hold are left out rather than filled with guesses.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import asdict
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from t2a.models import JobStatus, Membership, Role, User
from t2a.pdf import pdf_render

from .charts import inequality_chart
from .models import (
    CaseForChange,
    Cycle,
    EthicsLogEntry,
    EthicsStatus,
    Report,
    ReportKind,
    TheoryOfChangeItem,
    TheoryOfChangeKind,
)

TEMPLATES = {
    ReportKind.CASE_FOR_CHANGE: "cycles/reports/case_for_change.html",
    ReportKind.ANNUAL_EVALUATION: "cycles/reports/annual_evaluation.html",
}


def _name(user: User | None) -> str:
    return (user.full_name or user.email) if user else ""


def _date(value) -> str:
    return value.isoformat() if value else ""


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")


# --- gathering ----------------------------------------------------------------------------


def _cycle_data(cycle: Cycle) -> dict:
    organisation = cycle.organisation
    return {
        "organisation": {"name": organisation.name, "brand_colour": organisation.brand_colour},
        "cycle": {
            "title": cycle.title,
            "inequality": cycle.inequality,
            "place": cycle.place,
            "population_groups": list(cycle.population_groups or []),
            "status": cycle.get_status_display(),
            "stage": cycle.stage_label,
            "start_date": _date(cycle.start_date),
            "target_date": _date(cycle.target_date),
            "lead": _name(cycle.lead),
        },
    }


def _case_data(cycle: Cycle) -> dict:
    case = CaseForChange.objects.filter(cycle=cycle).first()
    rows = list(case.inequality_rows.all()) if case else []
    sources = list(case.data_sources.all()) if case else []
    chart = inequality_chart(rows)
    return {
        "case": {
            "exists": case is not None,
            "inequality_addressed": case.inequality_addressed if case else "",
            "most_affected": case.most_affected if case else "",
            "local_insight": case.local_insight if case else "",
            "status": case.get_status_display() if case else "",
            "agreed_on": _date(case.agreed_on) if case else "",
        },
        "sources": [
            {
                "kind": s.get_kind_display(),
                "title": s.title,
                "publisher": s.publisher,
                "published_on": _date(s.published_on),
                "key_figure": s.key_figure,
                "url": s.url,
            }
            for s in sources
        ],
        "inequality_rows": [
            {
                "dimension": r.dimension,
                "group": r.group,
                "indicator": r.indicator,
                "value": _number(r.value),
                "comparator_value": _number(r.comparator_value),
                "comparator_label": r.comparator_label,
                "source": r.source,
            }
            for r in rows
        ],
        "chart": _chart_data(chart),
    }


def _chart_data(chart) -> dict | None:
    """The inequality chart as one small SVG per row (block), so a long chart breaks
    between rows across pages instead of running off the bottom of one."""
    if chart is None:
        return None
    data = asdict(chart)
    for block in data["blocks"]:
        top = block["label_y"] - 16
        block["label_y"] -= top
        for bar in block["bars"]:
            bar["y"] -= top
            bar["value"] = _number(bar["value"])
            bar["value_x"] = bar["width"] + 6
            bar["text_y"] = bar["y"] + 14
        block["height"] = block["bars"][-1]["y"] + 22
    return data


def _stakeholder_data(cycle: Cycle) -> dict:
    from stakeholders.models import TrustedTag
    from stakeholders.selectors import cycle_map, steering_members

    found = cycle_map(cycle=cycle)
    tags = Counter()
    sectors = Counter()
    for row in found.stakeholders:
        sectors[row["sector"]] += 1
        for tag, field_name in (
            (TrustedTag.LEADER, "trusted_leader"),
            (TrustedTag.VOICE, "trusted_voice"),
            (TrustedTag.PLACE, "trusted_place"),
        ):
            if row[field_name]:
                tags[tag.label] += 1
    from stakeholders.models import Sector

    return {
        "stakeholders": {
            "total": len(found.stakeholders),
            "by_sector": [
                {"sector": label, "count": sectors[value]}
                for value, label in Sector.choices
                if sectors[value]
            ],
            "three_ts": [{"tag": tag.label, "count": tags[tag.label]} for tag in TrustedTag],
            "coverage": [
                {
                    "group": c.group,
                    "reached_by": c.reached_by,
                    "missing": ", ".join(c.missing_tags),
                }
                for c in found.coverage
            ],
        },
        "steering_group": [
            {"name": str(m), "sector": m.get_sector_display(), "role": m.role}
            for m in steering_members(cycle=cycle)
        ],
    }


def _theory_data(cycle: Cycle) -> list[dict]:
    items = defaultdict(list)
    for item in TheoryOfChangeItem.objects.filter(cycle=cycle).order_by("kind", "position", "pk"):
        items[item.kind].append(item.text)
    return [
        {"label": label, "items": items[value]}
        for value, label in TheoryOfChangeKind.choices
        if items[value]
    ]


def _ethics_data(cycle: Cycle) -> list[dict]:
    entries = (
        EthicsLogEntry.objects.filter(cycle=cycle)
        .exclude(status=EthicsStatus.CLOSED)
        .select_related("owner")
    )
    return [
        {
            "consideration": e.consideration,
            "category": e.get_category_display(),
            "affected_groups": e.affected_groups,
            "risk": e.likelihood * e.impact,
            "mitigation": e.mitigation,
            "owner": _name(e.owner),
            "status": e.get_status_display(),
            "review_date": _date(e.review_date),
        }
        for e in entries
    ]


def _reach_data(cycle: Cycle) -> dict:
    from feedback.models import ActivityMethod, ActivityStatus, EngagementActivity
    from feedback.selectors import cycle_reach

    reach = cycle_reach(cycle=cycle)
    by_method = dict(
        EngagementActivity.objects.filter(cycle=cycle, status=ActivityStatus.HELD)
        .order_by()
        .values_list("method")
        .annotate(n=Count("pk"))
    )
    return {
        "held": reach.held,
        "community_led_held": reach.community_led_held,
        "participants": reach.participants,
        "by_method": [
            {"method": label, "count": by_method[value]}
            for value, label in ActivityMethod.choices
            if by_method.get(value)
        ],
        "by_group": [{"group": g, "participants": n} for g, n in reach.by_group],
    }


def _insight_data(cycle: Cycle) -> dict:
    from feedback.models import Theme
    from feedback.selectors import insight_closure

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


def _plan_data(cycle: Cycle) -> dict:
    from actions.models import Action, ActionPlan, Priority, SignOff

    priorities = (
        Priority.objects.filter(cycle=cycle)
        .annotate(n=Count("actions"))
        .order_by("agreed_on", "pk")
        .values_list("title", "agreed_on", "n")
    )
    plan = ActionPlan.objects.filter(cycle=cycle).first()
    actions, signoffs = [], []
    if plan is not None:
        actions = [
            {
                "title": a.title,
                "priority": a.priority.title,
                "owner": _name(a.owner),
                "due_date": _date(a.due_date),
                "status": a.get_status_display(),
                "in_scope": a.in_scope,
                "target": a.target,
            }
            for a in Action.objects.filter(plan=plan)
            .select_related("priority", "owner")
            .order_by("priority__title", "due_date", "pk")
        ]
        signoffs = [
            {
                "version": s.round.version,
                "lead": _name(s.lead),
                "decision": s.get_decision_display(),
                "decided_at": _date(timezone.localdate(s.decided_at)),
                "comment": s.comment,
                "superseded": s.superseded_at is not None,
            }
            for s in SignOff.objects.filter(round__plan=plan)
            .select_related("round", "lead")
            .order_by("decided_at", "pk")
        ]
    statuses = Counter(a["status"] for a in actions)
    return {
        "priorities": [
            {"title": t, "agreed_on": _date(agreed), "actions": n} for t, agreed, n in priorities
        ],
        "plan": None
        if plan is None
        else {
            "status": plan.get_status_display(),
            "version": plan.version,
            "signed_off_at": _date(plan.signed_off_at and timezone.localdate(plan.signed_off_at)),
        },
        "actions": actions,
        "action_statuses": [{"status": s, "count": n} for s, n in sorted(statuses.items())],
        "signoffs": signoffs,
    }


def _trend_value(value) -> int | float | None:
    if value is None:
        return None
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value


def _indicator_data(cycle: Cycle) -> list[dict]:
    try:
        from actions.indicators import trust_indicators
    except ImportError:  # the indicators are another issue's; leave the section out without
        return []
    # The figures only: read as staff would (links are not part of a PDF).
    reader = Membership(organisation=cycle.organisation, role=Role.ADMIN)
    found = trust_indicators(
        organisation=cycle.organisation, membership=reader, cycles=[cycle], cycle=cycle
    )
    return [
        {
            "label": i.label,
            "figure": i.figure,
            "detail": i.detail,
            "trend_unit": i.trend_unit,
            "trend": [
                {"month": f"{month:%b %Y}", "value": _trend_value(v)} for month, v in i.trend
            ],
        }
        for i in found
    ]


def _report_back_data(cycle: Cycle) -> dict:
    """Report-backs published to the community, oldest first, and how many are drafts."""
    from feedback.models import Channel, ReportBack

    labels = dict(Channel.choices)
    found = list(
        ReportBack.objects.filter(cycle=cycle)
        .annotate(
            insight_count=Count("insights", distinct=True),
            action_count=Count("actions", distinct=True),
        )
        .order_by("published_at", "pk")
        .values(
            "title", "published_at", "channels", "other_channel", "audience",
            "insight_count", "action_count",
        )
    )  # fmt: skip
    published = []
    for r in found:
        if r["published_at"] is None:
            continue
        channels = [labels.get(c, c) for c in r["channels"] or [] if c != "other"]
        if r["other_channel"]:
            channels.append(r["other_channel"])
        published.append(
            {
                "title": r["title"],
                "published_on": _date(timezone.localdate(r["published_at"])),
                "channels": ", ".join(channels),
                "audience": r["audience"],
                "insights": r["insight_count"],
                "actions": r["action_count"],
            }
        )
    return {"published": published, "drafts": len(found) - len(published)}


def _evaluation_data(cycle: Cycle) -> dict:
    from actions.evaluation import evaluation_for, evaluation_sections

    evaluation = evaluation_for(cycle)
    return {
        "exists": evaluation is not None,
        "updated_on": _date(evaluation and timezone.localdate(evaluation.updated_at)),
        "sections": [
            {"field": s["field"], "heading": s["heading"], "group": s["group"], "text": s["text"]}
            for s in evaluation_sections(evaluation)
        ],
    }


def _ripple_data(cycle: Cycle) -> list[dict]:
    """The ripple-effect map as plain rows in display order (sensitive insight left out:
    the report goes to the governance board)."""
    from actions.ripple import build_tree, effects_of, tree_rows

    return tree_rows(build_tree(effects_of(cycle)), may_see_sensitive=False)


def _pulse_data(cycle: Cycle) -> dict | None:
    """The trust pulse survey's results, when the feedback app has it (None otherwise)."""
    try:
        from feedback.pulse import pulse_report_data
    except ImportError:
        return None
    found = pulse_report_data(cycle)
    return {
        "responses": int(found["responses"]),
        "averages": [{"label": a["label"], "average": a["average"]} for a in found["averages"]],
        "trend": [
            {"cycle": str(t["cycle"]), "averages": dict(t["averages"])} for t in found["trend"]
        ],
        "comments": [str(c) for c in found["comments"]],
    }


def report_data(cycle: Cycle, kind: str) -> dict:
    data = {"kind": kind, **_cycle_data(cycle)}
    if kind == ReportKind.CASE_FOR_CHANGE:
        data |= _case_data(cycle)
        data |= _stakeholder_data(cycle)
        data["theory_of_change"] = _theory_data(cycle)
        data["ethics"] = _ethics_data(cycle)
    else:
        data["reach"] = _reach_data(cycle)
        data["insight"] = _insight_data(cycle)
        data |= _plan_data(cycle)
        data["report_backs"] = _report_back_data(cycle)
        data["indicators"] = _indicator_data(cycle)
        data["evaluation"] = _evaluation_data(cycle)
        data["ripple"] = _ripple_data(cycle)
        pulse = _pulse_data(cycle)
        if pulse is not None:
            data["pulse"] = pulse
    return data


def data_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- services -----------------------------------------------------------------------------


def report_request(*, cycle: Cycle, kind: str, requested_by: User) -> tuple[Report, bool]:
    """A report of `kind` for the cycle's current data: (report, queued a new render?).

    When a finished report (or one already on its way) was made from exactly this data,
    that one is returned and nothing is queued.
    """
    from .tasks import report_render

    digest = data_hash(report_data(cycle, kind))
    with transaction.atomic():
        # One request at a time per cycle, so two clicks cannot queue the same render twice.
        Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk").first()
        existing = Report.objects.filter(
            cycle=cycle,
            kind=kind,
            data_hash=digest,
            status__in=[JobStatus.DONE, JobStatus.QUEUED, JobStatus.RUNNING],
        ).first()
        if existing is not None:
            return existing, False
        report = Report.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            kind=kind,
            requested_by=requested_by,
            data_hash=digest,
        )
        report_render.delay_on_commit(organisation_id=cycle.organisation_id, report_id=report.pk)
    return report, True


def report_retry(*, report: Report, requested_by: User) -> tuple[Report, bool]:
    """Try a failed report again: a new attempt (a new row) for the cycle's current data."""
    return report_request(cycle=report.cycle, kind=report.kind, requested_by=requested_by)


# The ripple-effect map on an A4 page inside report.css's margins, leaving room for the
# chapter heading and the key above the first slice.
PRINT_WIDTH_MM, PRINT_HEIGHT_MM = 174, 205


def _drawings(data: dict) -> dict:
    """SVG made from the data at render time (the data, and so its hash, stays plain)."""
    if data["kind"] != ReportKind.ANNUAL_EVALUATION:
        return {}
    from actions.indicators import sparkline
    from actions.ripple import legend_svg, nested, print_fit, ripple_svg

    rows = data.get("ripple") or []
    slices = []
    if rows:
        scale, per_page = print_fit(rows, width_mm=PRINT_WIDTH_MM, height_mm=PRINT_HEIGHT_MM)
        slices = ripple_svg(
            rows,
            title=f"Ripple-effect map for {data['cycle']['title']}",
            id_prefix="ripple-print",
            max_rows=per_page,
            mm_per_unit=scale,
        )
    return {
        "ripple_slices": slices,
        "ripple_tree": nested(rows),
        "ripple_legend": legend_svg() if rows else "",
        "sparklines": [
            sparkline(
                [point["value"] for point in i.get("trend", [])],
                label=f"{i['label']}, {i.get('trend_unit', '')}",
            )
            for i in data.get("indicators", [])
        ],
    }


def report_render_html(data: dict) -> str:
    context = {"data": data, "report": data, **_drawings(data)}
    indicators = data.get("indicators") or []
    if context.get("sparklines"):
        context["indicator_rows"] = list(zip(indicators, context["sparklines"], strict=True))
        # Month by month: a row per month, a column per indicator.
        months = [point["month"] for point in indicators[0].get("trend", [])]
        context["trend_table"] = [
            {
                "month": month,
                "values": [
                    (i["trend"][n]["value"] if n < len(i.get("trend", [])) else None)
                    for i in indicators
                ],
            }
            for n, month in enumerate(months)
        ]
    return render_to_string(TEMPLATES[data["kind"]], context)


def report_build(*, report: Report) -> Report:
    """Render the PDF for `report` from the cycle's data now, and record the result."""
    Report.objects.filter(pk=report.pk).update(status=JobStatus.RUNNING, error="")
    cycle = Cycle.objects.select_related("organisation", "lead").get(pk=report.cycle_id)
    data = report_data(cycle, report.kind)
    rendered = pdf_render(html=report_render_html(data))
    report.file.save(
        f"{cycle.organisation.slug}-{cycle.slug}-{report.kind}-{report.pk}.pdf",
        ContentFile(rendered.content),
        save=False,
    )
    report.status = JobStatus.DONE
    report.error = ""
    report.data_hash = data_hash(data)
    report.size_bytes = len(rendered.content)
    report.page_count = rendered.page_count
    report.generated_at = timezone.now()
    report.save(
        update_fields=[
            "file", "status", "error", "data_hash", "size_bytes", "page_count", "generated_at",
        ]
    )  # fmt: skip
    return report


def report_fail(*, report_id: int, error: str) -> None:
    Report.objects.filter(pk=report_id).update(status=JobStatus.FAILED, error=error[:500])
