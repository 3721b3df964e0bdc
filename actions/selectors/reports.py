"""The actions app's sections of the PDF reports (registered in registrations.py).

The annual evaluation's stage 4 and 5 chapters: priorities, the plan and its sign-offs, the
trust indicators, the evaluation itself and the ripple-effect map.
"""

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from cycles.models import Cycle
from cycles.selectors.reports import iso_date, person_name
from t2a.models import Membership, Role

from ..models import Action, ActionPlan, Decision, MeasureKind, Priority, RoundStatus, SignOffRound
from .content import number_text
from .evaluation import evaluation_for, evaluation_sections
from .indicators import sparkline, trust_indicators
from .measures import MeasuredProgress, Reading, amount, readings_by_action
from .ripple import build_tree, effects_of, legend_svg, nested, print_fit, ripple_svg, tree_rows
from .signoff import signoff_record

# The ripple-effect map on an A4 page inside report.css's margins, leaving room for the
# chapter heading and the key above the first slice.
PRINT_WIDTH_MM, PRINT_HEIGHT_MM = 174, 205


def priorities(cycle: Cycle) -> dict:
    """The cycle's priorities, when each was agreed and how many actions it has."""
    found = (
        Priority.objects.filter(cycle=cycle)
        .annotate(n=Count("actions"))
        .order_by("agreed_on", "pk")
        .values_list("title", "agreed_on", "n")
    )
    return {
        "priorities": [
            {"title": title, "agreed_on": iso_date(agreed), "actions": n}
            for title, agreed, n in found
        ]
    }


def action_plan(cycle: Cycle) -> dict:
    """The action plan's version and status, and its actions by priority."""
    plan = ActionPlan.objects.filter(cycle=cycle).first()
    if plan is None:
        return {"plan": None, "actions": [], "action_statuses": []}
    actions = [
        {
            "title": a.title,
            "priority": a.priority.title,
            "owner": person_name(a.owner),
            "due_date": iso_date(a.due_date),
            "status": a.get_status_display(),
            "in_scope": a.in_scope,
            "target": amount(a.target_value, a.measure_unit) if a.is_numeric else a.target,
        }
        for a in Action.objects.filter(plan=plan)
        .select_related("priority", "owner")
        .order_by("priority__title", "due_date", "pk")
    ]
    statuses = Counter(a["status"] for a in actions)
    signed_off = plan.signed_off_at and timezone.localdate(plan.signed_off_at)
    return {
        "plan": {
            "status": plan.get_status_display(),
            "version": plan.version,
            "signed_off_at": iso_date(signed_off),
        },
        "actions": actions,
        "action_statuses": [{"status": s, "count": n} for s, n in sorted(statuses.items())],
    }


def measured_targets(cycle: Cycle) -> dict | None:
    """Each action measured by a number: baseline, target and every value measured (None
    when no action is)."""
    found = list(
        Action.objects.filter(plan__cycle=cycle, measure_kind=MeasureKind.NUMERIC).order_by(
            "due_date", "pk"
        )
    )
    if not found:
        return None
    readings = readings_by_action(a.pk for a in found)
    return {
        "actions": [
            {
                "title": a.title,
                "metric": a.metric,
                "unit": a.measure_unit,
                "baseline": number_text(a.baseline_value),
                "target": number_text(a.target_value),
                "readings": [
                    {"on": r.on.isoformat(), "value": number_text(r.value)}
                    for r in readings.get(a.pk, [])
                ],
            }
            for a in found
        ]
    }


def measured_target_charts(section: dict) -> dict:
    """Each action's progress: the percentage in words and its line."""
    rows = []
    for a in section["actions"]:
        progress = MeasuredProgress(
            a["metric"], a["unit"], Decimal(a["baseline"]), Decimal(a["target"]),
            tuple(Reading(date.fromisoformat(r["on"]), Decimal(r["value"])) for r in a["readings"]),
        )  # fmt: skip
        rows.append({"title": a["title"], "progress": progress})
    return {"rows": rows}


def signoffs(cycle: Cycle) -> dict:
    """Every version of the plan sent for sign-off, oldest first, as the plan's own record
    shows it (selectors.signoff.signoff_record): what became of it, the rule in force, each
    community lead's answer, and who had not answered when it was signed off (or has not
    yet, while it is open)."""
    plan = ActionPlan.objects.filter(cycle=cycle).first()
    record = reversed(signoff_record(plan)) if plan is not None else []
    return {
        "versions": [
            {
                "version": r.round.version,
                "status": r.round.status,
                "outcome": _outcome(r.round),
                "sent_by": person_name(r.round.sent_by) or "a former member",
                "sent_at": iso_date(timezone.localdate(r.round.sent_at)),
                "rule": r.rule,
                "approvals_required": r.round.approvals_required,
                "rule_changed_from": r.rule_changed_from,
                "recorded": r.recorded,
                "answers": [
                    {
                        "lead": person_name(s.lead),
                        "decision": "Approved"
                        if s.decision == Decision.APPROVE
                        else "Changes requested",
                        "decided_at": iso_date(timezone.localdate(s.decided_at)),
                        "comment": s.comment,
                    }
                    for s in r.answers
                ],
                "not_answered": [person_name(u) for u in r.not_answered],
            }
            for r in record
        ]
    }


