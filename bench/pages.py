"""What the benchmark visits and measures, on the large demo organisation (`eastbrook`).

Kept apart from run.py so each stage app's pages join the list in one place.
"""

import time

from django.urls import reverse
from django_scopes import scope

from t2a.models import Organisation

LARGE_ORG = "eastbrook"
BENCH_USER = "admin+eastbrook@example.org"


def page_list() -> list[tuple[str, str]]:
    organisation = Organisation.objects.get(slug=LARGE_ORG)
    slug = organisation.slug
    paths = [
        ("organisation home", reverse("organisation_home", args=[slug])),
        ("members", reverse("members", args=[slug])),
    ]
    with scope(organisation=organisation.pk):
        paths += _stage_pages(organisation)
    return paths


def _stage_pages(organisation) -> list[tuple[str, str]]:
    """Pages of the stage apps, on the cycle with the most data."""
    return []


def extra_measurements() -> dict[str, str]:
    """Timed operations other than page loads (PDF render, reminder sweep)."""
    results: dict[str, str] = {}
    from bench import ladder
    from t2a.notifications import reminder_sweep

    results.update(ladder.measure())

    started = time.perf_counter()
    reminder_sweep()
    results["reminder sweep (all organisations)"] = f"{time.perf_counter() - started:.2f} s"
    return results
