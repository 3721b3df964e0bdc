"""What the PDF reports for governance show: the case for change and the annual evaluation.

A report is composed from the sections the apps register (`app.report_section(...)` in
their registrations.py; see `t2a.registry.ReportSection`), in registry order. It is made in
two steps. `report_data` calls each section's `gather(cycle)`, which returns plain JSON-able
values (strings, numbers, lists, dicts) with a fixed number of queries, or None to leave the
section out; the SHA-256 of the canonical JSON is the report's `data_hash`. Then
`report_render_html` renders that data with the print templates, adding each section's
drawings (SVG, from its `draw`) only then; `services.reports.report_build` (the report's
build function, run by `t2a.jobs` from the Celery task on the "pdf" queue) turns that HTML
into the PDF with `t2a.pdf.pdf_render`, whose fetcher reads the app's static files and
nothing else.

Sections for figures the app does not hold are left out rather than filled with guesses.
This module also gathers the cycles app's own sections (the stage 1 documents).
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from t2a.models import User
from t2a.registry import registry

from ..models import (
    CaseForChange,
    Cycle,
    DataSource,
    EthicsLogEntry,
    EthicsStatus,
    InequalityRow,
    Report,
    ReportKind,
    TheoryOfChangeItem,
    TheoryOfChangeKind,
)
from .charts import BarChart, inequality_chart
from .cycles import get_cycle_for_request

TEMPLATES = {
    ReportKind.CASE_FOR_CHANGE: "cycles/reports/case_for_change.html",
    ReportKind.ANNUAL_EVALUATION: "cycles/reports/annual_evaluation.html",
}
# The most recent reports a cycle's reports page lists.
REPORTS_SHOWN = 20


# --- a cycle's reports ------------------------------------------------------------------------


def cycle_reports(cycle: Cycle) -> list[Report]:
    """The cycle's most recent reports, newest first, with who asked for each."""
    return list(Report.objects.filter(cycle=cycle).select_related("requested_by")[:REPORTS_SHOWN])


def get_report_for_request(
    request: HttpRequest, cycle_pk: int, report_pk: int, *, status: str | None = None
) -> Report:
    """A report (in `status`, if given) of a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    found = Report.objects.filter(cycle=cycle).select_related("requested_by")
    if status is not None:
        found = found.filter(status=status)
    report = get_object_or_404(found, pk=report_pk)
    report.cycle = cycle
    return report


# --- plain values, for every app's sections -------------------------------------------------


def person_name(user: User | None) -> str:
    """A person as a report names them: full name, else email ("" for nobody)."""
    return (user.full_name or user.email) if user else ""


def iso_date(value: date | None) -> str:
    """A date as ISO text ("" for none)."""
    return value.isoformat() if value else ""


def plain_number(value: Decimal | None) -> str:
    """A decimal without trailing zeros ("" for none)."""
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")


def web_link(url: str) -> str:
    """A link a report may make clickable: an http or https address ("" otherwise)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


# --- the report ------------------------------------------------------------------------------


def _cover(cycle: Cycle) -> dict:
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
            "start_date": iso_date(cycle.start_date),
            "target_date": iso_date(cycle.target_date),
            "lead": person_name(cycle.lead),
        },
    }


def _short_key(kind: str, key: str) -> str:
    """A section's own key (its anchor in the PDF), without the report's prefix."""
    return key.removeprefix(f"{kind}.")


def report_data(cycle: Cycle, kind: str) -> dict:
    """Everything a report of `kind` shows, as plain values: the cover and its sections."""
    sections = []
    for section in registry.report_sections(kind):
        gathered = section.call("gather", cycle)
        if gathered is None:
            continue
        key = _short_key(kind, section.key)
        if any(s["key"] == key for s in sections):
            raise ValueError(f"Two {kind} report sections have the key {key!r}.")
        sections.append(
            {
                "key": key,
                "heading": section.heading,
                "chapter": section.chapter,
                "template": section.template,
                "data": gathered,
            }
        )
    return {"kind": kind, **_cover(cycle), "sections": sections}


