"""The staff router with every staff command and button wired in (one place to look)."""

from __future__ import annotations

from flows import (
    staff_alerts,
    staff_drafts,
    staff_figures,
    staff_locks,
    staff_org,
    staff_pairs,
    staff_people,
    staff_reports,
)
from flows.staff_kit import StaffServices
from flows.staff_router import StaffRouter


def build_staff_router(services: StaffServices) -> StaffRouter:
    """A router for every staff command of `flows.commands`."""
    handlers = {
        **staff_people.HANDLERS,
        **staff_pairs.HANDLERS,
        **staff_org.HANDLERS,
        **staff_drafts.HANDLERS,
        **staff_figures.HANDLERS,
        **staff_reports.HANDLERS,
        **staff_locks.HANDLERS,
    }
    presses = {
        **staff_people.PRESSES,
        **staff_pairs.PRESSES,
        **staff_org.PRESSES,
        **staff_reports.PRESSES,
        **staff_locks.PRESSES,
        **staff_alerts.PRESSES,  # a crisis alert's buttons (its "reports" adds show and done)
    }
    confirmations = {**staff_drafts.CONFIRMATIONS, **staff_pairs.CONFIRMATIONS}
    return StaffRouter(services, handlers, presses, confirmations, staff_locks.ANSWERS)
