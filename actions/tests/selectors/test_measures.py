"""Numeric measures: the percentage towards the target in either direction, and the line
with a text alternative that states every value."""

import re
from datetime import date
from decimal import Decimal

import pytest

from actions.selectors.measures import MeasuredProgress, Reading, percent_towards


def progress(baseline, target, *values, unit="days") -> MeasuredProgress:
    readings = tuple(Reading(date(2026, 2 + n, 1), Decimal(str(v))) for n, v in enumerate(values))
    return MeasuredProgress(
        "Average wait", unit, Decimal(str(baseline)), Decimal(str(target)), readings
    )


@pytest.mark.parametrize(
    ("baseline", "target", "current", "percent"),
    [
        (0, 40, 10, 25),  # more appointments: an increase
        (60, 30, 45, 50),  # shorter waits: a decrease is progress
        (60, 30, 30, 100),
        (60, 30, 24, 120),  # past the target
        (60, 30, 66, -20),  # further away than at the start
        (10, 10, 10, 100),  # holding a level, and on it
        (10, 10, 12, 0),  # holding a level, and off it
        (Decimal("0.5"), Decimal("2.5"), Decimal("1.25"), 38),
    ],
)
def test_percent_towards_the_target(baseline, target, current, percent):
    assert percent_towards(Decimal(baseline), Decimal(target), Decimal(current)) == percent


def test_no_value_measured_yet():
    waits = progress(60, 30)
    assert waits.percent is None
    assert waits.headline == "No value measured yet"
    assert waits.summary == "Average wait: baseline 60 days, target 30 days. No value measured yet."


def test_the_latest_reading_counts():
    waits = progress(60, 30, 52, Decimal("46.5"))
    assert waits.percent == 45
    assert waits.headline == "45% of the way to the target"
    assert waits.current_text == "46.5 days on 1 March 2026"
    assert progress(60, 30, 28).headline == "107%: target reached"
    assert progress(60, 30, 70).headline == "-33%: further from the target than at the start"


def test_the_line_states_every_value_in_words():
    chart = str(progress(0, 40, 12, 25, unit="%").chart)
    assert chart.startswith("<svg") and 'role="img"' in chart
    label = (
        "Average wait: baseline 0%, target 40%. Measured 12% on 1 February 2026; 25% on "
        "1 March 2026. 63% of the way to the target."
    )
    assert f'aria-label="{label}"' in chart
    assert f"<title>{label}</title>" in chart
    # Baseline and two readings on the line; the target dashed across.
    points = re.search(r'<polyline points="([^"]+)"', chart).group(1).split()
    assert len(points) == 3
    assert chart.count("<circle") == 3
    assert 'stroke-dasharray="5 4"' in chart
    assert "style=" not in chart  # the CSP forbids style attributes


def test_a_line_falls_as_waits_fall():
    chart = str(progress(60, 30, 45).chart)
    (first, second) = re.search(r'<polyline points="([^"]+)"', chart).group(1).split()
    assert float(second.split(",")[1]) > float(first.split(",")[1])  # SVG y grows downwards


def test_before_any_reading_the_baseline_is_a_dot():
    chart = str(progress(60, 30).chart)
    assert "<polyline" not in chart and chart.count("<circle") == 1