def _outcome(signoff_round: SignOffRound) -> str:
    closed = (
        iso_date(timezone.localdate(signoff_round.closed_at)) if signoff_round.closed_at else ""
    )
    if signoff_round.status == RoundStatus.SIGNED_OFF:
        return f"Signed off on {closed}"
    if signoff_round.status == RoundStatus.OPEN:
        return "Waiting for community leads' answers"
    because = signoff_round.get_superseded_because_display() or "The plan was changed"
    return f"Superseded on {closed}: {because.lower()}"


def _trend_value(value: float | None) -> int | float | None:
    if value is None:
        return None
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value


def trust_indicator_figures(cycle: Cycle) -> dict | None:
    """The cycle's trust indicators with their monthly trend (None when there are none)."""
    # The figures only: read as staff would (links are not part of a PDF).
    reader = Membership(organisation=cycle.organisation, role=Role.ADMIN)
    found = trust_indicators(
        organisation=cycle.organisation, membership=reader, cycles=[cycle], cycle=cycle
    )
    rows = [
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
    return {"indicators": rows} if rows else None


def trust_indicator_charts(section: dict) -> dict:
    """Each indicator beside its sparkline, and the trends as a table: a row per month."""
    found = section["indicators"]
    lines = [
        sparkline(
            [point["value"] for point in i["trend"]], label=f"{i['label']}, {i['trend_unit']}"
        )
        for i in found
    ]
    months = [point["month"] for point in found[0]["trend"]] if found else []
    return {
        "rows": list(zip(found, lines, strict=True)),
        "trend_table": [
            {
                "month": month,
                "values": [
                    (i["trend"][n]["value"] if n < len(i["trend"]) else None) for i in found
                ],
            }
            for n, month in enumerate(months)
        ],
    }


def _evaluation(cycle: Cycle) -> tuple[bool, str, list[dict]]:
    evaluation = evaluation_for(cycle)
    updated_on = iso_date(evaluation and timezone.localdate(evaluation.updated_at))
    sections = [
        {"field": s["field"], "heading": s["heading"], "group": s["group"], "text": s["text"]}
        for s in evaluation_sections(evaluation)
    ]
    return evaluation is not None, updated_on, sections


def evaluation_summary(cycle: Cycle) -> dict:
    """Whether the evaluation is written, and what worked and what to adapt."""
    exists, updated_on, sections = _evaluation(cycle)
    return {
        "exists": exists,
        "updated_on": updated_on,
        "sections": [s for s in sections if s["field"] in ("what_worked", "what_to_adapt")],
    }


def evidence_of_success(cycle: Cycle) -> dict:
    """The evaluation's evidence of success, heading by heading."""
    _, _, sections = _evaluation(cycle)
    return {"sections": [s for s in sections if s["group"] == "evidence"]}


def learning_next_steps(cycle: Cycle) -> dict:
    """The evaluation's learning and next steps."""
    _, _, sections = _evaluation(cycle)
    return {"sections": [s for s in sections if s["field"] == "learning_next_steps"]}


def ripple_map(cycle: Cycle) -> dict:
    """The ripple-effect map as plain rows in display order (sensitive insight left out:
    the report goes to the governance board)."""
    rows = tree_rows(build_tree(effects_of(cycle)), may_see_sensitive=False)
    return {"cycle_title": cycle.title, "rows": rows}


def ripple_map_drawing(section: dict) -> dict:
    """The map as SVG slices that each fit a page, its key, and the same tree nested."""
    rows = section["rows"]
    if not rows:
        return {"slices": [], "tree": [], "legend": ""}
    scale, per_page = print_fit(rows, width_mm=PRINT_WIDTH_MM, height_mm=PRINT_HEIGHT_MM)
    return {
        "slices": ripple_svg(
            rows,
            title=f"Ripple-effect map for {section['cycle_title']}",
            id_prefix="ripple-print",
            max_rows=per_page,
            mm_per_unit=scale,
        ),
        "tree": nested(rows),
        "legend": legend_svg(),
    }
