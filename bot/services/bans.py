"""Banning someone: the bot no longer serves them (staff /ban; /unban lifts the flag alone).

One transaction: the `banned` flag; a mentor loses their approval (so /unban does not re-approve
them) and the proposals pending for them are withdrawn, each mentee's request moving on to the
next mentor; every pair of theirs ends (closing reason `banned`, ended by the staff member); their
own open request for a mentor is cancelled; their unfinished conversation is dropped. Who is
told what, the refusals (oneself, super-admins, staff) and the audit entry are the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.effects import Effect
from bot.core.models import CLOSED_BY_BAN, Pair, Person, RequestStatus, Role
from bot.core.ports import UnitOfWork
from bot.core.staff import BANNED, PersonFlag
from bot.services.matches import close_request
from bot.services.matchmaking import Matchmaker
from bot.services.pairs import end_pair


@dataclass(frozen=True)
class Banned:
    """What banning someone did."""

    person: Person  # as now stored (a mentor without their approval)
    ended: list[Pair]  # their pairs, ended
    effects: list[Effect]  # the next mentors asked for the mentees once proposed to them


async def ban(
    uow: UnitOfWork,
    matchmaker: Matchmaker,
    person: Person,
    *,
    by: int,
    reason: str,
    now: datetime,
) -> Banned:
    """Ban `person` (the caller holds their lock); `by` is the staff member's user id."""
    await uow.staff.flag(PersonFlag(user_id=person.id, kind=BANNED, reason=reason, at=now, by=by))
    effects: list[Effect] = []
    if person.role is Role.MENTOR:  # no new mentee is proposed; /unban alone does not re-approve
        if person.approved_at is not None:
            person = replace(person, approved_at=None, updated_at=now)
            await uow.persons.update(person)
        effects += (await matchmaker.withdraw(uow, person.id, now)).effects
    ended = [
        await end_pair(uow, pair, by, CLOSED_BY_BAN, now)
        for pair in await uow.pairs.of_person(person.id)
    ]
    request = await uow.matching.open_request(person.id)
    if request is not None:  # no mentor may accept it now
        await close_request(uow, request, RequestStatus.CANCELLED, now)
    await uow.flows.delete(person.id)
    return Banned(person, ended, effects)
