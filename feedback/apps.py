from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self) -> None:
        # The audit trail (t2a/audit.py): what was reported back, and when it was published.
        from t2a import audit

        from . import models

        audit.track(
            models.ReportBack,
            link=("feedback:report_back_detail", "report_back_pk", "pk"),
        )
        # Who opened, closed or replaced a trust pulse's link; never the token (or what it
        # is derived from), and never the answers, which are anonymous.
        audit.track(
            models.PulseSurvey,
            exclude=("token_nonce", "token_hash"),
            link=("feedback:pulse", "cycle_pk", "cycle_id"),
        )
