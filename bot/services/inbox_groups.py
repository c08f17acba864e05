"""The staff groups behind the inbox: which programs a supergroup holds the cases of, and what
happens when the bot loses such a group (removed, or no longer allowed to manage topics): the
group is no longer the programs' staff group, their cases go to the staff's private chats
(`CaseDesk.current`), and the organisation's staff are told privately what happened and how to
fix it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.core.effects import CopyMessage, Effect, SendText
from bot.core.events import BotGroupStatus
from bot.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.core.programs import Program
from bot.core.staff import AuditEntry
from bot.i18n import Translator
from bot.messages.inbox import esc
from bot.services.alerts import with_organisation
from bot.services.inbox import CASE_TAG, CaseDesk

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


class CaseFallback:
    """The sender's `on_failed` hook for the inbox: a case's message that Telegram rejects for
    good in the staff group (its topic deleted, the bot removed) goes to the case's staff
    privately, and the case loses its topic, so that its next post opens a new one
    (`CaseDesk.current`). Never raises."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        desk: CaseDesk,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._desk = desk
        self.on_queued = on_queued

    async def undelivered(self, effect: Effect) -> None:
        if not isinstance(effect, SendText | CopyMessage):
            return
        tag = effect.tag
        if not tag or not tag.startswith(CASE_TAG) or effect.chat_id > 0:  # groups: < 0
            return
        try:
            if await self._instead(effect, int(tag.removeprefix(CASE_TAG))):
                self.on_queued()
        except Exception:
            log.exception("could not carry a case's undelivered message to the staff")

    async def _instead(self, effect: SendText | CopyMessage, case_id: int) -> bool:
        async with self._uows() as uow:
            case = await uow.cases.get(case_id)
            if case is None or case.staff_chat_id != effect.chat_id:
                return False
            if case.thread_id is not None:
                await uow.cases.update(replace(case, thread_id=None))
            desk = self._desk
            staff = await with_organisation(uow, desk.staff, desk.programs, case.program)
            common = {"thread_id": None, "tag": None, "reply_to_message_id": None}
            copies: list[Effect] = [
                replace(effect, chat_id=c, **common)  # type: ignore[arg-type]
                for c in staff.chat_ids
            ]
            copies = [replace(e, pin=False) if isinstance(e, SendText) else e for e in copies]
            await uow.outbox.add(copies, self._clock.now())
            await uow.commit()
        log.warning("case #%s: a message the staff group refused went to private chats", case_id)
        return bool(copies)
