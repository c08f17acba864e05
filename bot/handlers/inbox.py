"""The staff inbox: what happens in a staff supergroup (its forum topics).

For now: a staff command typed in the group goes to the staff router as in a private chat, and
its answer lands in the same topic (`Turn.reply_chat`/`reply_thread`); a staff button pressed on
a message there works the same (its edits go to that message). Everything else said or done in
a group is ignored: people who are not staff, other commands, plain messages, topic changes.
"""

from __future__ import annotations

from bot.core.events import ButtonPress, Command
from bot.core.ports import UnitOfWork
from bot.core.turn import Turn
from bot.handlers.staff.router import StaffRouter
from bot.messages.staff import STAFF_PREFIX


class Inbox:
    """Events from supergroups (`Inbound.group`), routed by the dispatcher."""

    def __init__(self, staff: StaffRouter) -> None:
        self.staff = staff

    async def group_event(self, turn: Turn, uow: UnitOfWork) -> None:
        """Handle one event from a group: staff commands and staff buttons, nothing else."""
        event = turn.event
        if isinstance(event, ButtonPress):
            if event.data.startswith(STAFF_PREFIX):
                await self.staff.press(turn, event, uow)
            else:  # a button of ours that means nothing in a group: stop its spinner
                turn.answer(event.callback_id)
            return
        if not isinstance(event, Command) or not await self._is_staff(turn, uow):
            return
        if event.name == "cancel" or self.staff.registry.staff_command(event.name) is not None:
            await self.staff.command(turn, event, uow)

    async def _is_staff(self, turn: Turn, uow: UnitOfWork) -> bool:
        return (await self.staff.actor(uow, turn.person.id)).is_staff
