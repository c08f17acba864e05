"""Relay links: stored by the sender's `record_sent` hook once the chat app has answered a copy's
message id (ids only, never content), in the unit of work that records the copy as sent, and read
to thread replies and to carry a person's edits over to every copy. The same hook notes the
message id of each delivered step message on its scheduled row, so that a reply to a step goes
to that step's pair (`bot.services.relay_routes`), and of each program team's message, so that a
reply to it goes to its case (`bot.services.inbox.note_sent`)."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core import effects as fx
from bot.core.effects import (
    STEP_TAG,
    CopyMessages,
    EditCaption,
    EditText,
    Effect,
    RelayTag,
    SendText,
)
from bot.core.models import Pair, PairStatus, Person, RelayLink
from bot.core.ports import Clock, UnitOfWork
from bot.i18n import Translator
from bot.services.inbox import note_sent
from bot.services.relay import labelled_caption, labelled_text, sender_name

log = logging.getLogger(__name__)


# -- edits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyToEdit:
    """A copy of an edited message, in an active pair."""

    link: RelayLink
    pair: Pair
    partner: Person


async def copies_to_edit(uow: UnitOfWork, chat_id: int, message_id: int) -> list[CopyToEdit]:
    """The copies of a message, in pairs that are still active."""
    found: list[CopyToEdit] = []
    for link in await uow.relay.copies_of(chat_id, message_id):
        pair = await uow.pairs.get(link.pair_id)
        if pair is None or pair.status is not PairStatus.ACTIVE:
            continue
        partner = await uow.persons.get(pair.partner_of(link.sender_id))
        if partner is not None:
            found.append(CopyToEdit(link, pair, partner))
    return found


def edit_effect(
    copy: CopyToEdit,
    sender: Person,
    *,
    text: str | None,
    caption: str | None,
    label: Translator | None,
) -> Effect:
    """The edit of one copy: new text, or new caption (labelled like the copy was)."""
    chat_id, message_id = copy.link.target_chat_id, copy.link.target_message_id
    if text is not None:
        body = labelled_text(label, sender_name(sender, label), text) if label else None
        return EditText(
            chat_id=chat_id, message_id=message_id, text=body or html.escape(text, quote=False)
        )
    new = labelled_caption(label, sender_name(sender, label), caption) if label else None
    if new is None and caption:
        new = html.escape(caption, quote=False)
    return EditCaption(chat_id=chat_id, message_id=message_id, caption=new)


# -- the sender's hook ---------------------------------------------------------------------------


class RelayLinks:
    """The sender's `record_sent` hook: a `RelayLink` for every relayed copy the chat app has
    answered, and the message id of every step message, written in the sender's unit of work
    for those successes (no transaction of its own: on SQLite each would wait for the one
    write lock)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.stored = 0

    async def __call__(self, uow: UnitOfWork, sent: Sequence[tuple[Effect, fx.Sent]]) -> None:
        now = self._clock.now()
        links = [link for effect, answer in sent for link in _links(effect, answer, now)]
        await uow.relay.add_many(links)
        self.stored += len(links)
        await uow.schedule.record_messages(
            [step for effect, answer in sent if (step := _step_message(effect, answer))]
        )
        for effect, answer in sent:  # a program team's message: a reply to it goes to its case
            await note_sent(uow, effect, answer.message_id)


def _step_message(effect: Effect, sent: fx.Sent) -> tuple[int, int] | None:
    """(scheduled row id, message id) of a delivered step message (None for anything else)."""
    tag = effect.tag if isinstance(effect, SendText) else None
    if not tag or not tag.startswith(STEP_TAG) or sent.message_id is None:
        return None
    return int(tag.removeprefix(STEP_TAG)), sent.message_id


def _links(effect: Effect, sent: fx.Sent, now: datetime) -> list[RelayLink]:
    """The links of one relayed copy (none for anything else)."""
    relay: RelayTag | None = getattr(effect, "relay", None)
    chat_id = fx.chat_of(effect)
    if relay is None or chat_id is None:
        return []
    if isinstance(effect, CopyMessages):
        targets = [int(i) for i in sent.extra.get("message_ids", ())]
    else:
        targets = [sent.message_id] if sent.message_id is not None else []
    sources = relay.source_message_ids
    if len(targets) != len(sources):
        log.warning(
            "pair %s: %d copies for %d originals, not linked",
            relay.pair_id,
            len(targets),
            len(sources),
        )
        return []
    return [
        RelayLink(
            pair_id=relay.pair_id,
            sender_id=relay.sender_id,
            source_chat_id=relay.source_chat_id,
            source_message_id=source,
            target_chat_id=chat_id,
            target_message_id=target,
            created_at=now,
        )
        for source, target in zip(sources, targets, strict=True)
    ]
