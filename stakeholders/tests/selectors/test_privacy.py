"""Where the organisation holds something about a stakeholder (selectors/privacy.py)."""

from stakeholders.selectors.privacy import (
    erasure_handling,
    erasure_undecided_links,
    stakeholder_links,
)
from stakeholders.selectors.retention import activity_rules, retention_undecided_links

# Every field in the project that points at a stakeholder today. A new one fails this
# test on purpose: decide what the export, erasure and retention do with it first.
KNOWN_LINKS = {
    "feedback.EngagementActivity.venue",
    "stakeholders.AssetUse.used_by",
    "stakeholders.Commitment.made_to",
    "stakeholders.Conversation.stakeholders",
    "stakeholders.SharedAsset.owner",
    "stakeholders.StakeholderCycle.stakeholder",
    "stakeholders.SteeringGroupMember.stakeholder",
}


def test_every_link_to_a_stakeholder_is_found_and_has_a_decision():
    assert {link.key for link in stakeholder_links()} == KNOWN_LINKS
    assert erasure_undecided_links() == []
    assert retention_undecided_links() == []
    assert set(erasure_handling()) == set(activity_rules()) == KNOWN_LINKS
