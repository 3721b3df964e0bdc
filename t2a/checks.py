"""System checks that keep the registry honest (run by every manage.py command and test).

- every dotted path a contribution names imports, and names its own app or one below it;
- every stage has at least one readiness measure;
- every model with an `organisation` foreign key is registered as organisation data once,
  so the export and deletion cannot miss it.
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.http.request import validate_host

from .registry import APP_ORDER, STAGES, OrganisationData, ReadinessMeasure, registry, resolve


def _app_of(path: str) -> str:
    return path.split(".", 1)[0]


def registered_paths_import(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for item in registry.everything():
        for path in item.paths():
            owner = _app_of(path)
            if owner not in APP_ORDER or APP_ORDER.index(owner) > APP_ORDER.index(item.app):
                errors.append(
                    checks.Error(
                        f"{item.app} registered {path!r}, which is not in {item.app} or an "
                        "app below it.",
                        hint=f"Apps stack as {' <- '.join(APP_ORDER)}; register the callable "
                        "from the app that owns it.",
                        id="t2a.E101",
                    )
                )
                continue
            try:
                found = resolve(path)
            except ImportError as exc:
                errors.append(
                    checks.Error(
                        f"{item.app} registered {path!r}, which cannot be imported: {exc}",
                        id="t2a.E102",
                    )
                )
                continue
            if not callable(found):
                errors.append(checks.Error(f"{path!r} is not callable.", id="t2a.E103"))
    return errors


def every_stage_measured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    measured = {m.stage for m in registry.all(ReadinessMeasure)}
    return [
        checks.Error(
            f"Stage {stage} has no readiness measure.",
            hint="Register one from the app that holds the stage's data "
            "(app.readiness(stage=..., ...) in its registrations.py).",
            id="t2a.E104",
        )
        for stage in STAGES
        if stage not in measured
    ]


def organisation_models() -> list:
    """Every concrete model with an `organisation` foreign key to Organisation."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "organisation"), None)
        if field is not None and field.related_model._meta.label == "t2a.Organisation":
            found.append(model)
    return found


def organisation_data_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    registered = {item.key for item in registry.all(OrganisationData)}
    errors = []
    for model in organisation_models():
        label = model._meta.label
        if label not in registered:
            errors.append(
                checks.Error(
                    f"{label} belongs to an organisation but is not registered as "
                    "organisation data, so the export and deletion would miss it.",
                    hint=f"Call app.organisation_data({label!r}) in "
                    f"{model._meta.app_label}/registrations.py.",
                    id="t2a.E105",
                )
            )
    known = {model._meta.label for model in organisation_models()}
    errors += [
        checks.Error(f"{label!r} is registered as organisation data but has no organisation.",
                     id="t2a.E106")
        for label in sorted(registered - known)
    ]  # fmt: skip
    return errors


def site_url_is_public(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Links in emails, texts, letters and PDFs are built from SITE_URL (t2a/links.py): in
    production it must be set, https, and one of the hosts the app answers to."""
    url = settings.SITE_URL
    parts = urlsplit(url)
    if not url:
        problem = "SITE_URL is not set, so links in emails would point nowhere."
    elif parts.scheme != "https" or not parts.hostname:
        problem = f"SITE_URL must be an https address, not {url!r}."
    elif not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        problem = f"SITE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS."
    else:
        return []
    return [
        checks.Error(
            problem,
            hint="Set SITE_URL to the address people use, e.g. https://t2a.example.org.",
            id="t2a.E201",
        )
    ]


ALL = (registered_paths_import, every_stage_measured, organisation_data_registered)
DEPLOY = (site_url_is_public,)
