"""Alerts to staff: who is told, in which language, with which context.

Alerts go to the super-admins of `SUPERADMIN_IDS` and, when the alert is about a program, to the
staff of the organisation that runs it (`with_organisation`). The context of an alert is a copy
of the pair's latest relayed messages, taken from the sender's chat (we keep ids, never the
content)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.effects import CopyMessage, Effect, SendText
from bot.core.models import RelayLink
from bot.core.ports import UnitOfWork
from bot.core.programs import ProgramCatalog


@dataclass(frozen=True)
class Staff:
    """Who receives alerts, and the language they read."""

    chat_ids: tuple[int, ...]
    language: str = "en"


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


def staff_alerts(
    staff: Staff, text: str, *, context: Sequence[RelayLink] = (), priority: bool = False
) -> list[Effect]:
    """The alert for every staff member, followed by copies of the context messages (oldest
    first)."""
    head = f"🚨 <b>PRIORITY</b>\n{text}" if priority else f"⚠️ {text}"
    effects: list[Effect] = []
    for chat_id in staff.chat_ids:
        effects.append(SendText(chat_id=chat_id, text=head))
        effects += [
            CopyMessage(
                chat_id=chat_id,
                from_chat_id=link.source_chat_id,
                message_id=link.source_message_id,
            )
            for link in reversed(context)
        ]
    return effects
