"""The staff router: the one place where staff commands and staff buttons are authorised.

Every command of the registry (`bot.handlers.commands`) declares the least `Access` it needs,
and the buttons it owns. Before any staff command runs, and again on every press of a staff button
(`st:<command>:…`, so a forged or replayed press is checked like a typed command), the router
works out who is asking (`Actor`: a
super-admin of `SUPERADMIN_IDS`, a staff member of one organisation, or nobody special) and
refuses politely when their level is too low; handlers then check that every person, pair and
program they touch belongs to the actor's organisation (`bot.handlers.staff.kit`). Hiding the
menu is not the security: this is.

Also here: `/help` for each role, `/cancel` of a pending confirmation, and the ban check.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.core.effects import Button, Keyboard, SetCommands
from bot.core.events import ButtonPress, Command
from bot.core.ports import UnitOfWork
from bot.core.staff import Actor, actor_for
from bot.core.turn import Turn
from bot.handlers.registry import Registry, SlashCommand
from bot.handlers.staff.kit import Refused, StaffCall, StaffServices
from bot.i18n import Translator
from bot.messages.staff import STAFF_PREFIX

log = logging.getLogger(__name__)

CONFIRM = "ok"
DISCARD = "no"


def confirm_buttons(t: Translator, token: str, label: str) -> Keyboard:
    """A preview's two buttons: confirm (`label`) and cancel, carrying the draft's token."""
    return (
        (
            Button(label, data=f"{STAFF_PREFIX}{CONFIRM}:{token}"),
            Button(t._("✖ Cancel"), data=f"{STAFF_PREFIX}{DISCARD}:{token}"),
        ),
    )


def menu_of(actor: Actor, chat_id: int, t: Translator, registry: Registry) -> SetCommands:
    """The chat-scoped menu: the actor's staff commands, or none (everyone's menu)."""
    if not actor.is_staff:
        return SetCommands(chat_id=chat_id)
    return SetCommands(chat_id=chat_id, commands=tuple(registry.staff_menu(t, actor.access)))


class StaffRouter:
    """Authorises and runs staff commands and buttons."""

    def __init__(self, services: StaffServices) -> None:
        """The commands, their buttons, their confirmations and the typed answers that complete
        their conversations all come from `services.registry` (which checked them)."""
        self.services = services
        self.registry = services.registry

    @property
    def handlers(self) -> dict[str, Callable[[StaffCall], Awaitable[None]]]:
        """Each staff command's handler, by name."""
        return {c.name: c.run for c in self.registry.staff}

    async def actor(self, uow: UnitOfWork, user_id: int) -> Actor:
        """Who this user is for staff purposes (read from storage every time)."""
        if user_id in self.services.superadmins:
            return actor_for(user_id, self.services.superadmins, None)
        return actor_for(user_id, (), await uow.staff.member(user_id))

    async def refresh_menu(self, turn: Turn, uow: UnitOfWork) -> None:
        """Give a staff member their menu again, in their (new) language; nothing for others."""
        actor = await self.actor(uow, turn.person.id)
        if actor.is_staff:
            t = self.services.catalogs.translator(turn.person.language)
            turn.effects.append(menu_of(actor, turn.person.chat_id, t, self.registry))

    async def banned(self, turn: Turn, uow: UnitOfWork) -> bool:
        """True (and the person told) when a banned person tries anything but their privacy
        rights, /help and /language. Staff and super-admins are never stopped here."""
        if not await uow.staff.banned([turn.person.id]):
            return False
        event = turn.event
        if isinstance(event, Command) and self.registry.always_allowed(event.name):
            return False
        if (await self.actor(uow, turn.person.id)).is_staff:
            return False
        text = turn.t._(
            "The program team has closed your access to this service. /privacy explains what "
            "we keep about you and how to have it erased."
        )
        if isinstance(event, ButtonPress):
            turn.answer(event.callback_id, text, alert=True)
        else:
            turn.say(text)
        return True

    async def command(self, turn: Turn, cmd: Command, uow: UnitOfWork) -> bool:
        """Handle a staff command (or /cancel of a pending confirmation); False when the
        command is someone else's business."""
        if cmd.name == "cancel":
            return await self._cancel(turn, uow)
        spec = self.registry.staff_command(cmd.name)
        if spec is None:
            return False
        actor = await self.actor(uow, turn.person.id)
        if not actor.allows(spec.access):
            turn.say(self._not_allowed(turn, actor, spec))
            log.info("user %s refused /%s", turn.person.id, spec.name)
            return True
        call = StaffCall(turn, uow, actor, spec, cmd.args, self.services)
        with contextlib.suppress(Refused):
            call.read(cmd.args)  # the declared shape, before the handler runs
            await spec.run(call)
        return True

    async def complete(self, turn: Turn, uow: UnitOfWork) -> None:
        """Finish a staff flow whose typed answer arrived in this turn (the dispatcher calls
        this after every event), authorised again from what is stored."""
        flow = turn.flow
        spec = self.registry.answered(flow.state) if flow is not None else None
        if flow is None or spec is None or spec.answer is None:
            return
        turn.set_flow(None)
        actor = await self.actor(uow, turn.person.id)
        if not actor.allows(spec.access):
            turn.say(self._not_allowed(turn, actor, spec))
            log.info("user %s refused the answer to /%s", turn.person.id, spec.name)
            return
        call = StaffCall(turn, uow, actor, spec, "", self.services)
        with contextlib.suppress(Refused):
            await spec.answer.run(call, dict(flow.data))

    async def press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        """A staff button: authorised again, from what is stored, before anything changes."""
        parts = press.data.removeprefix(STAFF_PREFIX).split(":")
        name, rest = parts[0], parts[1:]
        spec = self.registry.staff_command(name if name not in (CONFIRM, DISCARD) else "pending")
        actor = await self.actor(uow, turn.person.id)
        if spec is None:
            turn.answer_stale(press.callback_id)
            return
        if not actor.allows(spec.access):
            # a button belongs to a message, not to a command the presser typed: a non-staff
            # presser (e.g. removed from staff since the preview) is told no command's name
            refusal = (
                turn.t._("This button is only for program staff. /help lists what you can do.")
                if not actor.is_staff
                else self._not_allowed(turn, actor, spec)
            )
            turn.answer(press.callback_id, refusal, alert=True)
            log.info("user %s refused a %s button", turn.person.id, name)
            return
        call = StaffCall(
            turn,
            uow,
            actor,
            spec,
            "",
            self.services,
            callback_id=press.callback_id,
            message_id=press.message_id,
        )
        try:
            if name in (CONFIRM, DISCARD):
                await self._confirm(call, name == CONFIRM, rest)
            elif spec.press is not None:
                await spec.press(call, rest)
            else:
                turn.answer_stale(press.callback_id)
        except Refused:
            pass
        turn.answer(press.callback_id)  # once per turn: a no-op if a handler answered

    async def _confirm(self, call: StaffCall, confirmed: bool, rest: list[str]) -> None:
        draft = await call.uow.staff.draft(call.actor.user_id)
        if draft is None or not rest or rest[0] != draft.token:
            call.turn.answer_stale(call.callback_id or "")
            return
        await call.uow.staff.delete_draft(call.actor.user_id)
        if not confirmed:
            call.show(call.t._("Cancelled: nothing was sent or changed."))
            return
        call.command = self.registry.confirmation(draft.kind.value)  # the expired text names it
        call.args = ""
        if draft.expired(call.now):
            call.show(expired_text(call))
            return
        if not call.actor.allows(call.command.access):
            raise call.refuse(self._not_allowed(call.turn, call.actor, call.command))
        assert call.command.confirm is not None  # `Registry.confirmation` found one
        await call.command.confirm(call, draft.data)

    async def _cancel(self, turn: Turn, uow: UnitOfWork) -> bool:
        if turn.flow is not None:
            return False  # the dispatcher cancels the conversation under way
        draft = await uow.staff.draft(turn.person.id)
        if draft is None:
            return False
        await uow.staff.delete_draft(turn.person.id)
        turn.say(turn.t._("Cancelled: nothing was sent or changed."))
        return True

    @staticmethod
    def _not_allowed(turn: Turn, actor: Actor, spec: SlashCommand[StaffCall]) -> str:
        if not actor.is_staff:
            return turn.t._(
                "/{name} is only for program staff. /help lists what you can do.", name=spec.name
            )
        return turn.t._(
            "/{name} needs the admin role; ask an admin of your organisation.", name=spec.name
        )


def expired_text(call: StaffCall) -> str:
    """What an expired preview says when someone tries to confirm it."""
    return call.t._(
        "This preview is more than a day old, so nothing was sent or changed. Please start "
        "again with /{name}.",
        name=call.command.name,
    )
