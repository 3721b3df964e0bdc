"""Server-rendered SVG charts: the geometry of the inequality chart, shaped for display
(no JavaScript, no inline styles: CSP-safe and printable)."""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..models import InequalityRow

WIDTH = 640
LABEL_HEIGHT = 22
BAR_HEIGHT = 18
BAR_GAP = 4
BLOCK_GAP = 18
LINE_HEIGHT = 18  # each further line of a long block label
LABEL_CHARS = 80  # a block label wraps after this many characters (14px text in 640)
VALUE_SPACE = 130  # room at the right of the longest bar for "12.5 comparator"
BAR_MAX = WIDTH - VALUE_SPACE


@dataclass(frozen=True)
class Bar:
    y: int
    width: int
    value: Decimal
    label: str
    is_comparator: bool


@dataclass(frozen=True)
class Block:
    label_y: int
    label: str
    bars: tuple[Bar, ...]
    lines: tuple[str, ...] = ()  # the label wrapped to fit the chart's width


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    blocks: tuple[Block, ...]


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")


def inequality_chart(rows: Sequence[InequalityRow]) -> BarChart | None:
    """One block per inequality-map row: the group's value against its comparator.

    Bars are scaled per indicator, so rows measuring different things (rates, per cent)
    are each drawn against their own largest value rather than squashed together.
    """
    if not rows:
        return None
    scale: dict[str, Decimal] = {}
    for row in rows:
        largest = max(row.value, row.comparator_value or Decimal(0))
        scale[row.indicator] = max(scale.get(row.indicator, Decimal(0)), largest)
    blocks, y = [], 0
    for row in rows:
        top = scale[row.indicator] or Decimal(1)
        comparator = f" (compared with {row.comparator_label})" if row.comparator_label else ""
        label = f"{row.group} – {row.indicator}{comparator}"
        lines = tuple(textwrap.wrap(label, LABEL_CHARS)) or ("",)
        label_y = y + 16
        y += LABEL_HEIGHT + LINE_HEIGHT * (len(lines) - 1)
        bars = [Bar(y, _width(row.value, top), row.value, _fmt(row.value), False)]
        y += BAR_HEIGHT + BAR_GAP
        if row.comparator_value is not None:
            bars.append(
                Bar(
                    y,
                    _width(row.comparator_value, top),
                    row.comparator_value,
                    _fmt(row.comparator_value),
                    True,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        blocks.append(Block(label_y, label, tuple(bars), lines))
        y += BLOCK_GAP
    return BarChart(WIDTH, y, tuple(blocks))


def _width(value: Decimal, top: Decimal) -> int:
    return max(1, int(BAR_MAX * value / top)) if value > 0 else 0
