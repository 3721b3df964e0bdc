"""What the actions app contributes to the platform (see t2a/registry.py)."""

from t2a.registry import Registrar


def register(app: Registrar) -> None:
    measures = [
        (4, 10, "priorities_ranked", "Priorities ranked with community leads"),
        (4, 30, "action_plan_signed_off", "Action plan signed off by the community leads"),
        (
            5, 20, "progress_updates_on_time",
            "Progress updates published within each action's cadence",
        ),
        (5, 30, "escalations_decided", "Every escalation to governance has a decision"),
        (
            5, 40, "evaluation_written",
            "Annual evaluation written, with success evidence and ripple effects",
        ),
    ]  # fmt: skip
    for stage, position, key, label in measures:
        app.readiness(
            stage=stage,
            key=key,
            label=label,
            measure=f"actions.selectors.readiness.{key}",
            position=position,
        )
    app.reminder_source("actions.services.reminders.action_updates_due")
    app.closure_evidence(
        step="actions_handed_over",
        met="actions.selectors.closure.closure_nothing_left_open",
        summary="actions.selectors.closure.closure_actions_summary",
        template="actions/closure/actions_handed_over.html",
        reopens=True,
        refusal="actions.selectors.closure.closure_actions_refusal",
    )
    app.carry_over(
        key="open_actions",
        carry="actions.services.closure.open_actions_carry",
        preview="actions.selectors.closure.open_actions_preview",
        position=30,
    )
    app.carry_over(
        key="what_to_adapt",
        carry="actions.services.closure.what_to_adapt_carry",
        preview="actions.selectors.closure.what_to_adapt_preview",
        position=40,
    )

    app.organisation_data(
        "actions.ActionHandover",
        "actions.Priority",
        "actions.PriorityInsight",
        "actions.PriorityRanking",
        "actions.ActionPlan",
        "actions.SignOffRound",
        "actions.SignOff",
        "actions.Action",
        "actions.ProgressUpdate",
        "actions.Escalation",
        "actions.Evaluation",
        "actions.RippleEffect",
    )
    plan = ("actions:plan_detail", "cycle_pk", "cycle_id")
    app.audit("actions.ActionPlan", link=plan)
    app.audit("actions.Action", link=("actions:action_detail", "action_pk", "pk"))
    app.audit(
        "actions.SignOffRound",
        exclude=("snapshot",),
        link=("actions:plan_detail", "cycle_pk", "plan__cycle_id"),
    )
    app.audit("actions.SignOff", link=("actions:plan_detail", "cycle_pk", "round__plan__cycle_id"))
    app.audit("actions.Escalation", link=("actions:action_detail", "action_pk", "action_id"))
    app.audit("actions.Evaluation", link=("actions:evaluation", "cycle_pk", "cycle_id"))
    app.audit("actions.RippleEffect", link=("actions:ripple_map", "cycle_pk", "cycle_id"))
    # The annual evaluation's stage 4 and 5 sections; feedback adds its own between them.
    drawings = {
        "indicators": "trust_indicator_charts",
        "measures": "measured_target_charts",
        "ripple": "ripple_map_drawing",
    }
    for position, key, heading, gather, chapter in [
        (30, "priorities", "Priorities", "priorities", False),
        (40, "plan", "The action plan", "action_plan", True),
        (45, "measures", "Progress towards measured targets", "measured_targets", False),
        (50, "signoff", "Sign-off record", "signoffs", False),
        (70, "indicators", "Trust indicators", "trust_indicator_figures", True),
        (80, "evaluation", "Evaluation", "evaluation_summary", True),
        (90, "evidence", "Evidence of success", "evidence_of_success", False),
        (100, "ripple", "Ripple-effect map", "ripple_map", True),
        (120, "learning", "Learning and next steps", "learning_next_steps", True),
    ]:  # fmt: skip
        app.report_section(
            report="annual_evaluation",
            key=key,
            position=position,
            heading=heading,
            template=f"actions/reports/{key}.html",
            gather=f"actions.selectors.reports.{gather}",
            draw=f"actions.selectors.reports.{drawings[key]}" if key in drawings else "",
            chapter=chapter,
        )
    app.navigation(template="actions/navigation.html", position=40)
    app.panel(
        page="cycle",
        key="plan",
        template="actions/panels/cycle_plan.html",
        context="actions.views.panels.cycle_plan",
        position=30,
    )
    app.panel(
        page="home",
        key="plans",
        template="actions/panels/home_plans.html",
        context="actions.views.panels.home_plans",
        position=40,
    )
    app.panel(
        page="home",
        key="trust_indicators",
        template="actions/panels/home_trust_indicators.html",
        context="actions.views.panels.home_trust_indicators",
        position=41,
    )
    # Feedback's plug-in points (declared and documented in feedback's selectors and services):
    # a priority linked to an insight answers it; a report-back reports actions and public
    # progress updates; the public page shows the plan.
    app.extend(
        "feedback.insight_answered", "actions.selectors.priorities.insight_linked_to_priority"
    )
    app.extend("feedback.insight_taken_up_by", "actions.selectors.priorities.insight_taken_up_by")
    app.extend("feedback.theme_merged", "actions.services.priorities.priority_themes_merge")
    app.extend(
        "feedback.report_back_link", "actions.forms.report_backs.ActionsReported", position=10
    )
    app.extend(
        "feedback.report_back_link", "actions.forms.report_backs.UpdatesReported", position=20
    )
    app.extend("feedback.public_page_sections", "actions.selectors.public.public_page_sections")
    app.demo("actions.services.demo.seed")
    app.policies("actions.policies")
