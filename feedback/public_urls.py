"""The public pages under /p/<org_slug>/ (see t2a/urls.py): no sign-in."""

from django.urls import path

from . import pulse_views, views

app_name = "public"
urlpatterns = [
    path("<slug:cycle_slug>/", views.public_cycle_page, name="cycle"),
    path("<slug:cycle_slug>/trust-pulse/<str:token>/", pulse_views.pulse_answer, name="pulse"),
]
