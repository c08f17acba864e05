"""The anonymous relay as the dispatcher sees it: relays what paired people write, mirrors
their edits, handles /switch and runs the relay's small flow (`flows.relay`) when a message
has no known recipient or a contact or location waits for confirmation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core.effects import Effect, SendText
from bot.core.engine import FlowEngine, parse_button_data, set_aside, taken_back
from bot.core.events import ButtonPress, MediaKind, MediaMessage, MessageEdited, TextMessage
from bot.core.models import Pair, PairStatus, Person
from bot.core.ports import UnitOfWork
from bot.core.turn import Turn
from bot.i18n import Catalogs, Translator
from bot.messages import relay as msg
from bot.services import relay as rules
from bot.services import relay_links
from bot.services import relay_routes as routes
from bot.services.alerts import Staff, staff_alerts
from bot.services.broadcasts import is_broadcast
from flows.relay import CHOOSE_PARTNER, CONFIRM_SHARE, NAME, SEND

SET_ASIDE = "set_aside"  # the flow that was open when the relay asked (see `_continue`)

ToTeam = Callable[[Turn, UnitOfWork, TextMessage | MediaMessage], Awaitable[bool]]
"""The staff inbox's hook: takes a reply to a program team's message (True), never a message
for the partner (`bot.handlers.inbox.Inbox.reply`)."""

Screen = Callable[[Turn, UnitOfWork, Pair, str], Awaitable[None]]
"""The safeguarding hook: sees each relayed text or caption ("" for none) before it is copied;
it may add effects to the turn, it never stops delivery."""


class Relay:
    """Relays what paired people write, mirrors their edits, and handles /switch."""

    def __init__(
        self,
        engine: FlowEngine,
        catalogs: Catalogs,
        *,
        staff: Staff | None = None,
        screen: Screen | None = None,
    ) -> None:
        self.engine = engine
        self.catalogs = catalogs
        self.staff = staff or Staff(())
        self.screen = screen
        self.to_team: ToTeam | None = None  # set by the dispatcher

    def owns(self, turn: Turn) -> bool:
        """True when the person's flow is the relay's (their messages still come here)."""
        return turn.flow is not None and turn.flow.flow == NAME

    async def is_paired(self, turn: Turn, uow: UnitOfWork) -> bool:
        """True when the person has a pair that has not ended: their messages are the relay's
        whatever flow waits for buttons."""
        return turn.person.is_onboarded and bool(await uow.pairs.of_person(turn.person.id))

    def _data(self, turn: Turn) -> dict[str, Any]:
        return dict(turn.flow.data) if turn.flow is not None and self.owns(turn) else {}

    def _t(self, person: Person) -> Translator:
        return self.catalogs.translator(person.language)

    # -- messages ------------------------------------------------------------------------------

    async def message(
        self, turn: Turn, uow: UnitOfWork, event: TextMessage | MediaMessage
    ) -> None:
        """Relay a text or a medium to the partner (or hold it, or say why it can't go); a
        reply to the program team goes to the team instead."""
        if self.to_team is not None and await self.to_team(turn, uow, event):
            return
        if isinstance(event, TextMessage):
            relayed = rules.Relayed(event.chat_id, event.message_id, text=event.text)
        else:
            relayed = rules.Relayed(
                event.chat_id,
                event.message_id,
                media=event.media,
                text=event.caption,
                album=event.media_group_id,
            )
        if await self._answers_broadcast(uow, event):
            turn.say(msg.reply_to_broadcast(turn.t))
            return
        where = await routes.route(uow, turn.person, event.reply_to_message_id)
        if isinstance(where, routes.NotPaired | routes.Paused | routes.Ended | routes.Unplaced):
            await self._cannot(turn, uow, where, replied=event.reply_to_message_id is not None)
        elif relayed.media in rules.HELD_BACK:
            await self._hold_share(turn, uow, relayed, where)
        elif isinstance(where, routes.Choose):
            await self._hold(turn, uow, relayed.message_id, where.pairs)
        else:
            await self._relay(turn, uow, relayed, where.pair, where.reply_to)

    async def _answers_broadcast(self, uow: UnitOfWork, event: TextMessage | MediaMessage) -> bool:
        """True for a reply to a broadcast of the program team: it is for no partner."""
        reply_to = event.reply_to_message_id
        return reply_to is not None and is_broadcast(
            await uow.outbox.tag_of(event.chat_id, reply_to)
        )

    async def _cannot(
        self,
        turn: Turn,
        uow: UnitOfWork,
        where: routes.NotPaired | routes.Paused | routes.Ended | routes.Unplaced,
        *,
        replied: bool = False,
    ) -> None:
        """Tell the writer why their message went to no one."""
        if isinstance(where, routes.Unplaced):
            turn.say(msg.unplaced(turn.t))
            return
        if isinstance(where, routes.Ended):
            await self._ended(turn, uow, where.pair)
            return
        if isinstance(where, routes.Paused):
            if replied:
                name = await self._partner_name(uow, turn.person, where.pair)
                turn.say(msg.paused_with(turn.t, name))
            else:
                turn.say(msg.paused(turn.t))
            return
        waiting = await uow.matching.open_request(turn.person.id) is not None
        turn.say(msg.not_paired(turn.t, turn.person.role, waiting))

    async def _ended(self, turn: Turn, uow: UnitOfWork, pair: Pair | None) -> None:
        """The message was for a pair that has ended: say so, by the partner's name."""
        name = await self._partner_name(uow, turn.person, pair)
        others = bool(routes.active(await uow.pairs.of_person(turn.person.id)))
        turn.say(msg.ended(turn.t, name, turn.person.role, others))

    async def _partner_name(self, uow: UnitOfWork, person: Person, pair: Pair | None) -> str:
        """The display name of the person's partner in `pair` (a neutral word when unknown)."""
        partner = None
        if pair is not None and pair.member(person.id):
            partner = await uow.persons.get(pair.partner_of(person.id))
        return (partner.display_name if partner else None) or self._t(person)._("your partner")

    async def _partner(self, turn: Turn, uow: UnitOfWork, pair: Pair) -> Person | None:
        """The other person of an active pair of the sender, or None (after telling them)."""
        partner = None
        if pair.member(turn.person.id) and pair.status is PairStatus.ACTIVE:
            partner = await uow.persons.get(pair.partner_of(turn.person.id))
        if partner is None and pair.status is PairStatus.ENDED:
            await self._ended(turn, uow, pair)
        elif partner is None:
            turn.say(msg.paused(turn.t))
        return partner

    async def _label(self, uow: UnitOfWork, partner: Person) -> Translator | None:
        return self._t(partner) if await routes.needs_label(uow, partner.id) else None

    async def _relay(
        self, turn: Turn, uow: UnitOfWork, relayed: rules.Relayed, pair: Pair, reply: int | None
    ) -> None:
        partner = await self._partner(turn, uow, pair)
        if partner is None:
            return
        if self.screen is not None:
            await self.screen(turn, uow, pair, relayed.text or "")
        label = await self._label(uow, partner)
        await rules.note_activity(uow, pair, turn.now, relayed.album)
        if relayed.album is not None:
            await rules.add_to_album(
                uow, relayed, pair, turn.person, partner, label=label, now=turn.now
            )
            return
        effects = rules.copy_effects(
            relayed, pair, turn.person, partner, label=label, reply_to=reply
        )
        to_send = await rules.send_or_hold(uow, effects, pair, partner, turn.person, turn.now)
        turn.effects.extend(to_send)

    async def _options(
        self, uow: UnitOfWork, person: Person, pairs: tuple[Pair, ...]
    ) -> list[list[Any]]:
        partners = {
            p.id: p for p in await uow.persons.get_many(p.partner_of(person.id) for p in pairs)
        }
        options: list[list[Any]] = []
        for pair in pairs:
            partner = partners.get(pair.partner_of(person.id))
            options.append([pair.id, (partner.display_name if partner else None) or "—"])
        return options

    async def _hold(
        self, turn: Turn, uow: UnitOfWork, message_id: int, pairs: tuple[Pair, ...]
    ) -> None:
        """Keep a message until the person says who it is for (asking once)."""
        data = self._data(turn)
        data["held"] = [*data.get("held", []), message_id]
        data["options"] = await self._options(uow, turn.person, pairs)
        self._continue(turn, data)

    async def _hold_share(
        self, turn: Turn, uow: UnitOfWork, relayed: rules.Relayed, where: routes.Route
    ) -> None:
        """Ask before relaying a contact or a location (and, if unknown, who it is for)."""
        assert relayed.media is not None
        data = self._data(turn)
        data.update(share=relayed.message_id, share_kind=relayed.media.value)
        if isinstance(where, routes.Deliver):
            data.update(share_pair=where.pair.id, share_reply=where.reply_to)
        else:
            data.update(share_pair=None, share_reply=None)
        if isinstance(where, routes.Choose):
            data["options"] = await self._options(uow, turn.person, where.pairs)
        self._continue(turn, data)

    def _continue(self, turn: Turn, data: dict[str, Any]) -> None:
        """While a recipient is being chosen, just remember more; otherwise (re)ask. Another
        flow open meanwhile (the training, a /restart...) is set aside in the data and comes
        back as it was, its buttons still valid, once the relay's question is answered."""
        if turn.flow is not None and self.owns(turn) and turn.flow.state == CHOOSE_PARTNER:
            turn.set_flow(replace(turn.flow, data=data, updated_at=turn.now))
            return
        if turn.flow is not None and not self.owns(turn):
            data[SET_ASIDE] = set_aside(turn.flow)
        self.engine.start(turn, NAME, data)

    def _back_to_set_aside(self, turn: Turn, data: dict[str, Any]) -> None:
        """The relay's question answered: the flow set aside for it is open again."""
        back = taken_back(data.get(SET_ASIDE), turn.person.id, turn.now)
        if turn.flow is None and back is not None:
            turn.set_flow(back)

    # -- the flow's buttons, /switch -------------------------------------------------------------

    async def flow_press(self, turn: Turn, uow: UnitOfWork, press: ButtonPress) -> None:
        """A press on the relay flow's buttons: the flow decides, then held messages go."""
        before = turn.flow
        parsed = parse_button_data(press.data)
        self.engine.on_press(turn, press.callback_id, press.message_id, press.data)
        after = turn.flow
        if before is None or parsed is None or parsed[0] != before.token:
            return
        if after is not None and after.token == before.token:
            return  # not taken
        if before.state == CHOOSE_PARTNER and parsed[1].isdigit():
            await self._send_held(turn, uow, before.data, int(parsed[1]))
        elif before.state == CONFIRM_SHARE and parsed[1] == SEND:
            await self._send_share(turn, uow, before.data)
        self._back_to_set_aside(turn, dict(before.data))

    async def _send_held(
        self, turn: Turn, uow: UnitOfWork, data: dict[str, Any], pair_id: int
    ) -> None:
        held = [int(i) for i in data.get("held", [])]
        pair = await uow.pairs.get(pair_id)
        if not held or pair is None:
            return
        partner = await self._partner(turn, uow, pair)
        if partner is None:
            return
        if self.screen is not None:
            await self.screen(turn, uow, pair, "")
        label = await self._label(uow, partner)
        effects = rules.copies_of_many(
            held, turn.person.chat_id, pair, turn.person, partner, label=label
        )
        await rules.note_activity(uow, pair, turn.now, None)
        to_send = await rules.send_or_hold(uow, effects, pair, partner, turn.person, turn.now)
        turn.effects.extend(to_send)

    async def _send_share(self, turn: Turn, uow: UnitOfWork, data: dict[str, Any]) -> None:
        pair = await uow.pairs.get(int(data.get("share_pair") or 0))
        if pair is None or data.get("share") is None:
            turn.say(msg.paused(turn.t))
            return
        relayed = rules.Relayed(
            turn.person.chat_id, int(data["share"]), media=MediaKind(data["share_kind"])
        )
        await self._relay(turn, uow, relayed, pair, data.get("share_reply"))

    async def switch(self, turn: Turn, uow: UnitOfWork) -> None:
        """/switch: choose who one's messages go to (with several mentees)."""
        where = await routes.route(uow, replace(turn.person, active_pair_id=None), None)
        if isinstance(where, routes.NotPaired | routes.Paused | routes.Ended | routes.Unplaced):
            await self._cannot(turn, uow, where)
        elif isinstance(where, routes.Deliver):
            partner = await uow.persons.get(where.pair.partner_of(turn.person.id))
            name = (partner.display_name if partner else None) or "—"
            turn.say(msg.only_partner(turn.t, name))
        else:
            options = await self._options(uow, turn.person, where.pairs)
            named = [
                (pair, str(name)) for pair, (_, name) in zip(where.pairs, options, strict=True)
            ]
            text, buttons = msg.switch_prompt(turn.t, named, turn.person.active_pair_id)
            turn.say(text, buttons)

    async def press(self, turn: Turn, uow: UnitOfWork, press: ButtonPress) -> None:
        """A `rl:` button: `rl:switch:<pair>` makes that pair the one messages go to."""
        value = press.data.removeprefix(msg.SWITCH_PREFIX)
        pairs = routes.active(await uow.pairs.of_person(turn.person.id))
        pair = next((p for p in pairs if value.isdigit() and p.id == int(value)), None)
        if not press.data.startswith(msg.SWITCH_PREFIX) or pair is None:
            turn.answer_stale(press.callback_id)
            return
        partner = await uow.persons.get(pair.partner_of(turn.person.id))
        name = (partner.display_name if partner else None) or "—"
        turn.set_person(replace(turn.person, active_pair_id=pair.id))
        turn.answer(press.callback_id, turn.t._("Now writing to {name}.", name=name))
        turn.edit(press.message_id, msg.writing_to(turn.t, name))
        if turn.flow is not None and self.owns(turn) and turn.flow.state == CHOOSE_PARTNER:
            data = dict(turn.flow.data)
            await self._send_held(turn, uow, data, pair.id)
            if data.get("share") is not None:
                share_pair = data.get("share_pair") or pair.id
                self.engine.start(turn, NAME, {**data, "held": [], "share_pair": share_pair})
            else:
                turn.set_flow(None)
                self._back_to_set_aside(turn, data)

    # -- edits, blocks ---------------------------------------------------------------------------

    async def edited(self, turn: Turn, uow: UnitOfWork, event: MessageEdited) -> None:
        """Carry an edit over to every copy of the message (its text, or its caption)."""
        for copy in await relay_links.copies_to_edit(uow, event.chat_id, event.message_id):
            label = await self._label(uow, copy.partner)
            turn.effects.append(
                relay_links.edit_effect(
                    copy, turn.person, text=event.text, caption=event.caption, label=label
                )
            )

    async def person_blocked(self, uow: UnitOfWork, person: Person, now: datetime) -> list[Effect]:
        """Someone blocked the bot: pause their active pairs, tell each partner neutrally and
        alert staff. Idempotent: pairs already paused are left alone."""
        effects: list[Effect] = []
        for pair in await rules.pause_for_blocked(uow, person.id, now):
            partner = await uow.persons.get(pair.partner_of(person.id))
            if partner is not None:
                text = msg.paused_by_partner(self._t(partner))
                effects.append(SendText(chat_id=partner.chat_id, text=text))
            staff_t = self.catalogs.translator(self.staff.language)
            program = self.engine.programs.get(pair.program)
            alert = msg.staff_blocked_alert(
                staff_t,
                person,
                partner.display_name or "" if partner is not None else "",
                program.name.get(staff_t.language) if program else pair.program,
            )
            effects += staff_alerts(self.staff, alert)
        return effects
