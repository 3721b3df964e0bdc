"""The site's URLs plus the benchmark's floor page. Only `make bench` serves this (its
gunicorn runs with ROOT_URLCONF=bench.urls); the site itself never routes to it."""

from django.urls import path

from t2a.urls import handler403, handler404, handler500  # noqa: F401 (the site's error pages)
from t2a.urls import urlpatterns as site_urlpatterns

from . import views

# Before the site's own patterns, so /o/<slug>/… does not swallow it.
urlpatterns = [
    path("o/<slug:org_slug>/bench/base-only/", views.base_only, name="bench_base_only"),
    *site_urlpatterns,
]
