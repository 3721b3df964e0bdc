from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        # The audit trail (t2a/audit.py): plans, actions, sign-off, escalations, the
        # evaluation and the ripple-effect map.
        from t2a import audit

        from . import models

        plan = ("actions:plan_detail", "cycle_pk", "cycle_id")
        audit.track(models.ActionPlan, link=plan)
        audit.track(models.Action, link=("actions:action_detail", "action_pk", "pk"))
        audit.track(
            models.SignOffRound,
            exclude=("snapshot",),
            link=("actions:plan_detail", "cycle_pk", "plan__cycle_id"),
        )
        audit.track(
            models.SignOff, link=("actions:plan_detail", "cycle_pk", "round__plan__cycle_id")
        )
        audit.track(models.Escalation, link=("actions:action_detail", "action_pk", "action_id"))
        audit.track(models.Evaluation, link=("actions:evaluation", "cycle_pk", "cycle_id"))
        audit.track(models.RippleEffect, link=("actions:ripple_map", "cycle_pk", "cycle_id"))
