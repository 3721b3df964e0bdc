from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "stakeholders"

    def ready(self) -> None:
        # The audit trail (t2a/audit.py): consent and contact details are recorded as
        # changed, but the contact values themselves never reach the log.
        from t2a import audit

        from . import models

        audit.track(
            models.Stakeholder,
            redact_fields=("email", "phone", "address"),
            link=("stakeholders:stakeholder_detail", "stakeholder_pk", "pk"),
        )
