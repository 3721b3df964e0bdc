from django.apps import AppConfig
from django.core import checks as django_checks

from . import checks, registrations
from .registry import registry


class T2AConfig(AppConfig):
    name = "t2a"
    verbose_name = "T2A platform"

    def ready(self) -> None:
        for check in checks.ALL:
            django_checks.register(check)
        for check in checks.DEPLOY:
            django_checks.register(check, django_checks.Tags.security, deploy=True)
        registrations.register(registry.for_app(self.name))
