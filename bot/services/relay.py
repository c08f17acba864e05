"""The anonymous relay's rules: which pair a message goes to, what the partner receives, and how
replies, edits and albums travel.

Messages are copied (`copyMessage`/`copyMessages`), never forwarded, so the partner never sees
the sender's Telegram id, username, name or phone: only their `display_name`, and only where a
label is needed. A copy carries a `RelayTag`; once the chat app answers the copy's message id,
`bot.services.relay_links.RelayLinks` (the sender's `record_sent` hook) stores a `RelayLink` (ids
only). Replies are threaded and edits mirrored through those links.

Where a message goes is `bot.services.relay_routes`.

Labels: a person with more than one active pair (a mentor with several mentees) must see whose
message each one is. Their copies carry the sender's display name *inside* the message where
Telegram allows it — a text becomes `SendText("<b>Anna</b>: …")`, a captionable medium gets
the name as a caption prefix — and a one-line header message just before the copy otherwise
(stickers, video notes, contacts, locations, albums, and texts too long for the prefix). A
labelled text is sent as plain escaped text (the original's formatting is not carried over).
Edits of labelled copies keep the label.

Albums arrive as one update per item. The first item's `CopyMessages` is put in the outbox held
for `ALBUM_WINDOW`; each later item of the same media group is appended to that pending item,
so the partner receives the album in one `copyMessages` call (Telegram keeps it an album). The
outbox is the only state, so a restart loses nothing; an item that arrives after the sender took
the album starts a second one. A message sent while an album is being gathered is held as long,
so it does not overtake the album.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core import effects as fx
from bot.core.effects import CopyMessage, CopyMessages, Effect, RelayTag
from bot.core.events import MediaKind
from bot.core.models import Pair, Person
from bot.core.ports import UnitOfWork
from bot.i18n import Translator
from bot.services.pairs import pause_pair
from bot.services.relay_routes import active

ALBUM_WINDOW = timedelta(seconds=1.5)
ACTIVITY_RESOLUTION = timedelta(minutes=1)
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_COPIES = 100  # message ids in one copyMessages call
CAPTIONED = frozenset(
    {
        MediaKind.PHOTO,
        MediaKind.VIDEO,
        MediaKind.AUDIO,
        MediaKind.DOCUMENT,
        MediaKind.ANIMATION,
        MediaKind.VOICE,
    }
)
HELD_BACK = frozenset({MediaKind.CONTACT, MediaKind.LOCATION})


@dataclass(frozen=True)
class Relayed:
    """A message to relay, by id. Its text (or caption) is used only to label and screen the
    copy, never stored."""

    chat_id: int
    message_id: int
    media: MediaKind | None = None  # None: a text message
    text: str | None = None  # the text, or the caption
    album: str | None = None  # the media group id


# -- what the partner receives -----------------------------------------------------------------


def visible_length(text: str) -> int:
    """Telegram's length of a text (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def labelled_text(t: Translator, name: str, text: str) -> str | None:
    """`<b>name</b>: text` (escaped), or None when it would be too long for one message."""
    if visible_length(name) + 2 + visible_length(text) > MAX_TEXT:
        return None
    return t._("<b>{name}</b>: {text}", name=name, text=text)


def labelled_caption(t: Translator, name: str, caption: str | None) -> str | None:
    """The caption of a labelled copy, or None when it would be too long."""
    if not caption:
        return t._("<b>{name}</b>", name=name)
    if visible_length(name) + 2 + visible_length(caption) > MAX_CAPTION:
        return None
    return t._("<b>{name}</b>: {caption}", name=name, caption=caption)


def label_header(t: Translator, name: str) -> str:
    """The one-line header sent just before a copy that cannot carry the name itself."""
    return t._("<b>{name}</b>:", name=name)


def sender_name(sender: Person, t: Translator) -> str:
    """What the partner may know of the sender: their display name, nothing else."""
    return sender.display_name or t._("your partner")


def tag(
    pair: Pair, sender: Person, message_ids: tuple[int, ...], album: str | None = None
) -> RelayTag:
    """The relay tag of a copy."""
    return RelayTag(
        pair_id=pair.id,
        sender_id=sender.id,
        source_chat_id=sender.chat_id,
        source_message_ids=message_ids,
        album=album,
    )


def copy_effects(
    message: Relayed,
    pair: Pair,
    sender: Person,
    partner: Person,
    *,
    label: Translator | None,
    reply_to: int | None = None,
) -> list[Effect]:
    """The partner's copy of one message (`label`: the partner's translator when the copy must
    carry the sender's name)."""
    relay = tag(pair, sender, (message.message_id,))
    copy = CopyMessage(
        chat_id=partner.chat_id,
        from_chat_id=message.chat_id,
        message_id=message.message_id,
        reply_to_message_id=reply_to,
        relay=relay,
    )
    if label is None:
        return [copy]
    name = sender_name(sender, label)
    if message.media is None:
        text = labelled_text(label, name, message.text or "")
        if text is not None:
            return [
                fx.SendText(
                    chat_id=partner.chat_id, text=text, reply_to_message_id=reply_to, relay=relay
                )
            ]
    elif message.media in CAPTIONED:
        caption = labelled_caption(label, name, message.text)
        if caption is not None:
            return [replace(copy, caption=caption)]
    header = fx.SendText(chat_id=partner.chat_id, text=label_header(label, name))
    return [header, copy]


