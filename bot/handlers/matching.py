"""/findmentor, /partner and the buttons of matching: the mentee's "Find a mentor", and a
mentor's Accept, Decline and reason. Every press is checked against what is stored."""

from __future__ import annotations

from bot.core.events import ButtonPress
from bot.core.models import PairStatus, Role
from bot.core.ports import UnitOfWork
from bot.core.turn import Turn
from bot.messages.matching import DECLINE_REASONS, PROPOSAL_PREFIX, no_partner, partner_card
from bot.services.matches import mentor_pair
from bot.services.matchmaking import MatchError, Matchmaker


class MatchingCommands:
    """The matching part of the dispatcher."""

    def __init__(self, matchmaker: Matchmaker) -> None:
        self.matchmaker = matchmaker

    async def find_mentor(self, turn: Turn, uow: UnitOfWork) -> None:
        """A mentee asks for a mentor (command or button)."""
        person = turn.person
        if not person.is_onboarded:
            turn.say(turn.t._("Please finish signing up first: send /start."))
            return
        if person.role is not Role.MENTEE:
            turn.say(
                turn.t._(
                    "Mentors don't need to ask: we'll send you mentees who fit your "
                    "profile. /help shows what you can do."
                )
            )
            return
        paired = await mentor_pair(uow, person.id)
        if paired is not None:
            mentor = await uow.persons.get(paired.mentor_id)
            turn.say(
                turn.t._(
                    "You already have a mentor, {name}. Write here to talk to them.",
                    name=(mentor.display_name if mentor else "") or "",
                )
            )
            return
        outcome = await self.matchmaker.ask(uow, person, turn.now)
        turn.effects.extend(outcome.effects)

    async def partner(self, turn: Turn, uow: UnitOfWork) -> None:
        """/partner: each partner's profile, as the person may see it (a mentor with several
        mentees gets one card for each)."""
        person = turn.person
        pairs = await uow.pairs.of_person(person.id) if person.is_onboarded else []
        shown = 0
        for pair in pairs:
            partner = await uow.persons.get(pair.partner_of(person.id))
            program = self.matchmaker.catalog.get(pair.program)
            if partner is None or program is None:
                continue
            card = partner_card(person, partner, program, turn.t)
            if pair.status is PairStatus.PAUSED:
                card += "\n" + turn.t._("<i>This mentorship is paused for now.</i>")
            turn.say(card)
            shown += 1
        if not shown:
            turn.say(no_partner(person, turn.t))

    async def press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        """Accept, Decline, or the reason for declining."""
        parts = press.data.removeprefix(PROPOSAL_PREFIX).split(":")
        if not parts[0].isdigit() or len(parts) not in (2, 3):
            turn.answer_stale(press.callback_id)
            return
        proposal_id, action = int(parts[0]), parts[1]
        try:
            if action == "accept":
                outcome = await self.matchmaker.accept(uow, proposal_id, turn.person.id, turn.now)
                turn.answer(press.callback_id, turn.t._("Accepted. Thank you!"))
            elif action == "decline":
                outcome = await self.matchmaker.decline(uow, proposal_id, turn.person.id, turn.now)
                turn.answer(press.callback_id)
            elif action == "r" and len(parts) == 3 and parts[2] in DECLINE_REASONS:
                if not await self.matchmaker.reason(uow, proposal_id, turn.person.id, parts[2]):
                    raise MatchError("no reason to record")
                turn.answer(press.callback_id, turn.t._("Thank you, noted."))
                turn.edit(press.message_id, turn.t._("Thank you, noted."))
                return
            else:
                raise MatchError(f"unknown action {action!r}")
        except MatchError:
            turn.answer_stale(press.callback_id)
            return
        turn.edit(
            press.message_id,
            turn.t._(
                "Answered: {answer}",
                answer=turn.t._("accepted") if action == "accept" else turn.t._("declined"),
            ),
        )
        turn.effects.extend(outcome.effects)