def data_hash(data: dict) -> str:
    """The SHA-256 of the report data's canonical JSON: the same data, the same report."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- the cycles app's sections ----------------------------------------------------------------


def case_inequality(cycle: Cycle) -> dict:
    """The inequality the case for change addresses, its status and local insight."""
    case = CaseForChange.objects.filter(cycle=cycle).first()
    if case is None:
        return {"status": "", "agreed_on": "", "inequality_addressed": "", "local_insight": ""}
    return {
        "status": case.get_status_display(),
        "agreed_on": iso_date(case.agreed_on),
        "inequality_addressed": case.inequality_addressed,
        "local_insight": case.local_insight,
    }


def case_sources(cycle: Cycle) -> dict:
    """The data sources behind the case for change."""
    sources = DataSource.objects.filter(case_for_change__cycle=cycle)
    return {
        "sources": [
            {
                "kind": s.get_kind_display(),
                "title": s.title,
                "publisher": s.publisher,
                "published_on": iso_date(s.published_on),
                "key_figure": s.key_figure,
                "url": web_link(s.url),
            }
            for s in sources
        ]
    }


def case_most_affected(cycle: Cycle) -> dict:
    """Who is most affected by the inequality, and why."""
    found = CaseForChange.objects.filter(cycle=cycle).values_list("most_affected", flat=True)
    return {"most_affected": found.first() or ""}


def case_inequality_map(cycle: Cycle) -> dict:
    """The inequality map's rows, and the chart drawn from them."""
    rows = list(InequalityRow.objects.filter(case_for_change__cycle=cycle))
    return {
        "rows": [
            {
                "dimension": r.dimension,
                "group": r.group,
                "indicator": r.indicator,
                "value": plain_number(r.value),
                "comparator_value": plain_number(r.comparator_value),
                "comparator_label": r.comparator_label,
                "source": r.source,
                "source_url": web_link(r.source_url),
            }
            for r in rows
        ],
        "chart": _chart_data(inequality_chart(rows)),
    }


def _chart_data(chart: BarChart | None) -> dict | None:
    """The inequality chart as one small SVG per row (block), so a long chart breaks
    between rows across pages instead of running off the bottom of one."""
    if chart is None:
        return None
    found = asdict(chart)
    for block in found["blocks"]:
        top = block["label_y"] - 16
        block["label_y"] -= top
        for bar in block["bars"]:
            bar["y"] -= top
            bar["value"] = plain_number(bar["value"])
            bar["value_x"] = bar["width"] + 6
            bar["text_y"] = bar["y"] + 14
        block["height"] = block["bars"][-1]["y"] + 22
    return found


def theory_of_change(cycle: Cycle) -> dict:
    """The theory of change, part by part (parts with nothing written are left out)."""
    items = defaultdict(list)
    for item in TheoryOfChangeItem.objects.filter(cycle=cycle).order_by("kind", "position", "pk"):
        items[item.kind].append(item.text)
    return {
        "parts": [
            {"label": label, "items": items[value]}
            for value, label in TheoryOfChangeKind.choices
            if items[value]
        ]
    }


def ethics_open(cycle: Cycle) -> dict:
    """The ethics log's entries that are not closed."""
    entries = (
        EthicsLogEntry.objects.filter(cycle=cycle)
        .exclude(status=EthicsStatus.CLOSED)
        .select_related("owner")
    )
    return {
        "entries": [
            {
                "consideration": e.consideration,
                "category": e.get_category_display(),
                "affected_groups": e.affected_groups,
                "risk": e.likelihood * e.impact,
                "mitigation": e.mitigation,
                "owner": person_name(e.owner),
                "status": e.get_status_display(),
                "review_date": iso_date(e.review_date),
            }
            for e in entries
        ]
    }


# --- the report's HTML ------------------------------------------------------------------------


def report_render_html(data: dict) -> str:
    """The report's HTML: its sections in order, each with its drawings made now."""
    registered = {
        _short_key(data["kind"], s.key): s for s in registry.report_sections(data["kind"])
    }
    sections = []
    for section in data["sections"]:
        found = registered.get(section["key"])
        # Drawings (SVG) are made from the section's data here, so they never reach the
        # hashed data.
        drawn = found.call("draw", section["data"]) if found is not None and found.draw else {}
        sections.append({**section, "drawn": drawn})
    context = {"data": data, "report": data, "sections": sections}
    return render_to_string(TEMPLATES[data["kind"]], context)
