"""Every page each role can open fits a phone 390 px wide: nothing scrolls sideways.

The walk covers every GET page under `/o/<slug>/` (filled with a cycle that has something
in every stage, so tables have rows), the organisation chooser and the public page, for
each of the four roles. Pages a role may not open, and downloads, are skipped.
"""

import functools
import re

import pytest
from django_scopes import scopes_disabled

from cycles.models import DataSource, InequalityRow
from feedback.models import EngagementActivity, Insight, Theme
from stakeholders.models import Stakeholder
from stakeholders.tests.builders import link, make_stakeholder
from t2a.models import Role
from tests.cast import make_member, make_organisation
from tests.integration.report_builders import make_report_cycle
from tests.walker import fill, tenant_routes

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
# Pages that answer with a file, or act at once, rather than show a page.
NOT_PAGES = re.compile(r"(download|export|/csv|\.csv|\.pdf|data-export)")
LONG_URL = "https://fingertips.phe.org.uk/profile/child-health-profiles/data#page/4/gid/1938133228/pat/6/ati/402/are/E06000016/iid/92196/age/1/sex/4"


def wide_elements(page) -> list[str]:
    """The elements that reach past the right edge of the screen (for the failure message)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0) {
              const parent = el.parentElement;
              const pr = parent ? parent.getBoundingClientRect().right : 0;
              if (pr <= width + 1) out.push(el.tagName.toLowerCase() + '.' +
                  (el.className || '').toString().split(' ').join('.') + ' ' +
                  Math.round(r.right) + 'px: ' + (el.textContent || '').trim().slice(0, 40));
            }
          }
          return out.slice(0, 5);
        }"""
    )


def _answer_with(answer, route) -> None:
    route.fulfill(response=answer)


def rich_organisation():
    org = make_organisation("Northgate Integrated Care Board", "northgate", brand_colour="#00403a")
    users = {
        role.value: make_member(org, role, f"{role.value}@northgate.example.org") for role in Role
    }
    cycle = make_report_cycle(org, users, title="Maternity and neonatal services in Highfields")
    with scopes_disabled():
        DataSource.objects.filter(case_for_change__cycle=cycle).update(url=LONG_URL)
        InequalityRow.objects.filter(case_for_change__cycle=cycle).update(
            source="Office for National Statistics births and infant deaths", source_url=LONG_URL
        )
    for name, kind, tags in [
        ("সুমি বেগম", "person", {"trusted_voice": True}),
        ("Al-Noor Community Centre and Madrasah", "place", {"trusted_place": True}),
        ("Highfields Somali Women's Association", "organisation", {"trusted_leader": True}),
    ]:
        stakeholder = make_stakeholder(
            org, name, kind=kind, communities_reached=["Black African women"], **tags
        )
        link(stakeholder, cycle, role="Co-facilitator of the listening events")
    return org, users, cycle


def role_paths(org, cycle) -> list[str]:
    with scopes_disabled():
        cache = {
            "cycle_pk": str(cycle.pk),
            "stakeholder_pk": str(Stakeholder.objects.filter(cycle_links__cycle=cycle)[0].pk),
            "activity_pk": str(EngagementActivity.objects.filter(cycle=cycle)[0].pk),
            "insight_pk": str(Insight.objects.filter(cycle=cycle)[0].pk),
            "theme_pk": str(Theme.objects.filter(cycle=cycle)[0].pk),
        }
    paths = []
    for route, _pattern in tenant_routes():
        try:
            path = fill(route, org, cache)
        except LookupError:
            # A keyword without a filler fails the tenant-isolation walker, not this test.
            continue
        if NOT_PAGES.search(path) or path in paths:
            continue
        paths.append(path)
    return ["/", "/organisations/", *paths]


@pytest.mark.parametrize("role", list(Role))
def test_every_page_of_every_role_fits_a_phone(phone_page, live_server, role):
    org, users, cycle = rich_organisation()
    user = users[role]
    # A second organisation, so the chooser lists more than one.
    make_member(make_organisation("Southfield Council", "southfield"), Role.GOVERNANCE, user.email)
    phone_page.goto(f"{live_server.url}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    sign_in(phone_page, live_server, user.email)
    checked, too_wide = [], []
    for path in role_paths(org, cycle):
        # Asked first with the page's own cookies: a page the role may not open (403, 404,
        # 405 for a form's action) or a file is skipped.
        answer = phone_page.request.get(f"{live_server.url}{path}", max_redirects=0)
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        if "<html" not in answer.text()[:500]:
            continue  # a fragment for htmx to swap in, not a page
        # The page loads from that answer rather than asking the server to draw it again.
        url = f"{live_server.url}{path}"
        phone_page.route(url, functools.partial(_answer_with, answer))
        phone_page.goto(url)
        phone_page.unroute(url)
        checked.append(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            too_wide.append(f"{path} is {width}px wide: {wide_elements(phone_page)}")
    assert len(checked) >= 10, checked
    assert not too_wide, "\n".join(too_wide)
