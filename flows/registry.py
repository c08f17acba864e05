"""Every flow the bot runs, by name (the names are stored with each person's flow state)."""

from __future__ import annotations

from bot.core.flow import Flow
from flows import (
    age_lift,
    checkin,
    ending,
    onboarding,
    privacy,
    reject_reason,
    relay,
    report,
    team,
    training,
)

FLOWS: dict[str, Flow] = {
    f.name: f
    for f in (
        onboarding.FLOW,
        training.FLOW,
        checkin.FLOW,
        report.FLOW,
        ending.FLOW,
        relay.FLOW,
        privacy.FLOW,
        age_lift.FLOW,
        team.FLOW,
        reject_reason.FLOW,
    )
}
