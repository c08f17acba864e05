"""The staff router with every staff command and button wired in (one place to look)."""

from __future__ import annotations

from bot.handlers.staff import alerts as staff_alerts
from bot.handlers.staff import drafts as staff_drafts
from bot.handlers.staff import figures as staff_figures
from bot.handlers.staff import locks as staff_locks
from bot.handlers.staff import org as staff_org
from bot.handlers.staff import pairs as staff_pairs
from bot.handlers.staff import people as staff_people
from bot.handlers.staff import reports as staff_reports
from bot.handlers.staff.kit import StaffServices
from bot.handlers.staff.router import StaffRouter


def build_staff_router(services: StaffServices) -> StaffRouter:
    """A router for every staff command of `bot.handlers.commands`."""
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
