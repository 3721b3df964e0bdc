"""URLs under /o/<org_slug>/stakeholders/ (see t2a/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "stakeholders"
urlpatterns: list = []
