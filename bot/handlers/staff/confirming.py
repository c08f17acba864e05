"""Asking a staff member to confirm before a command acts (/broadcast, /match, /pair of a couple
with a history): the one place a `StaffDraft` is saved and its preview shown.

The draft (one per staff member; a new one replaces it) carries a fresh random token, and the
preview's confirm and cancel buttons carry the same token, so an old or made-up button changes
nothing; the router checks the token and the presser's role again before the confirmation runs.
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.core.staff import DraftKind, StaffDraft
from bot.handlers.staff.kit import StaffCall
from bot.handlers.staff.router import confirm_buttons


async def save_draft(call: StaffCall, kind: DraftKind, data: dict[str, Any]) -> str:
    """Store what the staff member is about to confirm; returns the draft's token."""
    token = secrets.token_hex(4)
    await call.uow.staff.save_draft(
        StaffDraft(
            user_id=call.actor.user_id, kind=kind, token=token, created_at=call.now, data=data
        )
    )
    return token


async def ask_to_confirm(
    call: StaffCall, kind: DraftKind, data: dict[str, Any], preview: str, label: str | None
) -> None:
    """Save the draft and show its `preview`, with the confirm button (`label`) and the cancel
    button; without buttons when `label` is None (nothing to confirm: `/match` found no pair)."""
    token = await save_draft(call, kind, data)
    call.say(preview, confirm_buttons(call.t, token, label) if label is not None else ())
