"""The register as a CSV file (views/csv.py): import with a preview, and export."""

import csv
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from stakeholders.models import Stakeholder
from stakeholders.tests.builders import make_stakeholder, with_contact
from t2a import audit
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix

HEADER = (
    "name,kind,sector,trusted,communities_reached,influence,interest,"
    "email,consent_date,consent_basis\n"
)


GOOD = (
    HEADER
    + "Brook Library,place,Other public sector,Trusted Place,Young carers; Somali women,2,4,,,\n"
    + "Pastor Grace,person,faith,Trusted Leader; Trusted Voice,Black African women,4,5,"
    + "grace@example.org,2026-01-10,consent\n"
)


def url(org, name):
    return reverse(f"stakeholders:{name}", args=[org.slug])


def upload(text: str, name: str = "stakeholders.csv", content_type: str = "text/csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type=content_type)


def count() -> int:
    with scopes_disabled():
        return Stakeholder.objects.count()


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, outsider, client_for):
    client = client_for(outsider)
    for name in ("stakeholder_import", "stakeholder_import_confirm", "stakeholder_export"):
        assert client.get(url(org, name)).status_code == 404, name
        assert client.post(url(org, name), {"content": GOOD}).status_code == 404, name
    assert count() == 0


@pytest.mark.django_db
def test_import_matrix(org, users, client_for):
    assert_role_matrix(client_for, users, url(org, "stakeholder_import"), get=STAFF)
    assert_role_matrix(
        client_for,
        users,
        url(org, "stakeholder_import"),
        post=STAFF,
        data=lambda role: {"file": upload(GOOD)},
    )
    assert count() == 0  # a preview saves nothing
    assert_role_matrix(
        client_for,
        users,
        url(org, "stakeholder_import_confirm"),
        post=STAFF,
        data={"content": GOOD},
    )


@pytest.mark.django_db
def test_preview_then_confirm_imports_every_row(org, users, client_for):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    preview = client.post(url(org, "stakeholder_import"), {"file": upload(GOOD)})
    assert preview.status_code == 200
    assert "Import 2 stakeholders" in preview.text
    assert count() == 0
    content = preview.context["confirm"].initial["content"]
    done = client.post(url(org, "stakeholder_import_confirm"), {"content": content})
    assert done.status_code == 302
    with scopes_disabled():
        rows = {s.name: s for s in Stakeholder.objects.all()}
    assert set(rows) == {"Brook Library", "Pastor Grace"}
    grace = rows["Pastor Grace"]
    assert grace.trusted_leader and grace.trusted_voice and not grace.trusted_place
    assert grace.consent_recorded_by == users[Role.ENGAGEMENT_LEAD]
    assert grace.organisation == org
    assert rows["Brook Library"].sector == "other_public"
    assert rows["Brook Library"].communities_reached == ["Young carers", "Somali women"]
    # Saved in bulk (no signals), yet each imported stakeholder is in the audit trail as
    # created by the person who imported them.
    with scopes_disabled():
        created = audit.entries_for(org).filter(content_type__model="stakeholder")
        assert sorted(e.object_repr for e in created) == ["Brook Library", "Pastor Grace"]
        assert {e.actor_id for e in created} == {users[Role.ENGAGEMENT_LEAD].pk}


@pytest.mark.django_db
def test_a_bad_row_saves_nothing_and_is_named_by_its_row_number(org, users, client_for):
    bad = (
        GOOD
        + "Dr Okoro,person,hospital,,,,9,,,\n"
        + "Hodan Ali,person,community,,,,,hodan@example.org,,\n"
    )
    client = client_for(users[Role.ADMIN])
    preview = client.post(url(org, "stakeholder_import"), {"file": upload(bad)})
    assert preview.status_code == 400
    text = preview.text
    assert "Nothing has been saved" in text
    assert "Row 4 (Dr Okoro): sector: “hospital” is not one of the choices." in text
    assert "interest: enter a whole number from 1 to 5, not “9”." in text
    assert "Row 5 (Hodan Ali): consent_date: Contact details can only be saved" in text
    assert "Row 2" not in text and "Row 3" not in text
    assert preview.context["confirm"] is None
    # Posting the bad content to the confirm step directly still saves nothing.
    again = client.post(url(org, "stakeholder_import_confirm"), {"content": bad})
    assert again.status_code == 400
    assert count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(GOOD, name="stakeholders.xlsx"), "The file must be a CSV file"),
        (upload(GOOD, content_type="application/pdf"), "The file must be a CSV file"),
        (upload("a" * (1024 * 1024 + 1)), "The file is bigger than 1 MB."),
        (
            SimpleUploadedFile("s.csv", "name,sector\nJosé,nhs\n".encode("latin-1"), "text/csv"),
            "The file is not UTF-8 text.",
        ),
    ],
)
def test_wrong_kind_of_file_is_refused(org, users, client_for, file, message):
    response = client_for(users[Role.ADMIN]).post(url(org, "stakeholder_import"), {"file": file})
    assert response.status_code == 400
    assert message in response.text
    assert count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The submitted file is empty."),
        ("\n", "The file is empty."),
        ("name,sector,favourite_colour\nA,nhs,red\n", "Unknown columns: favourite_colour."),
        ("name,kind\nA,person\n", "Missing columns: sector."),
        ("name,sector\n", "The file has no rows below the header."),
        ("name,sector\nA,nhs,extra\n", "The row has more cells than the header."),
    ],
)
def test_malformed_files_are_explained(org, users, client_for, text, message):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_import"), {"file": upload(text)}
    )
    assert response.status_code == 400
    assert message in response.text
    assert count() == 0


