"""The staff router with every staff command and button wired in: the commands and their
buttons come from the registry (`bot.handlers.commands`, through `StaffServices.registry`); the
confirmations of previews and the typed answers of staff flows are added here."""

from __future__ import annotations

from bot.handlers.staff import drafts as staff_drafts
from bot.handlers.staff import locks as staff_locks
from bot.handlers.staff import pairs as staff_pairs
from bot.handlers.staff.kit import StaffServices
from bot.handlers.staff.router import StaffRouter


def build_staff_router(services: StaffServices) -> StaffRouter:
    """A router for every staff command of `services.registry`."""
    confirmations = {**staff_drafts.CONFIRMATIONS, **staff_pairs.CONFIRMATIONS}
    return StaffRouter(services, confirmations, staff_locks.ANSWERS)
