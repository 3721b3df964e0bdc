"""Every page the benchmark loads (bench/pages.py), on the large demo organisation's shape
(`seed_demo --large`: 50 cycles, 2,000 stakeholders, 5,000 insights, 1,000 actions):
status 200 and at most 15 queries once the page's cached parts are computed, and the same
number on the small demo organisation, which has far less than a tenth of the data.

Both organisations are built once for this module, inside a transaction rolled back at
its end (each test still runs in its own savepoint), because building the large one takes
a while; the module's tests share one xdist worker (`--dist loadgroup`), so it is built
once per run rather than once per worker.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import pages
from t2a.models import Role, User
from t2a.services.demo import demo_data_seed, demo_organisation_seed
from t2a.services.notifications import notifications_held
from tests.cast import stored_pages_forget

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("large_demo")]

MAX_QUERIES = 15
SMALL_ORG = "northgate"


@pytest.fixture(scope="module")
def demo_organisations(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with notifications_held():
                small = demo_organisation_seed()
                demo_data_seed(small)
                large = demo_organisation_seed(
                    name="Eastbrook Community Health", slug=pages.LARGE_ORG
                )
                demo_data_seed(large, large=True)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            yield {
                SMALL_ORG: small.people,
                pages.LARGE_ORG: large.people,
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _paths(slug: str) -> dict[str, str]:
    return {
        "base.html only (organisation)": reverse("bench_base_only", args=[slug]),
        **dict(pages.page_list(slug)),
    }


def _queries(client, path: str) -> int:
    """Queries of the view once its cached parts are computed: the page's second request,
    with the stored whole page (t2a.pagecache) dropped first, as after a change."""
    assert client.get(path).status_code == 200, path
    stored_pages_forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.urls("bench.urls")
def test_every_benchmarked_page_runs_at_most_15_queries_on_the_large_shape(
    demo_organisations, client, django_assert_max_num_queries
):
    client.force_login(User.objects.get(email=pages.BENCH_USER))
    paths = _paths(pages.LARGE_ORG)
    counts = {label: _queries(client, path) for label, path in paths.items()}
    assert {label: n for label, n in counts.items() if n > MAX_QUERIES} == {}, counts
    for label, path in paths.items():
        stored_pages_forget()
        with django_assert_max_num_queries(MAX_QUERIES, info=label):
            response = client.get(path)
        assert response.status_code == 200, label


@pytest.mark.urls("bench.urls")
def test_a_stored_page_costs_no_more_queries_than_the_base_page(demo_organisations, client):
    """Between changes every page is served whole from the cache: its queries are those
    of every organisation page (the session, the member) and no more."""
    client.force_login(User.objects.get(email=pages.BENCH_USER))
    paths = _paths(pages.LARGE_ORG)
    base = paths.pop("base.html only (organisation)")
    paths.pop("members")  # drawn afresh on every request (not @page_cached)
    client.get(base)
    with CaptureQueriesContext(connection) as floor:
        assert client.get(base).status_code == 200
    for label, path in paths.items():
        assert client.get(path).status_code == 200, label
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, label
        assert len(queries) <= len(floor), (label, [q["sql"] for q in queries])


@pytest.mark.urls("bench.urls")
def test_query_counts_are_the_same_on_the_small_and_the_large_organisation(
    demo_organisations, client
):
    counts = {}
    for slug, people in demo_organisations.items():
        client.force_login(people[Role.ADMIN])
        counts[slug] = {label: _queries(client, path) for label, path in _paths(slug).items()}
    assert counts[SMALL_ORG] == counts[pages.LARGE_ORG]