def copies_of_many(
    message_ids: list[int],
    chat_id: int,
    pair: Pair,
    sender: Person,
    partner: Person,
    *,
    label: Translator | None,
) -> list[Effect]:
    """Copies of several messages held back until now (an album stays an album), each batch
    under a name header when the partner needs labels."""
    ids = sorted(set(message_ids))
    if not ids:
        return []
    effects: list[Effect] = []
    if label is not None:
        effects.append(
            fx.SendText(
                chat_id=partner.chat_id, text=label_header(label, sender_name(sender, label))
            )
        )
    for start in range(0, len(ids), MAX_COPIES):
        chunk = tuple(ids[start : start + MAX_COPIES])
        relay = tag(pair, sender, chunk)
        if len(chunk) == 1:
            effects.append(
                CopyMessage(
                    chat_id=partner.chat_id, from_chat_id=chat_id, message_id=chunk[0], relay=relay
                )
            )
        else:
            effects.append(
                CopyMessages(
                    chat_id=partner.chat_id, from_chat_id=chat_id, message_ids=chunk, relay=relay
                )
            )
    return effects


# -- albums and ordering -----------------------------------------------------------------------


def _gathering(payload: dict[str, object], from_chat_id: int) -> bool:
    relay = payload.get("relay")
    return (
        payload.get("type") == "CopyMessages"
        and payload.get("from_chat_id") == from_chat_id
        and isinstance(relay, dict)
        and relay.get("album") is not None
    )


async def album_in_progress(uow: UnitOfWork, partner_chat_id: int, from_chat_id: int) -> bool:
    """True while an album from `from_chat_id` to this chat is being gathered in the outbox."""
    pending = await uow.outbox.pending_for_chat(partner_chat_id)
    return any(_gathering(item.payload, from_chat_id) for item in pending)


async def add_to_album(
    uow: UnitOfWork,
    message: Relayed,
    pair: Pair,
    sender: Person,
    partner: Person,
    *,
    label: Translator | None,
    now: datetime,
) -> None:
    """Append an album item to the album being gathered for the partner, or start one."""
    assert message.album is not None
    for item in reversed(await uow.outbox.pending_for_chat(partner.chat_id)):
        if not _gathering(item.payload, message.chat_id):
            continue
        effect = fx.from_json(item.payload)
        if not isinstance(effect, CopyMessages) or effect.relay is None:
            continue
        if effect.relay.album != message.album or effect.relay.pair_id != pair.id:
            continue
        ids = tuple(sorted({*effect.message_ids, message.message_id}))
        grown = replace(
            effect, message_ids=ids, relay=replace(effect.relay, source_message_ids=ids)
        )
        if await uow.outbox.replace_pending(item.id, grown):
            return
        break  # the sender took it already: this item starts a new album
    effects: list[Effect] = []
    if label is not None:
        name = sender_name(sender, label)
        effects.append(fx.SendText(chat_id=partner.chat_id, text=label_header(label, name)))
    ids = (message.message_id,)
    effects.append(
        CopyMessages(
            chat_id=partner.chat_id,
            from_chat_id=message.chat_id,
            message_ids=ids,
            relay=tag(pair, sender, ids, message.album),
        )
    )
    await uow.outbox.add(effects, now, not_before=now + ALBUM_WINDOW)


def records_activity(pair: Pair, now: datetime, album: str | None) -> bool:
    """Whether relaying a message now records the pair's activity: always for an album item
    (`may_gather` counts on it), otherwise when the recorded activity is `ACTIVITY_RESOLUTION`
    old or more. Activity is kept to the minute (what reads it, nudges, health buckets,
    exports, counts in days), which spares a write for most messages of a conversation."""
    last = pair.last_activity_at
    return album is not None or last is None or now - last >= ACTIVITY_RESOLUTION


async def note_activity(uow: UnitOfWork, pair: Pair, now: datetime, album: str | None) -> None:
    """Record the pair's activity (resets the nudge clock) for a message relayed now, when
    `records_activity` says so."""
    if records_activity(pair, now, album):
        await uow.pairs.record_activity(pair.id, now)


def may_gather(pair: Pair, now: datetime) -> bool:
    """False when no album of the pair can still be held back: an album item is held for
    `ALBUM_WINDOW` from when it was relayed, and relaying one always records the pair's
    activity (`pair` as loaded before this message's). After that, a later copy cannot
    overtake it: the sender applies a chat's items in outbox order."""
    return pair.last_activity_at is not None and now - pair.last_activity_at < ALBUM_WINDOW


async def send_or_hold(
    uow: UnitOfWork,
    effects: list[Effect],
    pair: Pair,
    partner: Person,
    sender: Person,
    now: datetime,
) -> list[Effect]:
    """The copies to send now; none when an album from the sender to the partner is still
    being gathered: then they are held in the outbox as long, so they do not overtake it.
    The outbox is only read when the pair talked within the album window (`may_gather`)."""
    if may_gather(pair, now) and await album_in_progress(uow, partner.chat_id, sender.chat_id):
        await uow.outbox.add(effects, now, not_before=now + ALBUM_WINDOW)
        return []
    return effects


# -- someone blocked the bot -------------------------------------------------------------------


async def pause_for_blocked(uow: UnitOfWork, person_id: int, now: datetime) -> list[Pair]:
    """Pause every active pair of a person who blocked the bot; returns the pairs paused now."""
    paused: list[Pair] = []
    for pair in active(await uow.pairs.of_person(person_id)):
        paused.append(await pause_pair(uow, pair.id, now))
    return paused
