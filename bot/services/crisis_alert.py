"""A crisis alert as staff read it: ONE message in the safety lane, labelled as an alert about a
pair (never mistaken for a message to the reader), with the pair's latest messages in order and
the buttons to act; when it would be too long for one message, the messages go in a document
right after it, labelled the same way.

Words: mentorbot keeps no words of relayed messages (only ids, see the privacy notice). The alert
quotes the words of the message that raised it, which it has in hand; earlier messages are
listed by time and author, and "Show the messages" copies them under the alert on request (each
copy a reply to the alert, so it reads as part of it). The words travel only in the alert's
outbox item, which the outbox scrubs once it is delivered.

Buttons (staff buttons, authorised again on each press, see `flows.staff_alerts`):
`st:pause:<pair>`, `st:user:<person>`, `st:reports:show:<report>`, `st:reports:done:<report>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.effects import Button, Effect, Keyboard, SendDocument, SendText
from bot.core.models import Pair
from bot.core.ports import UnitOfWork
from bot.i18n import Html, Translator
from bot.services.alerts import Staff

MAX_TEXT = 4096  # Telegram's limit for one message
MAX_CAPTION = 1024


@dataclass(frozen=True)
class ContextLine:
    """One relayed message of the pair: when, from whom to whom, and its words when known."""

    at: datetime
    writer: str
    reader: str
    words: str | None = None  # None: not kept


@dataclass(frozen=True)
class CrisisAlert:
    """What staff need to act on a crisis: which alert, which pair, what was written."""

    report_id: int
    pair_id: int
    program: str  # the program's name, in the staff's language
    writer_id: int
    writer: str
    partner: str
    phrases: str
    at: datetime
    paused: bool  # the pair is paused already (no pause button)
    lines: Sequence[ContextLine]  # oldest first


def _when(at: datetime) -> str:
    return f"{at:%d %b %H:%M} UTC"


def alert_buttons(alert: CrisisAlert, t: Translator) -> Keyboard:
    """Pause the pair (unless paused), open the writer's case, show the messages, mark handled.
    (Button labels are plain text: names go in unescaped.)"""
    first: list[Button] = []
    if not alert.paused:
        first.append(Button(t._("⏸ Pause the pair"), f"st:pause:{alert.pair_id}"))
    case = t._("📂 Open {name}'s case", name=Html(alert.writer))
    first.append(Button(case, f"st:user:{alert.writer_id}"))
    return (
        tuple(first),
        (
            Button(t._("💬 Show the messages"), f"st:reports:show:{alert.report_id}"),
            Button(t._("✅ Mark handled"), f"st:reports:done:{alert.report_id}"),
        ),
    )


def _head(alert: CrisisAlert, t: Translator) -> list[str]:
    return [
        t._(
            "🚨 <b>Crisis alert #{id}</b> · {when}",
            id=alert.report_id,
            when=_when(alert.at),
        ),
        t._(
            "<b>{writer}</b> wrote crisis words ({phrases}) to <b>{partner}</b> in {program}, "
            "pair #{pair}. {writer} was sent the program's crisis resources; the message was "
            "delivered.",
            writer=alert.writer,
            partner=alert.partner,
            phrases=alert.phrases,
            program=alert.program,
            pair=alert.pair_id,
        ),
    ]


def _line(line: ContextLine, t: Translator) -> str:
    if line.words is None:
        return t._(
            "{when} · {writer} → {reader}: a message (mentorbot keeps no words)",
            when=_when(line.at),
            writer=line.writer,
            reader=line.reader,
        )
    return t._(
        "{when} · {writer} → {reader}: «{words}»",
        when=_when(line.at),
        writer=line.writer,
        reader=line.reader,
        words=line.words,
    )


def _context_title(t: Translator) -> str:
    return t._(
        "<b>The pair's latest messages, oldest first</b> (a record of their conversation for "
        "you, not messages to you):"
    )


def crisis_alert(staff: Staff, alert: CrisisAlert, t: Translator) -> list[Effect]:
    """The alert for every staff chat, in the safety lane: one message, or (too long) one
    message and one document."""
    buttons = alert_buttons(alert, t)
    lines = [_line(line, t) for line in alert.lines]
    whole = "\n".join([*_head(alert, t), "", _context_title(t), *lines])
    effects: list[Effect] = []
    if len(whole) <= MAX_TEXT:
        for chat_id in staff.chat_ids:
            effects.append(SendText(chat_id=chat_id, text=whole, buttons=buttons, safety=True))
        return effects
    short = "\n".join(
        [*_head(alert, t), "", t._("The pair's latest messages are in the file below.")]
    )
    document = _transcript(alert, t)
    caption = t._(
        "🚨 Crisis alert #{id}: the latest messages of {writer} and {partner}, oldest first "
        "(a record for you, not messages to you)",
        id=alert.report_id,
        writer=alert.writer,
        partner=alert.partner,
    )[:MAX_CAPTION]
    for chat_id in staff.chat_ids:
        effects.append(SendText(chat_id=chat_id, text=short, buttons=buttons, safety=True))
        effects.append(
            SendDocument(
                chat_id=chat_id,
                filename=f"crisis-alert-{alert.report_id}.txt",
                content=document,
                caption=caption,
                safety=True,
            )
        )
    return effects


def _transcript(alert: CrisisAlert, t: Translator) -> bytes:
    """The context as plain text for the document (values as they are: no HTML here)."""
    head = t._(
        "Crisis alert #{id}, {when}: {writer} and {partner} ({program}, pair #{pair}). Their "
        "latest messages, oldest first - a record for you, not messages to you.",
        id=alert.report_id,
        when=_when(alert.at),
        writer=Html(alert.writer),
        partner=Html(alert.partner),
        program=Html(alert.program),
        pair=alert.pair_id,
    )
    no_words = t._("(mentorbot keeps no words)")
    rows = [
        f"{_when(line.at)} | {line.writer} -> {line.reader}: "
        + (line.words if line.words is not None else no_words)
        for line in alert.lines
    ]
    return ("\n\n".join([head, *rows]) + "\n").encode("utf-8")


async def latest_messages(
    uow: UnitOfWork,
    pair: Pair,
    names: Mapping[int, str],
    limit: int,
    current: ContextLine,
    current_source: tuple[int, int] | None,
) -> list[ContextLine]:
    """The pair's latest relayed messages, oldest first, ending with `current` (the message
    that raised the alert, not relayed yet), each message once."""
    seen = {current_source} if current_source else set()
    lines: list[ContextLine] = []
    for link in await uow.relay.recent(pair.id, limit):  # newest first
        source = (link.source_chat_id, link.source_message_id)
        if source in seen:
            continue
        seen.add(source)
        writer, reader = link.sender_id, pair.partner_of(link.sender_id)
        lines.append(
            ContextLine(
                at=link.created_at, writer=names.get(writer, "?"), reader=names.get(reader, "?")
            )
        )
    return [*reversed(lines), current]
