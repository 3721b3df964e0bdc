"""What the stakeholders app contributes to the platform (see t2a/registry.py)."""

from t2a.registry import Registrar


def register(app: Registrar) -> None:
    app.readiness(
        stage=1,
        key="steering_group_formed",
        label="Steering group formed, with community members and at least two system-sector "
        "members",
        measure="stakeholders.selectors.readiness.steering_group_formed",
        position=60,
    )
    app.readiness(
        stage=2,
        key="community_leads_prepared",
        label="Community leads prepared: role agreement confirmed by both sides and training "
        "recorded",
        measure="stakeholders.selectors.readiness.community_leads_prepared",
        position=10,
    )
    app.reminder_source("stakeholders.selectors.reminders.checkins_due_reminders")
    app.reminder_source("stakeholders.selectors.reminders.commitments_due")
    app.reminder_source("stakeholders.selectors.reminders.steering_meetings_tomorrow")
    app.carry_over(
        key="stakeholders",
        carry="stakeholders.services.stakeholders.cycle_stakeholders_carry",
        preview="stakeholders.selectors.stakeholders.cycle_stakeholders_preview",
        position=20,
    )

    # What erasure and the retention sweep do with each of this app's links to a
    # stakeholder (services/privacy.py, selectors/retention.py).
    app.stakeholder_link(
        "stakeholders.StakeholderCycle.stakeholder",
        label="Cycles they are on the map of",
        why="Keeps the cycle's map and counts; the role may describe the person.",
        clear={"role": ""},
        activity="stakeholders.selectors.retention.map_activity",
    )
    app.stakeholder_link(
        "stakeholders.SteeringGroupMember.stakeholder",
        label="Steering group seats",
        why="Keeps the steering group's make-up (readiness); the role may describe the person.",
        clear={"role": ""},
        activity="stakeholders.selectors.retention.steering_seat_activity",
    )
    app.stakeholder_link(
        "stakeholders.Conversation.stakeholders",
        label="Conversations with them",
        why="Keeps the count of conversations (a trust indicator). A summary of a "
        "conversation with this person alone is about them, so it goes; shared summaries "
        "lose the name.",
        clear_when_alone={"summary": "Summary removed when the stakeholder's data was erased."},
        activity="stakeholders.selectors.retention.conversation_activity",
    )
    app.stakeholder_link(
        "stakeholders.Commitment.made_to",
        label="Commitments made to them",
        why="Keeps the commitment-kept rate; the promise is the organisation's, and loses "
        "the name.",
        activity="stakeholders.selectors.retention.commitment_activity",
    )
    app.stakeholder_link(
        "stakeholders.SharedAsset.owner",
        label="Shared assets they offer",
        why="The asset stays on offer; its owner is anonymous.",
        activity="stakeholders.selectors.retention.asset_owner_activity",
    )
    app.stakeholder_link(
        "stakeholders.AssetUse.used_by",
        label="Times they used a shared asset",
        why="Keeps the asset's use count; the user is anonymous.",
        activity="stakeholders.selectors.retention.asset_use_activity",
    )
    app.organisation_data(
        "stakeholders.Stakeholder",
        "stakeholders.StakeholderCycle",
        "stakeholders.SteeringGroupMember",
        "stakeholders.SteeringMeeting",
        "stakeholders.SteeringDecision",
        "stakeholders.Conversation",
        "stakeholders.Commitment",
        "stakeholders.SharedAsset",
        "stakeholders.AssetUse",
        "stakeholders.RoleAgreement",
        "stakeholders.TrainingTopic",
        "stakeholders.TrainingRecord",
        "stakeholders.TrainingAttendance",
        "stakeholders.CheckIn",
    )
    # Consent and contact details are recorded as changed, but the contact values
    # themselves (and who gave consent to be named, often another person) never reach
    # the log.
    app.audit(
        "stakeholders.Stakeholder",
        redact_fields=("email", "phone", "address", "naming_consent_given_by"),
        link=("stakeholders:stakeholder_detail", "stakeholder_pk", "pk"),
    )
    # Seats and the chair decide who reads members-only steering records, and each level
    # change is worth knowing about; the text of agendas, minutes and decisions never
    # reaches the log (the trail is read by admins, who may not read members-only
    # records), and attendees are not tracked for the same reason.
    steering_group = ("stakeholders:steering_group", "cycle_pk", "cycle_id")
    app.audit("stakeholders.SteeringGroupMember", link=steering_group)
    app.audit(
        "stakeholders.SteeringMeeting", redact_fields=("agenda", "minutes"), link=steering_group
    )
    app.audit("stakeholders.SteeringDecision", redact_fields=("text",), link=steering_group)
    # Who was put on (or taken off) a cycle's map, and when; the role may describe the person.
    app.audit(
        "stakeholders.StakeholderCycle",
        redact_fields=("role",),
        link=("stakeholders:cycle_grid", "cycle_pk", "cycle_id"),
    )
    app.report_section(
        report="case_for_change",
        key="stakeholders",
        position=50,
        heading="Stakeholders and the 3Ts",
        template="stakeholders/reports/stakeholders.html",
        gather="stakeholders.selectors.reports.stakeholders_and_three_ts",
        chapter=True,
    )
    app.report_section(
        report="case_for_change",
        key="steering",
        position=60,
        heading="Steering group",
        template="stakeholders/reports/steering.html",
        gather="stakeholders.selectors.reports.steering_group",
    )
    app.report_section(
        report="annual_evaluation",
        key="steering",
        position=85,
        heading="Steering group decisions",
        template="stakeholders/reports/steering.html",
        gather="stakeholders.selectors.reports.steering_decisions_shared",
    )
    app.navigation(template="stakeholders/navigation.html", position=20)
    app.panel(
        page="cycle",
        key="stakeholders",
        template="stakeholders/panels/cycle_stakeholders.html",
        context="stakeholders.views.panels.cycle_stakeholders",
        position=10,
    )
    app.panel(
        page="home",
        key="my_preparation",
        template="stakeholders/panels/home_my_preparation.html",
        context="stakeholders.views.panels.home_my_preparation",
        position=20,
    )
    app.panel(
        page="home",
        key="relationships",
        template="stakeholders/panels/home_relationships.html",
        context="stakeholders.views.panels.home_relationships",
        position=21,
    )
    app.demo("stakeholders.services.demo.seed")
    app.policies("stakeholders.policies")
