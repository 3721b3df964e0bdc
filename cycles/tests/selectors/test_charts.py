"""The inequality chart's geometry (selectors/charts.py): a long label wraps and pushes its
bars down, on the case for change page as in the chart."""

import pytest
from django_scopes import scopes_disabled

from cycles.selectors.charts import LABEL_CHARS, inequality_chart
from cycles.tests.builders import cycle_url, make_inequality_row

pytestmark = pytest.mark.django_db


def test_a_long_chart_label_wraps_and_pushes_its_bars_down(lead, cycle):
    long_group = "Women in the most deprived decile of Leicester's neighbourhoods"
    make_inequality_row(cycle, "Black African", 8.1)
    make_inequality_row(cycle, long_group, 5)
    with scopes_disabled():
        chart = inequality_chart(list(cycle.case_for_change.inequality_rows.order_by("pk")))
    short, long = chart.blocks
    assert len(short.lines) == 1 and len(long.lines) == 2
    assert all(len(line) <= LABEL_CHARS for line in long.lines)
    assert " ".join(long.lines) == long.label
    assert long.bars[0].y - long.label_y > short.bars[0].y - short.label_y  # one line lower
    page = lead.get(cycle_url(cycle, "case-for-change/")).content.decode()
    assert f'<tspan x="0" dy="18">{long.lines[1]}</tspan>' in page.replace("&#x27;", "'")
