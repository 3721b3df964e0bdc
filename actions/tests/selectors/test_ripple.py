"""Reads for the ripple-effect map: the tree as plain rows, and its SVG drawing."""

import re

import pytest
from django_scopes import scope

from actions.selectors import ripple

from ..builders import make_effect


def _rows(cycle, org):
    with scope(organisation=org.pk):
        roots = ripple.build_tree(ripple.effects_of(cycle))
        return ripple.tree_rows(roots, may_see_sensitive=True)


@pytest.mark.django_db
def test_the_drawing_escapes_text_and_slices_for_pages(org, cycle):
    root = make_effect(cycle, '<script>alert("x")</script> & a very long description ' * 3)
    for n in range(9):
        make_effect(cycle, f"Child {n}", level="community", parent=root)
    rows = _rows(cycle, org)
    whole = ripple.ripple_svg(rows, title="Map <b>")
    assert len(whole) == 1
    assert "<script>" not in whole[0] and "&lt;script&gt;" in whole[0]
    assert "Map &lt;b&gt;" in whole[0]
    parts = ripple.ripple_svg(rows, title="Map", max_rows=4)
    assert len(parts) == 3  # 9 leaf rows in slices of 4
    assert sum(p.count("<g>") for p in parts) == 10  # every box drawn exactly once
    heights = [float(re.search(r'height="([\d.]+)"', p).group(1)) for p in parts]
    assert all(h <= 4 * (ripple.BOX_H + ripple.ROW_GAP) + ripple.MARGIN for h in heights)
    assert all("(part" in p for p in parts)


def test_long_words_wrap_inside_the_box():
    lines = ripple._lines("Supercalifragilistic" * 10)
    assert len(lines) == ripple.MAX_LINES
    assert all(len(line) <= ripple.LINE_CHARS for line in lines)
    assert lines[-1].endswith("\u2026")
