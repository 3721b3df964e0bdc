"""URLs under /p/<org_slug>/, open to anyone without signing in (see t2a/urls.py).

A module of its own beside urls/listening.py because Django's `include()` takes one
module's `urlpatterns` (with its `app_name`) per prefix, and the platform's URLconf names
the apps' URL modules by dotted path rather than importing an app above it.
"""

from django.urls import path

from ..views import public_page, pulse

app_name = "public"
urlpatterns = [
    path("<slug:cycle_slug>/", public_page.public_cycle_page, name="cycle"),
    path("<slug:cycle_slug>/trust-pulse/<str:token>/", pulse.pulse_answer, name="pulse"),
]
