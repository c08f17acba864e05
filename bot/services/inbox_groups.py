"""The staff groups behind the inbox: which programs a supergroup holds the cases of, and what
happens when the bot loses such a group (removed, or no longer allowed to manage topics): the
group is no longer the programs' staff group, their cases go to the staff's private chats
(`CaseDesk.current`), and the organisation's staff are told privately what happened and how to
fix it."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.effects import Effect, SendText
from bot.core.events import BotGroupStatus
from bot.core.ports import UnitOfWork
from bot.core.programs import Program
from bot.core.staff import AuditEntry
from bot.i18n import Translator
from bot.messages.inbox import esc
from bot.services.alerts import with_organisation
from bot.services.inbox import CaseDesk

log = logging.getLogger(__name__)

GONE = ("left", "kicked")  # Telegram's statuses of a bot no longer in the group


async def staff_group_programs(desk: CaseDesk, uow: UnitOfWork, chat_id: int) -> list[Program]:
    """The programs whose staff group this chat is (empty: not a staff group)."""
    codes = [p.code for p in desk.programs]
    groups = await uow.cases.staff_groups(codes) if codes else []
    found = (desk.programs.get(g.program) for g in groups if g.chat_id == chat_id)
    return [p for p in found if p is not None]


def lost_group(program: str, code: str, gone: bool, t: Translator) -> str:
    """What staff are told privately when their staff group stops working, and how to fix it."""
    if gone:
        what = t._(
            "⚠️ I was removed from the staff group of {program}. Its cases now come to your "
            "private chats.",
            program=esc(program),
        )
    else:
        what = t._(
            "⚠️ I can no longer manage topics in the staff group of {program} (I am not an "
            "administrator with “Manage topics” any more). Its cases now come to your private "
            "chats.",
            program=esc(program),
        )
    fix = t._(
        "To use the group again: add me to it as an administrator with “Manage topics” and "
        "“Pin messages”, then type /program staffgroup {code} in the group.",
        code=code,
    )
    return f"{what}\n{fix}"


async def group_status(
    desk: CaseDesk, uow: UnitOfWork, event: BotGroupStatus, now: datetime
) -> list[Effect]:
    """The bot's membership of a group changed: a staff group it can no longer hold cases in
    is cleared, and the organisation's staff are told privately."""
    gone = event.status in GONE
    if not gone and event.status == "administrator" and event.can_manage_topics:
        return []
    t = desk.staff_t
    effects: list[Effect] = []
    for program in await staff_group_programs(desk, uow, event.chat_id):
        await uow.cases.remove_staff_group(program.code)
        log.warning("staff group of %s lost (%s)", program.code, event.status)
        await uow.staff.record(
            AuditEntry(
                at=now,
                actor_id=event.user.id,
                organisation=program.organisation,
                action="staffgroup lost",
                target=program.name.get(t.language),
                detail=t._("removed from the group") if gone else t._("no right to manage topics"),
            )
        )
        text = lost_group(program.name.get(t.language), program.code, gone, t)
        staff = await with_organisation(uow, desk.staff, desk.programs, program.code)
        effects += [SendText(chat_id=c, text=text) for c in staff.chat_ids]
    return effects
