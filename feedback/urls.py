"""URLs under /o/<org_slug>/feedback/ (see t2a/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "feedback"
urlpatterns: list = []
