"""URLs under /o/<org_slug>/actions/ (see t2a/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "actions"
urlpatterns: list = []
