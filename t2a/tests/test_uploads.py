"""A post bigger than its view takes (t2a/uploads.py): never read, and the form it came
from is shown again with an error saying how big it may be, never a bare error page."""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from t2a.models import Organisation, Role
from t2a.uploads import size_words, too_big_message

FIVE_MB = 5 * 1024 * 1024


def delete_url(org) -> str:
    return reverse("organisation_delete", args=[org.slug])


@pytest.mark.django_db
def test_typed_text_over_the_limit_shows_the_form_again_with_the_limit(org, users, client_for):
    admin = client_for(users[Role.ADMIN])
    body = urlencode({"confirm_name": org.name, "understood": "on", "notes": "x" * FIVE_MB})
    response = admin.post(
        delete_url(org),
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"Referer": f"http://testserver{delete_url(org)}"},
        follow=True,
    )
    assert response.redirect_chain == [(f"http://testserver{delete_url(org)}", 302)]
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "What you sent is bigger than 5 MB. Shorten it and try again." in response.text
    assert 'name="confirm_name"' in response.text  # the form, again
    assert Organisation.objects.filter(pk=org.pk).exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_shows_the_form_again_with_the_limit(org, users, client_for):
    admin = client_for(users[Role.ADMIN])
    big = SimpleUploadedFile("minutes.pdf", b"%PDF-" + b"x" * FIVE_MB, "application/pdf")
    response = admin.post(
        delete_url(org), {"confirm_name": org.name, "understood": "on", "file": big}, follow=True
    )
    assert response.status_code == 200
    assert "The file is bigger than 5 MB. Choose a smaller file." in response.text
    assert 'name="confirm_name"' in response.text
    assert Organisation.objects.filter(pk=org.pk).exists()


@pytest.mark.django_db
def test_htmx_is_asked_to_load_the_page_whole_and_other_sites_are_not_returned_to(
    org, users, client_for
):
    admin = client_for(users[Role.ADMIN])
    body = urlencode({"notes": "x" * (FIVE_MB + 1)})
    response = admin.post(
        delete_url(org),
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"HX-Request": "true", "Referer": "https://evil.example/phish"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == delete_url(org)
    page = admin.get(delete_url(org))
    assert "What you sent is bigger than 5 MB" in page.text


@pytest.mark.django_db
def test_a_post_within_the_limit_is_handled_as_before(org, users, client_for):
    admin = client_for(users[Role.ADMIN])
    body = urlencode({"confirm_name": "wrong", "notes": "x" * (FIVE_MB - 1000)})
    response = admin.post(delete_url(org), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Type the organisation" in response.text


def test_sizes_read_as_people_say_them():
    assert [size_words(n) for n in (FIVE_MB, 1024 * 1024, 1536, 12)] == [
        "5 MB", "1 MB", "1.5 KB", "12 bytes",
    ]  # fmt: skip
    assert too_big_message(FIVE_MB) == "The file is bigger than 5 MB. Choose a smaller file."
