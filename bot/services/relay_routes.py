"""Where a relayed message goes (`route`).

A reply decides the pair only when it answers a message of a pair: a relayed message (one with
a `RelayLink`) or a curriculum step (its scheduled row notes its message id), and then only that
pair: a reply to a message of a paused or ended pair reaches no one, never another pair of the
writer. A reply to anything else (a proposal, an alert, any other bot message) follows the usual
rules: the writer's only active pair, else the one they chose
(`Person.active_pair_id`), else they are asked (`Choose`), never guessed.

A reply the bot cannot place may still answer a message of another conversation: its link was
erased with the partner (/forgetme) or purged after `RELAY_RETENTION_DAYS`. So the usual rules
deliver such a reply only to someone who has only ever had the one pair they would pick; anyone
else with another pair (ended, erased, paused, or several active and one chosen) is asked to
send it again without replying (`Unplaced`), and someone with several active pairs and none
chosen is asked which one (`Choose`), as for any message.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import Pair, PairStatus, Person
from bot.core.ports import UnitOfWork


@dataclass(frozen=True)
class Deliver:
    """Relay to `pair`'s other person, as a reply to `reply_to` in their chat when set."""

    pair: Pair
    reply_to: int | None = None


@dataclass(frozen=True)
class Paused:
    """The pair the message was for is paused: nothing is sent."""

    pair: Pair


@dataclass(frozen=True)
class Ended:
    """The message replied to belongs to a pair that has ended: nothing is sent, to anyone
    (`pair` is None when the pair is gone altogether)."""

    pair: Pair | None


@dataclass(frozen=True)
class Choose:
    """Several active pairs and nothing says which one: the person must choose."""

    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class Unplaced:
    """A reply to a message the bot cannot place (no link: a bot message, or one whose link was
    erased or purged) by someone who has another pair than the one the usual rules would pick:
    it might belong to that other conversation, so nothing is sent."""


@dataclass(frozen=True)
class NotPaired:
    """The person has no pair (or only ended ones)."""


Route = Deliver | Paused | Ended | Choose | Unplaced | NotPaired


def active(pairs: list[Pair]) -> list[Pair]:
    """The active ones."""
    return [p for p in pairs if p.status is PairStatus.ACTIVE]


async def replied_link(uow: UnitOfWork, chat_id: int, reply_to: int) -> tuple[int, int] | None:
    """The pair a replied-to message belongs to, whatever its status, and the message to reply
    to in the partner's chat: the original of a copy I received, or the copy of a message I
    sent. None for anything else (a step: `replied_step`; a proposal, an alert, any other bot
    message: those belong to no pair and never decide where a message goes)."""
    link = await uow.relay.original_of(chat_id, reply_to)
    if link is not None:
        return link.pair_id, link.source_message_id
    for copy in await uow.relay.copies_of(chat_id, reply_to):
        return copy.pair_id, copy.target_message_id
    return None


async def replied_step(uow: UnitOfWork, person_id: int, reply_to: int) -> tuple[int, None] | None:
    """The pair of the person's step message replied to (nothing to reply to in the partner's
    chat), or None when `reply_to` is not one."""
    pair_id = await uow.schedule.pair_of_message(person_id, reply_to)
    return None if pair_id is None else (pair_id, None)


async def replied_route(
    uow: UnitOfWork, person: Person, reply_to: int, pairs: list[Pair]
) -> Route | None:
    """Where a reply goes when it answers a relayed message or a step: that message's pair,
    whether active (delivered, threaded to the relayed message), paused or ended (sent to no
    one). None when the message replied to belongs to no pair of the person."""
    found: tuple[int, int | None] | None = await replied_link(uow, person.chat_id, reply_to)
    if found is None:
        found = await replied_step(uow, person.id, reply_to)
    if found is None:
        return None
    pair_id, target = found
    pair = next((p for p in pairs if p.id == pair_id), None)
    if pair is None:
        gone = await uow.pairs.get(pair_id)
        if gone is not None and not gone.member(person.id):
            return None  # not theirs: never happens with links of their own chat
        return Ended(gone)
    return Deliver(pair, target) if pair.status is PairStatus.ACTIVE else Paused(pair)


async def route(uow: UnitOfWork, person: Person, reply_to: int | None) -> Route:
    """Where a message of `person` goes: the pair of the relayed message replied to (nowhere
    when that pair has ended), else their only active pair, else their chosen active pair
    (`Person.active_pair_id`), else they must choose. Never another pair than the one a reply
    names, nor one a reply the bot cannot place might not belong to (`Unplaced`)."""
    pairs = await uow.pairs.of_person(person.id)
    if reply_to is None:
        return _usual(person, pairs)
    replied = await replied_route(uow, person, reply_to, pairs)
    if replied is not None:
        return replied
    usual = _usual(person, pairs)
    if isinstance(usual, Deliver) and await uow.pairs.count_ever(person.id) > 1:
        return Unplaced()
    return usual


def _usual(person: Person, pairs: list[Pair]) -> Route:
    """The usual rules, for a message that names no pair."""
    if not pairs:
        return NotPaired()
    running = active(pairs)
    if not running:
        return Paused(pairs[0])
    if len(running) == 1:
        return Deliver(running[0])
    chosen = next((p for p in running if p.id == person.active_pair_id), None)
    return Deliver(chosen) if chosen is not None else Choose(tuple(running))


async def needs_label(uow: UnitOfWork, person_id: int) -> bool:
    """True when the person has several active pairs, so each copy must say whose it is."""
    return len(active(await uow.pairs.of_person(person_id))) > 1
