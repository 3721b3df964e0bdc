"""URLs under /o/<org_slug>/cycles/ (see t2a/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "cycles"
urlpatterns: list = []
