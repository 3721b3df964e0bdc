"""The case-for-change PDF's "Stakeholders and the 3Ts": who the Trusted Leaders, Voices and
Places are, named only as far as each may be, read from a real rendered PDF."""

from datetime import date
from pathlib import Path

import pytest
from django_scopes import scope

from cycles.models import ReportKind
from cycles.tests.builders import make_cycle
from cycles.tests.reports import pdftotext, render_report
from stakeholders.selectors.reports import stakeholders_and_three_ts
from stakeholders.tests.builders import link, make_stakeholder
from t2a.models import Role

pytestmark = pytest.mark.django_db

SAVE_TO = Path(__file__).resolve().parents[3] / "test-results" / "reports" / "three_ts.pdf"


def named(org, recorder, name, **fields):
    return make_stakeholder(
        org,
        name,
        named_in_reports=True,
        naming_consent_given_by=fields.pop("given_by", name),
        naming_consent_date=date(2026, 9, 1),
        naming_consent_recorded_by=recorder,
        **fields,
    )


@pytest.fixture
def three_ts_cycle(org, users):
    cycle = make_cycle(org)
    lead = users[Role.ENGAGEMENT_LEAD]
    place = make_stakeholder(org, "Al-Noor Community Centre", kind="place", trusted_place=True)
    group = make_stakeholder(
        org, "Highfields Women's Group", kind="organisation", sector="vcse", trusted_voice=True
    )
    sumi = named(org, lead, "সুমি বেগম", trusted_voice=True, trusted_leader=True)
    imam = make_stakeholder(org, "Imam Yusuf Khan", trusted_leader=True, sector="faith")
    # Agreed to the public page only: still not named in a governance report.
    public_only = make_stakeholder(
        org,
        "Grace Bello",
        trusted_leader=True,
        named_on_public_page=True,
        naming_consent_given_by="Grace Bello",
        naming_consent_date=date(2026, 9, 1),
        naming_consent_recorded_by=lead,
    )
    # A name in each script a community's names come in, named by consent or as a place
    # or organisation.
    fatima = named(org, lead, "فاطمة الزهراء", trusted_leader=True)
    zofia = make_stakeholder(
        org, "Fundacja Zofii Wójcik-Łęckiej", kind="organisation", trusted_voice=True
    )
    sian = make_stakeholder(org, "Canolfan Siân Llŷr", kind="place", trusted_place=True)
    link(place, cycle, role="Venue host")
    for stakeholder in (group, sumi, imam, public_only, fatima, zofia, sian):
        link(stakeholder, cycle)
    return cycle


def test_the_pdf_names_places_organisations_and_people_who_agreed_by_3ts_role(org, three_ts_cycle):
    content = render_report(org, three_ts_cycle, ReportKind.CASE_FOR_CHANGE)
    if SAVE_TO.parent.is_dir():
        SAVE_TO.write_bytes(content)
    # pdftotext marks right-to-left runs with embedding controls; they are not text.
    text = pdftotext(content, layout=True).translate(dict.fromkeys(map(ord, "\u202a\u202b\u202c")))
    section = text[text.index("Stakeholders and the 3Ts 8 stakeholders linked") :]
    leaders = section[section.index("Trusted Leaders") : section.index("Trusted Voices Name")]
    voices = section[section.index("Trusted Voices Name") : section.index("Trusted Places Name")]
    places = section[section.index("Trusted Places Name") : section.index("Population groups")]

    assert "সুমি বেগম Person Community" in leaders
    assert "And 2 people who have not agreed to be named in reports." in leaders
    assert "Highfields Women's Group Organisation" in voices
    assert "সুমি বেগম Person" in voices
    assert "not agreed" not in voices
    assert "Al-Noor Community Centre Place Community Venue host" in places
    assert "فاطمة الزهراء Person" in leaders
    assert "Fundacja Zofii Wójcik-Łęckiej Organisation" in voices
    assert "Canolfan Siân Llŷr Place" in places
    # Who has not agreed to be named in reports is counted, never named.
    assert "Imam Yusuf Khan" not in text
    assert "Grace Bello" not in text


def test_a_role_with_nobody_says_so(org):
    cycle = make_cycle(org)
    with scope(organisation=org.pk):
        data = stakeholders_and_three_ts(cycle)
    assert [r["heading"] for r in data["three_ts_named"]] == [
        "Trusted Leaders",
        "Trusted Voices",
        "Trusted Places",
    ]
    assert all(r["named"] == [] and r["unnamed"] == 0 for r in data["three_ts_named"])


def test_the_section_is_gathered_with_one_query_however_many_stakeholders(
    org, users, django_assert_max_num_queries
):
    cycle = make_cycle(org)
    for n in range(30):
        link(make_stakeholder(org, f"Person {n}", trusted_voice=True), cycle)
        link(make_stakeholder(org, f"Place {n}", kind="place", trusted_place=True), cycle)
    with scope(organisation=org.pk), django_assert_max_num_queries(1):
        data = stakeholders_and_three_ts(cycle)
    voices = data["three_ts_named"][1]
    assert voices["named"] == [] and voices["unnamed"] == 30
    assert len(data["three_ts_named"][2]["named"]) == 30
