"""Alerts to staff: who is told, in which language, with which context.

Alerts go to the super-admins of `SUPERADMIN_IDS` and, when the alert is about a program, to the
staff of the organisation that runs it (`with_organisation`). Safeguarding alerts (crisis words,
reports, blocks) are built by `bot.services.safety_alert`, one labelled message with the pair's
latest messages; `staff_alerts` sends a plain notice that has no pair context (an erasure, a
person who blocked the bot)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.effects import Effect, SendText
from bot.core.languages import SOURCE_LANGUAGE
from bot.core.ports import UnitOfWork
from bot.core.programs import ProgramCatalog


@dataclass(frozen=True)
class Staff:
    """Who receives alerts, and the language they read."""

    chat_ids: tuple[int, ...]
    language: str = SOURCE_LANGUAGE


async def with_organisation(
    uow: UnitOfWork, staff: Staff, programs: ProgramCatalog, program: str | None
) -> Staff:
    """The super-admins plus the staff of the organisation that runs `program`."""
    found = programs.get(program) if program else None
    if found is None:
        return staff
    members = await uow.staff.members(found.organisation)
    ids = dict.fromkeys([*staff.chat_ids, *(m.user_id for m in members)])
    return replace(staff, chat_ids=tuple(ids))


def staff_alerts(staff: Staff, text: str) -> list[Effect]:
    """A plain notice for every staff member (no pair context: see `bot.services.safety_alert`)."""
    return [SendText(chat_id=chat_id, text=f"⚠️ {text}") for chat_id in staff.chat_ids]
