"""Tenant-isolation walker fillers for listening URL keywords (see tests/walker.py).

Rows hang off the cycles app's shared walker cycle, so a path with `cycle_pk` and one of
these keywords points at real, related rows.
"""

from cycles.tests.walker_fillers import walker_cycle

from .builders import make_activity, make_insight, make_report_back, make_theme


def _insight(org) -> str:
    cycle = walker_cycle(org)
    return str(make_insight(cycle, themes=[make_theme(cycle, "Walker theme")]).pk)


FILLERS = {
    "activity_pk": lambda org: str(make_activity(walker_cycle(org)).pk),
    "insight_pk": _insight,
    "theme_pk": lambda org: str(make_theme(walker_cycle(org), "Walker theme").pk),
    "report_back_pk": lambda org: str(make_report_back(walker_cycle(org), "Walker report").pk),
}
