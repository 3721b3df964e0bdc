from django.apps import AppConfig

from t2a.registry import registry

from . import registrations


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self) -> None:
        registrations.register(registry.for_app(self.name))
