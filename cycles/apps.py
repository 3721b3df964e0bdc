from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cycles"

    def ready(self) -> None:
        # The audit trail (t2a/audit.py): who changed a cycle and its stage 1 documents.
        from t2a import audit

        from . import models

        case_for_change = ("cycles:case_for_change", "cycle_pk", "case_for_change__cycle_id")
        audit.track(
            models.Cycle,
            m2m=("community_leads", "governance_members"),
            link=("cycles:cycle_detail", "cycle_pk", "pk"),
        )
        audit.track(models.CaseForChange, link=("cycles:case_for_change", "cycle_pk", "cycle_id"))
        audit.track(models.DataSource, link=case_for_change)
        audit.track(models.InequalityRow, link=case_for_change)
        audit.track(models.ClosureItem, link=("cycles:closure", "cycle_pk", "cycle_id"))
        audit.track(
            models.EthicsLogEntry,
            exclude=("risk_score",),
            link=("cycles:ethics_log", "cycle_pk", "cycle_id"),
        )
