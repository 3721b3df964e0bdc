"""What the cycles app contributes to the platform (see t2a/registry.py)."""

from t2a.registry import Registrar


def register(app: Registrar) -> None:
    stage_one = [
        ("case_for_change_written", "Case for change written, with every required section filled"),
        ("case_for_change_agreed", "Case for change agreed by the steering group"),
        (
            "theory_of_change_drafted",
            "Theory of change drafted: inputs, activities, outcomes and impact",
        ),
        ("inclusion_prompts_answered", "All four inclusion prompts answered"),
        (
            "ethics_log_ready",
            "Ethics log ready: at least one entry, and every open entry has a mitigation "
            "and an owner",
        ),
    ]  # fmt: skip
    for position, (key, label) in enumerate(stage_one, start=1):
        app.readiness(
            stage=1,
            key=key,
            label=label,
            measure=f"cycles.selectors.readiness.{key}",
            position=position * 10,
        )
    app.readiness(
        stage=5,
        key="closure_responsible",
        label="Responsible closure: communicated early, learning shared, contributors "
        "thanked, transition offered, open actions handed over",
        measure="cycles.selectors.closure.closure_responsible",
        position=50,
    )
    app.reminder_source("cycles.selectors.reminders.ethics_reviews_due")
    # A change across the organisation (a member's role or name, an edit in the Django
    # admin) may show on any cycle's pages: the sign-off counts, the community leads.
    app.extend(
        "t2a.organisation_wide_change", "cycles.services.versions.organisation_cycles_changed"
    )
    app.carry_over(
        key="theory_of_change",
        carry="cycles.services.theory_of_change.theory_of_change_carry",
        preview="cycles.selectors.theory_of_change.theory_of_change_preview",
        position=10,
    )

    app.organisation_data(
        "cycles.Cycle",
        "cycles.CaseForChange",
        "cycles.CaseForChangeRevision",
        "cycles.DataSource",
        "cycles.InequalityRow",
        "cycles.TheoryOfChangeItem",
        "cycles.InclusionPrompts",
        "cycles.EthicsLogEntry",
        "cycles.StageTransition",
        "cycles.Report",
        "cycles.ClosureItem",
    )
    case_for_change = ("cycles:case_for_change", "cycle_pk", "case_for_change__cycle_id")
    app.audit(
        "cycles.Cycle",
        m2m=("community_leads", "governance_members"),
        link=("cycles:cycle_detail", "cycle_pk", "pk"),
    )
    app.audit("cycles.CaseForChange", link=("cycles:case_for_change", "cycle_pk", "cycle_id"))
    app.audit("cycles.DataSource", link=case_for_change)
    app.audit("cycles.InequalityRow", link=case_for_change)
    app.audit("cycles.ClosureItem", link=("cycles:closure", "cycle_pk", "cycle_id"))
    app.audit(
        "cycles.EthicsLogEntry",
        exclude=("risk_score",),
        link=("cycles:ethics_log", "cycle_pk", "cycle_id"),
    )
    # The case for change's stage 1 sections; stakeholders adds its own at 50 and 60.
    for position, key, heading, gather, chapter in [
        (10, "inequality", "The inequality", "case_inequality", True),
        (20, "sources", "Data sources", "case_sources", False),
        (30, "most-affected", "Who is most affected and why", "case_most_affected", False),
        (40, "map", "Inequality map", "case_inequality_map", True),
        (70, "theory", "Theory of change", "theory_of_change", True),
        (80, "ethics", "Open ethics considerations", "ethics_open", True),
    ]:  # fmt: skip
        app.report_section(
            report="case_for_change",
            key=key,
            position=position,
            heading=heading,
            template=f"cycles/reports/{key}.html",
            gather=f"cycles.selectors.reports.{gather}",
            chapter=chapter,
        )
    app.navigation(template="cycles/navigation.html", position=10)
    app.panel(
        page="home",
        key="cycles",
        template="cycles/panels/home_cycles.html",
        context="cycles.views.panels.home_cycles",
        position=10,
    )
    app.demo("cycles.services.demo.seed")
    app.policies("cycles.policies")
