"""Numeric measures: how far an action has come from its baseline towards its target, in
words, as a percentage and as a small server-made SVG line.

One `MeasuredProgress` serves the action page, the governance dashboard, the public page
and the annual evaluation, so all four say the same thing. Readings come from progress
updates that recorded a value (the public page reads only the updates shared with the
public). The line is plain SVG with presentation attributes (the CSP forbids style
attributes, and WeasyPrint draws it in the PDF); its text alternative states every value.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..models import Action, MeasureKind, ProgressUpdate
from .content import number_text

WIDTH, HEIGHT, PAD = 240, 64, 6


def amount(value: Decimal, unit: str) -> str:
    """A number with its unit, as people write it: "12.5 days", "40%"."""
    return f"{number_text(value)}{unit}" if unit == "%" else f"{number_text(value)} {unit}"


def percent_towards(baseline: Decimal, target: Decimal, current: Decimal) -> int:
    """How far `current` has come from `baseline` to `target`, in whole per cent.

    Either direction: a target below the baseline (shorter waits) counts a fall as
    progress. Past the target gives more than 100, moving away from it less than 0. A
    target equal to the baseline (holding a level) is 100 while the value is on it, else 0.
    Halves round up, as people round.
    """
    if target == baseline:
        return 100 if current == target else 0
    share = (current - baseline) * 100 / (target - baseline)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Reading:
    on: date
    value: Decimal


@dataclass(frozen=True)
class MeasuredProgress:
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    readings: tuple[Reading, ...]  # oldest first

    def amount(self, value: Decimal) -> str:
        return amount(value, self.unit)

    @property
    def baseline_text(self) -> str:
        return self.amount(self.baseline)

    @property
    def target_text(self) -> str:
        return self.amount(self.target)

    @property
    def current_text(self) -> str:
        current = self.current
        return f"{self.amount(current.value)} on {current.on:%-d %B %Y}" if current else ""

    @property
    def current(self) -> Reading | None:
        return self.readings[-1] if self.readings else None

    @property
    def percent(self) -> int | None:
        """None until a value has been measured."""
        if self.current is None:
            return None
        return percent_towards(self.baseline, self.target, self.current.value)

    @property
    def headline(self) -> str:
        """The percentage in words, for the page beside the line."""
        percent = self.percent
        if percent is None:
            return "No value measured yet"
        if percent >= 100:
            return f"{percent}%: target reached"
        if percent < 0:
            return f"{percent}%: further from the target than at the start"
        return f"{percent}% of the way to the target"

    @property
    def summary(self) -> str:
        """Every value in words: the chart's text alternative and the PDF's caption."""
        start = (
            f"{self.metric}: baseline {self.amount(self.baseline)}, "
            f"target {self.amount(self.target)}"
        )
        if not self.readings:
            return f"{start}. No value measured yet."
        measured = "; ".join(f"{self.amount(r.value)} on {r.on:%-d %B %Y}" for r in self.readings)
        return f"{start}. Measured {measured}. {self.headline}."

    @property
    def chart(self) -> SafeString:
        return measure_chart(self)


def measure_chart(progress: MeasuredProgress) -> SafeString:
    """The baseline and each reading as a line, the target as a dashed line across."""
    values = [progress.baseline, *(r.value for r in progress.readings)]
    low = min(*values, progress.target)
    high = max(*values, progress.target)
    span = (high - low) or Decimal(1)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: Decimal) -> str:
        return f"{HEIGHT - PAD - float((value - low) / span) * (HEIGHT - 2 * PAD):.1f}"

    points = [(f"{PAD + i * step:.1f}", y(v)) for i, v in enumerate(values)]
    line = (
        format_html(
            '<polyline points="{}" fill="none" stroke="#005eb8" stroke-width="2" '
            'stroke-linejoin="round" stroke-linecap="round"/>',
            " ".join(f"{x},{yy}" for x, yy in points),
        )
        if len(points) > 1
        else ""
    )
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="3" fill="#003087"/>', ((x, yy) for x, yy in points)
    )
    target_y = y(progress.target)
    label = progress.summary
    return format_html(
        '<svg class="t2a-measure-chart" xmlns="http://www.w3.org/2000/svg" width="{}" '
        'height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" focusable="false">'
        "<title>{}</title>"
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#007f3b" stroke-width="1.5" '
        'stroke-dasharray="5 4"/>'
        '<text x="{}" y="{}" font-size="10" fill="#007f3b">target</text>'
        "{}{}</svg>",
        WIDTH, HEIGHT, WIDTH, HEIGHT, label, label,
        PAD, target_y, WIDTH - PAD, target_y,
        PAD, _label_y(float(target_y)), line, dots,
    )  # fmt: skip


def _label_y(target_y: float) -> str:
    """Where the word "target" sits: above its line, or below it when at the top."""
    return f"{target_y - 3:.1f}" if target_y > 12 else f"{target_y + 11:.1f}"


def readings_by_action(
    action_ids: Iterable[int], *, public_only: bool = False
) -> dict[int, list[Reading]]:
    """{action id: its readings, oldest first}, in one query."""
    updates = ProgressUpdate.objects.filter(
        action_id__in=list(action_ids), measured_value__isnull=False
    )
    if public_only:
        updates = updates.filter(public=True)
    found: dict[int, list[Reading]] = defaultdict(list)
    for action_id, on, value in updates.order_by("measured_on", "created_at", "pk").values_list(
        "action_id", "measured_on", "measured_value"
    ):
        found[action_id].append(Reading(on, value))
    return found


def measured_progress(action: Action, readings: list[Reading]) -> MeasuredProgress | None:
    """The action's progress, or None when its measure is in words."""
    if action.measure_kind != MeasureKind.NUMERIC:
        return None
    return MeasuredProgress(
        action.metric, action.measure_unit, action.baseline_value, action.target_value,
        tuple(readings),
    )  # fmt: skip


def action_progress(action: Action) -> MeasuredProgress | None:
    """One action's measured progress (one query, none for a measure in words)."""
    if action.measure_kind != MeasureKind.NUMERIC:
        return None
    return measured_progress(action, readings_by_action([action.pk])[action.pk])


def signed_progress(content: dict, readings: list[Reading]) -> MeasuredProgress | None:
    """Progress of an action as signed off (its snapshot content), or None in words."""
    if content.get("measure_kind") != MeasureKind.NUMERIC:
        return None
    return MeasuredProgress(
        content.get("metric", ""), content.get("measure_unit", ""),
        Decimal(content["baseline_value"]), Decimal(content["target_value"]), tuple(readings),
    )  # fmt: skip