@pytest.mark.django_db
def test_no_upload_gives_a_form_error(org, users, client_for):
    response = client_for(users[Role.ADMIN]).post(url(org, "stakeholder_import"), {})
    assert response.status_code == 400
    assert "There is a problem" in response.text


@pytest.mark.django_db
def test_export_matrix_and_content(org, users, client_for):
    assert_role_matrix(client_for, users, url(org, "stakeholder_export"), get=STAFF)
    with_contact(org, users[Role.ADMIN], "Grace Bello", phone="+44 7700 900123")
    make_stakeholder(org, '=HYPERLINK("http://evil")', sector="business")
    response = client_for(users[Role.ADMIN]).get(url(org, "stakeholder_export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_name = {r["name"]: r for r in rows}
    assert by_name["Grace Bello"]["email"] == "grace@example.org"
    assert by_name["Grace Bello"]["phone"] == "'+44 7700 900123"
    assert '\'=HYPERLINK("http://evil")' in by_name


@pytest.mark.django_db
def test_export_imports_again_unchanged(org, other_org, users, client_for, outsider):
    s = with_contact(
        org,
        users[Role.ADMIN],
        "Grace Bello",
        phone="+44 7700 900123",
        trusted_voice=True,
        communities_reached=["Somali women", "Young carers"],
        preferred_channels=["whatsapp", "phone"],
        influence=5,
    )
    exported = b"".join(
        client_for(users[Role.ADMIN]).get(url(org, "stakeholder_export")).streaming_content
    ).decode()
    client = client_for(outsider)
    preview = client.post(url(other_org, "stakeholder_import"), {"file": upload(exported)})
    assert preview.status_code == 200, preview.text
    client.post(url(other_org, "stakeholder_import_confirm"), {"content": exported})
    with scopes_disabled():
        copy = Stakeholder.objects.get(organisation=other_org)
    for field in (
        "name",
        "phone",
        "email",
        "trusted_voice",
        "communities_reached",
        "preferred_channels",
        "influence",
        "consent_date",
        "consent_basis",
    ):
        assert getattr(copy, field) == getattr(s, field), field


@pytest.mark.django_db
def test_export_template_has_only_the_header(org, users, client_for):
    make_stakeholder(org, "Not in the template")
    response = client_for(users[Role.ADMIN]).get(url(org, "stakeholder_export"), {"template": "1"})
    body = b"".join(response.streaming_content).decode()
    assert body.strip().split(",")[0] == "name"
    assert "Not in the template" not in body


@pytest.mark.django_db
def test_the_preview_names_rows_that_repeat_a_row_or_the_register(org, users, client_for):
    existing = make_stakeholder(org, "Siân Hughes")
    decomposed = unicodedata.normalize("NFD", "Siân Hughes")
    text = (
        "name,sector\n"
        "Brook Library,other public sector\n"
        f"{decomposed},community\n"
        "Pastor Grace,faith\n"
        "\u200bBROOK  library ,other public sector\n"
    )
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    preview = client.post(url(org, "stakeholder_import"), {"file": upload(text)})
    assert preview.status_code == 200
    page = preview.text
    assert "Row 3 (Siân Hughes) has the same name as" in page
    detail = reverse("stakeholders:stakeholder_detail", args=[org.slug, existing.pk])
    assert f'<a href="{detail}">Siân Hughes</a>, already on the register' in page
    assert "Row 5 (BROOK library) repeats row 2." in page
    assert "Pastor Grace) " not in page
    content = preview.context["confirm"].initial["content"]
    # Confirming without saying the rows were checked saves nothing and says why.
    refused = client.post(url(org, "stakeholder_import_confirm"), {"content": content})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text and "tick the box" in refused.text
    assert count() == 1
    done = client.post(
        url(org, "stakeholder_import_confirm"),
        {"content": content, "same_names_confirmed": "on"},
    )
    assert done.status_code == 302
    assert count() == 5


@pytest.mark.django_db
def test_a_cell_over_its_limit_is_named(org, users, client_for):
    text = f"name,sector,notes\nBrook Library,community,{'x' * 5001}\n"
    preview = client_for(users[Role.ADMIN]).post(
        url(org, "stakeholder_import"), {"file": upload(text)}
    )
    assert preview.status_code == 400
    assert "notes: must be 5,000 characters or fewer (it has 5,001)." in preview.text


@pytest.mark.django_db
def test_a_file_over_the_limit_shows_the_import_form_again(org, users, client_for):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    big = upload(HEADER + "Brook Library,place,Other public sector,,,2,4,,,\n" * 120_000)
    assert big.size > 5 * 1024 * 1024
    response = client.post(url(org, "stakeholder_import"), {"file": big}, follow=True)
    assert response.redirect_chain == [(url(org, "stakeholder_import"), 302)]
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The file is bigger than 1 MB. Choose a smaller file." in response.text
    assert 'type="file"' in response.text
    assert count() == 0
