"""Lay out the power–interest grid as plain numbers for a server-rendered SVG.

Interest runs left to right and influence bottom to top, one cell per score (1–5). Each
cell shows up to `CELL_DOTS` dots, one per stakeholder; a fuller cell shows one dot fewer
and a "+n" link to the register filtered to that cell, so the drawing stays readable (and
its size bounded) however many stakeholders a cycle maps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ..models import Sector

CELL = 110
LEFT, TOP, RIGHT, BOTTOM = 70, 16, 16, 64
PER_ROW = 5
STEP = 20
RADIUS = 7
CELL_DOTS = PER_ROW * PER_ROW

# Colours with at least 3:1 contrast against the white and pale quadrant backgrounds.
SECTOR_COLOURS = {
    Sector.COMMUNITY: "#007f3b",
    Sector.VCSE: "#330072",
    Sector.NHS: "#005eb8",
    Sector.LOCAL_AUTHORITY: "#b3243c",
    Sector.OTHER_PUBLIC: "#425563",
    Sector.BUSINESS: "#7c2855",
    Sector.FAITH: "#8a5a00",
    Sector.EDUCATION: "#006874",
}

QUADRANTS = [
    # (label, high influence, high interest, fill)
    ("Manage closely", True, True, "#e8edee"),
    ("Keep satisfied", True, False, "#f4f6f7"),
    ("Keep informed", False, True, "#f4f6f7"),
    ("Monitor", False, False, "#ffffff"),
]


def quadrant(influence: int, interest: int) -> str:
    for label, high_influence, high_interest, _ in QUADRANTS:
        if (influence >= 3) == high_influence and (interest >= 3) == high_interest:
            return label
    raise AssertionError("unreachable")


@dataclass
class Dot:
    cx: int
    cy: int
    fill: str
    label: str
    href: str | None


@dataclass
class More:
    x: int
    y: int
    count: int
    label: str
    href: str | None


def _cell_origin(influence: int, interest: int) -> tuple[int, int]:
    return LEFT + (interest - 1) * CELL, TOP + (5 - influence) * CELL


def power_interest_grid(
    stakeholders: list[dict],
    *,
    detail_url: Callable[[int], str] | None,
    more_url: Callable[[int, int], str] | None,
) -> dict:
    """Positions for each stakeholder dict (pk, name, sector, influence, interest).

    `detail_url(pk)` and `more_url(influence, interest)` give the links, or are None when
    the viewer may not open register rows (the dots are then not links).
    """
    cells: dict[tuple[int, int], list[dict]] = {}
    for row in stakeholders:
        cells.setdefault((row["influence"], row["interest"]), []).append(row)
    dots, more = [], []
    for (influence, interest), rows in sorted(cells.items()):
        x0, y0 = _cell_origin(influence, interest)
        shown = rows if len(rows) <= CELL_DOTS else rows[: CELL_DOTS - 1]
        for n, row in enumerate(shown):
            dots.append(
                Dot(
                    cx=x0 + 15 + (n % PER_ROW) * STEP,
                    cy=y0 + 15 + (n // PER_ROW) * STEP,
                    fill=SECTOR_COLOURS.get(row["sector"], "#425563"),
                    label=f"{row['name']} ({Sector(row['sector']).label}): "
                    f"influence {influence}, interest {interest}",
                    href=detail_url(row["pk"]) if detail_url else None,
                )
            )
        if len(rows) > len(shown):
            hidden = len(rows) - len(shown)
            n = len(shown)
            more.append(
                More(
                    x=x0 + 15 + (n % PER_ROW) * STEP,
                    y=y0 + 15 + (n // PER_ROW) * STEP,
                    count=hidden,
                    label=f"{hidden} more with influence {influence} and interest {interest}",
                    href=more_url(influence, interest) if more_url else None,
                )
            )
    # Scores of 3 and above count as high, so the quadrant lines sit after the second cell.
    quadrant_rects = [
        {
            "label": label,
            "x": LEFT + (2 * CELL if high_interest else 0),
            "y": TOP + (0 if high_influence else 3 * CELL),
            "width": (3 if high_interest else 2) * CELL,
            "height": (3 if high_influence else 2) * CELL,
            "fill": fill,
        }
        for label, high_influence, high_interest, fill in QUADRANTS
    ]
    ticks = [
        {
            "n": n,
            "x": LEFT + (n - 0.5) * CELL,
            "y": TOP + (5.5 - n) * CELL,
        }
        for n in range(1, 6)
    ]
    return {
        "width": LEFT + 5 * CELL + RIGHT,
        "height": TOP + 5 * CELL + BOTTOM,
        "plot": {"x": LEFT, "y": TOP, "size": 5 * CELL, "bottom": TOP + 5 * CELL},
        "cell": CELL,
        "lines": [LEFT + n * CELL for n in range(1, 5)],
        "hlines": [TOP + n * CELL for n in range(1, 5)],
        "quadrants": quadrant_rects,
        "ticks": ticks,
        "dots": dots,
        "more": more,
        "radius": RADIUS,
        "legend": [(Sector(s).label, colour) for s, colour in SECTOR_COLOURS.items()],
    }
