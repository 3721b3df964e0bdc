"""What the feedback app contributes to the platform (see t2a/registry.py).

Feedback also declares plug-in points that later stages answer with `app.extend(point,
path)`, each documented where it is read: "feedback.insight_answered" and
"feedback.insight_taken_up_by" (selectors/insight.py), "feedback.report_back_link"
(selectors/report_backs.py), "feedback.public_page_sections" (selectors/public_page.py)
and "feedback.theme_merged" (services/themes.py).
"""

from t2a.registry import Registrar


def register(app: Registrar) -> None:
    for stage, position, key, label in [
        (3, 10, "listening_planned", "Listening activities planned in trusted places"),
        (3, 20, "listening_held", "At least one community-led listening activity held"),
        (3, 30, "insight_recorded", "Insight from listening recorded"),
        (
            4, 20, "insight_linked",
            "Every insight linked to a priority or marked out of scope with a reason",
        ),
        (5, 10, "report_back_published", "A \u201cyou said, we did\u201d report-back published"),
    ]:  # fmt: skip
        app.readiness(
            stage=stage,
            key=key,
            label=label,
            measure=f"feedback.selectors.readiness.{key}",
            position=position,
        )
    app.closure_evidence(
        step="learning_shared",
        met="feedback.selectors.closure.closure_report_back_published",
        summary="feedback.selectors.closure.closure_first_report_back",
        template="feedback/closure/learning_shared.html",
    )
    app.stakeholder_link(
        "feedback.EngagementActivity.venue",
        label="Listening activities they hosted",
        why="Keeps the activity; the venue shows as the erased stakeholder.",
        activity="feedback.selectors.activities.venue_activity",
    )
    app.extend("stakeholders.credited_by_name", "feedback.services.insight.CreditedInsights")
    app.organisation_data(
        "feedback.EngagementActivity",
        "feedback.Theme",
        "feedback.Insight",
        "feedback.InsightTheme",
        "feedback.ReportBack",
        "feedback.PublicPage",
        "feedback.PulseSurvey",
        "feedback.PulseResponse",
    )
    app.audit("feedback.ReportBack", link=("feedback:report_back_detail", "report_back_pk", "pk"))
    # Who opened, closed or replaced a trust pulse's link; never the token (or what it is
    # derived from), and never the answers, which are anonymous.
    app.audit(
        "feedback.PulseSurvey",
        exclude=("token_nonce", "token_hash"),
        link=("feedback:pulse", "cycle_pk", "cycle_id"),
    )
    # The annual evaluation's listening and report-back sections; actions adds the rest.
    for position, key, heading, gather, chapter in [
        (10, "reach", "Reach", "reach", True),
        (20, "insight", "Insight and themes", "insight_and_themes", False),
        (60, "report-backs", "Report-backs made", "report_backs", False),
        (110, "pulse", "Trust pulse", "trust_pulse", True),
    ]:  # fmt: skip
        app.report_section(
            report="annual_evaluation",
            key=key,
            position=position,
            heading=heading,
            template=f"feedback/reports/{key}.html",
            gather=f"feedback.selectors.reports.{gather}",
            chapter=chapter,
        )
    app.navigation(template="feedback/navigation.html", position=30)
    app.panel(
        page="cycle",
        key="listening",
        template="feedback/panels/cycle_listening.html",
        context="feedback.views.panels.cycle_listening",
        position=20,
    )
    app.panel(
        page="home",
        key="listening",
        template="feedback/panels/home_listening.html",
        context="feedback.views.panels.home_listening",
        position=30,
    )
    app.demo("feedback.services.demo.seed")
    app.policies("feedback.policies")
