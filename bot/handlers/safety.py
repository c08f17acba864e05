"""Safeguarding in the dispatcher: /report, /block, /end, the `sg:` buttons (check-in ratings,
block confirmations), the hook that completes the report and ending flows, and `screen`, which
the relay calls before passing on each text or caption.

Every press is checked against what is stored: a rating for a pair the presser is not in, a pair
that has ended, a made-up number or action is answered politely and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.core.engine import FlowEngine
from bot.core.events import ButtonPress
from bot.core.models import Pair, PairStatus
from bot.core.ports import UnitOfWork
from bot.core.turn import Turn
from bot.i18n import Catalogs
from bot.messages.safety import (
    BLOCK,
    BLOCK_CONFIRMED,
    KEEP,
    RATE,
    SAFETY_PREFIX,
    block_choice,
    block_confirmation,
    checkin_text,
    new_mentor_hint,
)
from bot.services.alerts import Staff
from bot.services.crisis import CrisisLists, safety_folder
from bot.services.safety import Safeguarding
from flows import ending, report

LOW_RATING = 2


class SafetyCommands:
    """The safeguarding part of the dispatcher."""

    def __init__(
        self,
        engine: FlowEngine,
        catalogs: Catalogs,
        staff: Staff = Staff(()),
        crisis_folder: Path | None = None,
    ) -> None:
        self.engine = engine
        programs = engine.programs
        crisis = CrisisLists(crisis_folder or safety_folder(programs), (p.code for p in programs))
        self.service = Safeguarding(programs, catalogs, staff, crisis)

    # ------------------------------------------------------------------ helpers

    async def _pairs(self, turn: Turn, uow: UnitOfWork) -> list[tuple[Pair, str]]:
        """The person's mentorships that have not ended, with the partner's name."""
        me = turn.person.id
        pairs = await uow.pairs.of_person(me)  # active or paused: ended pairs are not listed
        names = {
            p.id: p.display_name
            for p in await uow.persons.get_many(p.partner_of(me) for p in pairs)
        }
        fallback = turn.t._("your partner")
        return [(p, names.get(p.partner_of(me)) or fallback) for p in pairs]

    @staticmethod
    def _flow_data(pairs: list[tuple[Pair, str]], *, allow_none: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"pairs": [[p.id, name] for p, name in pairs]}
        if len(pairs) == 1:
            data["pair"] = pairs[0][0].id
        elif not pairs and allow_none:
            data["pair"] = report.NO_PAIR
        return data

    async def _member_pair(self, turn: Turn, uow: UnitOfWork, pair_id: int) -> Pair | None:
        pair = await uow.pairs.get(pair_id)
        if pair is None or not pair.member(turn.person.id) or pair.status is PairStatus.ENDED:
            return None
        return pair

    def _forget_active(self, turn: Turn, pair: Pair) -> None:
        if turn.person.active_pair_id == pair.id:
            turn.set_person(replace(turn.person, active_pair_id=None))

    # ------------------------------------------------------------------ commands

    async def report(self, turn: Turn, uow: UnitOfWork) -> None:
        """/report: with or without a mentorship, the report flow."""
        if not turn.person.is_onboarded:
            turn.say(turn.t._("Please finish signing up first: send /start."))
            return
        pairs = await self._pairs(turn, uow)
        self.engine.start(turn, report.NAME, self._flow_data(pairs, allow_none=True))

    async def end(self, turn: Turn, uow: UnitOfWork) -> None:
        """/end: close a mentorship with a reason and a feedback question."""
        pairs = await self._pairs(turn, uow)
        if not pairs:
            turn.say(turn.t._("You're not in a mentorship right now, so there is nothing to end."))
            return
        self.engine.start(turn, ending.NAME, self._flow_data(pairs, allow_none=False))

    async def block(self, turn: Turn, uow: UnitOfWork) -> None:
        """/block: confirm, then end the mentorship at once."""
        pairs = await self._pairs(turn, uow)
        if not pairs:
            turn.say(
                turn.t._(
                    "You're not in a mentorship right now, so there is no one to block. If "
                    "something worries you, /report tells the program team."
                )
            )
        elif len(pairs) == 1:
            turn.say(*block_confirmation(pairs[0][0].id, pairs[0][1], turn.t))
        else:
            turn.say(*block_choice([(p.id, name) for p, name in pairs], turn.t))

    # ------------------------------------------------------------------ buttons

    async def press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        """An `sg:` button: a check-in rating, or a step of /block."""
        action, _, rest = press.data.removeprefix(SAFETY_PREFIX).partition(":")
        parts = rest.split(":") if rest else []
        if not all(part.isdigit() for part in parts):
            turn.answer_stale(press.callback_id)
        elif action == RATE and len(parts) == 2:
            await self._rate(turn, press, uow, int(parts[0]), int(parts[1]))
        elif action in (BLOCK, BLOCK_CONFIRMED) and len(parts) == 1:
            await self._block_press(turn, press, uow, action, int(parts[0]))
        elif action == KEEP and not parts:
            turn.answer(press.callback_id)
            turn.edit(press.message_id, turn.t._("Nothing has changed."))
        else:
            turn.answer_stale(press.callback_id)

    async def _rate(
        self, turn: Turn, press: ButtonPress, uow: UnitOfWork, pair_id: int, rating: int
    ) -> None:
        pair = await self.service.rate(uow, turn.person, pair_id, rating, turn.now)
        if pair is None:
            turn.answer_stale(press.callback_id)
            return
        turn.answer(press.callback_id, turn.t._("Thank you, your answer is saved."))
        partner = await uow.persons.get(pair.partner_of(turn.person.id))
        name = (partner.display_name if partner else None) or turn.t._("your partner")
        turn.edit(press.message_id, f"{checkin_text(name, turn.t)}\n\n<b>→ {rating}</b>")
        if rating <= LOW_RATING:
            turn.say(
                turn.t._(
                    "I'm sorry it isn't going well. If something worries you, /report tells the "
                    "program team, and /end closes the mentorship."
                )
            )

    async def _block_press(
        self, turn: Turn, press: ButtonPress, uow: UnitOfWork, action: str, pair_id: int
    ) -> None:
        pair = await self._member_pair(turn, uow, pair_id)
        if pair is None:
            turn.answer_stale(press.callback_id)
            return
        turn.answer(press.callback_id)
        if action == BLOCK:
            names = {p.id: name for p, name in await self._pairs(turn, uow)}
            turn.edit(press.message_id, *block_confirmation(pair.id, names[pair.id], turn.t))
            return
        ended, effects = await self.service.block(uow, turn.person, pair, turn.now)
        self._forget_active(turn, ended)
        turn.edit(press.message_id, turn.t._("Blocked."))
        lines = [
            turn.t._(
                "Done: your mentorship has ended and you can no longer write to each other. The "
                "program team has been informed. If you'd like to tell them more, use /report."
            )
        ]
        if ended.mentee_id == turn.person.id:
            lines.append(new_mentor_hint(turn.t))
        turn.say("\n\n".join(lines))
        turn.effects.extend(effects)

    # ------------------------------------------------------------------ flows

    async def complete(self, turn: Turn, uow: UnitOfWork) -> None:
        """Finish a report or an ending whose flow reached its last state in this turn (the
        dispatcher calls this after every event)."""
        flow = turn.flow
        if flow is None or flow.state not in (report.SUBMITTED, ending.ENDED):
            return
        turn.set_flow(None)
        if flow.state == report.SUBMITTED:
            await self._file(turn, uow, flow.data)
        else:
            await self._close(turn, uow, flow.data)

    async def _file(self, turn: Turn, uow: UnitOfWork, data: Mapping[str, Any]) -> None:
        pair_id = int(data.get("pair", report.NO_PAIR))
        pair = await self._member_pair(turn, uow, pair_id) if pair_id else None
        filed = await self.service.file_report(
            uow,
            turn.person,
            pair,
            reason=str(data.get("reason", "other")),
            text=str(data.get("text", "")),
            pause=bool(data.get("pause", False)),
            now=turn.now,
        )
        if filed.paused:
            turn.say(
                turn.t._(
                    "Your mentorship with {name} is paused while the program team looks into it.",
                    name=report.partner_name(data),
                )
            )
        turn.effects.extend(filed.effects)

    async def _close(self, turn: Turn, uow: UnitOfWork, data: Mapping[str, Any]) -> None:
        pair = await self._member_pair(turn, uow, int(data.get("pair", 0)))
        if pair is None:
            return  # ended meanwhile (the partner ended or blocked it): nothing left to do
        ended, effects = await self.service.close(
            uow,
            turn.person,
            pair,
            str(data.get("reason", "other")),
            int(data.get("rating", 0)),
            turn.now,
        )
        self._forget_active(turn, ended)
        if ended.mentee_id == turn.person.id:
            turn.say(new_mentor_hint(turn.t))
        turn.effects.extend(effects)

    # ------------------------------------------------------------------ the relay's hook

    async def screen(self, turn: Turn, uow: UnitOfWork, pair: Pair, text: str) -> None:
        """Checks on a text or caption the relay is about to pass on (it is passed on anyway):
        crisis words → the writer gets the program's crisis resources and staff a priority
        alert; contact details or money early in a match → a gentle reminder to the writer."""
        if not text:
            return
        message_id = getattr(turn.event, "message_id", None)
        turn.effects.extend(
            await self.service.screen(
                uow,
                turn.person,
                pair,
                text,
                message_id=message_id if isinstance(message_id, int) else None,
                now=turn.now,
            )
        )
