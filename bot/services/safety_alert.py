"""Every safeguarding alert as staff read it (crisis words, a /report of any reason, a /block):
ONE message, labelled as an alert about a pair (never mistaken for a message to the reader), with
the pair's latest messages in order and the buttons to act; when it would be too long for one
message, the messages go in a document right after it, labelled the same way. Crisis alerts and
priority reports go in the safety lane (ahead of the chat's routine queue).

Words: mentorbot keeps no words of relayed messages (only ids, see the privacy notice). A crisis
alert quotes the words of the message that raised it, which it has in hand; earlier messages are
listed by time and author, and "Show the messages" copies them under the alert on request, each
copy after a label naming its author and time (`bot.handlers.staff.alerts`). The words travel only
in the alert's outbox item, which the outbox scrubs once it is delivered.

Buttons (staff buttons, authorised again on each press, see `bot.handlers.staff.alerts`):
`st:pause:<pair>`, `st:user:<person>`, `st:reports:show:<report>`, `st:reports:done:<report>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from babel.core import UnknownLocaleError
from babel.dates import format_datetime

from bot.core.effects import Button, Effect, Keyboard, SendDocument, SendText
from bot.core.models import Pair, Person, Role
from bot.core.ports import UnitOfWork
from bot.i18n import Html, Translator
from bot.services.alerts import Staff

MAX_TEXT = 4096  # Telegram's limit for one message
MAX_CAPTION = 1024


class AlertKind(StrEnum):
    """What raised the alert."""

    CRISIS = "crisis"
    REPORT = "report"
    BLOCK = "block"


@dataclass(frozen=True)
class ContextLine:
    """One relayed message of the pair: when, from whom to whom, and its words when known."""

    at: datetime
    writer: str
    reader: str
    words: str | None = None  # None: not kept


@dataclass(frozen=True)
class SafetyAlert:
    """What staff need to act: which alert, which pair, what happened, what was written."""

    kind: AlertKind
    report_id: int
    pair_id: int | None  # None: a report not about a current mentorship
    subject_id: int  # whose case the alert opens (the writer, reporter or blocker)
    subject: str  # their pseudonym
    partner: str  # the other member's pseudonym ("" without a pair)
    summary: Sequence[str]  # what happened, HTML lines in the staff's language
    at: datetime
    pausable: bool  # the pair is active (a pause button)
    urgent: bool  # the safety lane
    lines: Sequence[ContextLine]  # oldest first


def describe(person: Person | None, t: Translator) -> Html:
    """How staff see a person in an alert: pseudonym in bold and role, never an id."""
    if person is None:
        return Html(t._("someone no longer registered"))
    role = t._("mentor") if person.role is Role.MENTOR else t._("mentee")
    return Html(t._("<b>{name}</b> ({role})", name=person.display_name or "", role=role))


def pseudonym(person: Person | None, t: Translator) -> str:
    """A person's pseudonym as staff read it (plain text)."""
    if person is None or not person.display_name:
        return t._("someone no longer registered")
    return person.display_name


def when(at: datetime, language: str) -> str:
    """A time as staff read it, in their language ("4 May 10:00 UTC", "4 mag 10:00 UTC")."""
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    try:
        return format_datetime(moment, "d MMM HH:mm", tzinfo=UTC, locale=language) + " UTC"
    except (UnknownLocaleError, ValueError):
        return f"{moment:%Y-%m-%d %H:%M} UTC"


def label(alert: SafetyAlert, t: Translator) -> str:
    """The alert's name and number, in plain words ("Crisis alert #7", "Report #8")."""
    if alert.kind is AlertKind.CRISIS:
        return t._("Crisis alert #{id}", id=alert.report_id)
    if alert.kind is AlertKind.BLOCK:
        return t._("Block report #{id}", id=alert.report_id)
    if alert.urgent:
        return t._("Priority report #{id}", id=alert.report_id)
    return t._("Report #{id}", id=alert.report_id)


def alert_buttons(alert: SafetyAlert, t: Translator) -> Keyboard:
    """Pause the pair (when active), open the case, show the messages (when there is a pair),
    mark handled. (Button labels are plain text: names go in unescaped.)"""
    first: list[Button] = []
    if alert.pausable and alert.pair_id is not None:
        first.append(Button(t._("⏸ Pause the pair"), f"st:pause:{alert.pair_id}"))
    case = t._("📂 Open {name}'s case", name=Html(alert.subject))
    first.append(Button(case, f"st:user:{alert.subject_id}"))
    second: list[Button] = []
    if alert.pair_id is not None:
        second.append(Button(t._("💬 Show the messages"), f"st:reports:show:{alert.report_id}"))
    second.append(Button(t._("✅ Mark handled"), f"st:reports:done:{alert.report_id}"))
    return (tuple(first), tuple(second))


def _head(alert: SafetyAlert, t: Translator) -> list[str]:
    icon = "🚨" if alert.urgent else "⚠️"
    return [f"{icon} <b>{label(alert, t)}</b> · {when(alert.at, t.language)}", *alert.summary]


def _line(line: ContextLine, t: Translator) -> str:
    if line.words is None:
        return t._(
            "{when} · {writer} → {reader}: a message (mentorbot keeps no words)",
            when=when(line.at, t.language),
            writer=line.writer,
            reader=line.reader,
        )
    return t._(
        "{when} · {writer} → {reader}: «{words}»",
        when=when(line.at, t.language),
        writer=line.writer,
        reader=line.reader,
        words=line.words,
    )


def _context_title(t: Translator) -> str:
    return t._(
        "<b>The pair's latest messages, oldest first</b> (a record of their conversation for "
        "you, not messages to you):"
    )


def safety_alert(staff: Staff, alert: SafetyAlert, t: Translator) -> list[Effect]:
    """The alert for every staff chat: one message, or (too long) one message and one
    document; in the safety lane when urgent."""
    buttons = alert_buttons(alert, t)
    if alert.lines:
        context = ["", _context_title(t), *(_line(line, t) for line in alert.lines)]
    elif alert.pair_id is not None:
        context = ["", t._("The pair has no relayed messages yet.")]
    else:
        context = []
    whole = "\n".join([*_head(alert, t), *context])
    urgent = alert.urgent
    effects: list[Effect] = []
    if len(whole) <= MAX_TEXT:
        for chat_id in staff.chat_ids:
            effects.append(SendText(chat_id=chat_id, text=whole, buttons=buttons, safety=urgent))
        return effects
    short = "\n".join(
        [*_head(alert, t), "", t._("The pair's latest messages are in the file below.")]
    )[:MAX_TEXT]
    document = _transcript(alert, t)
    caption = t._(
        "{alert}: the latest messages of {writer} and {partner}, oldest first (a record for "
        "you, not messages to you)",
        alert=Html(label(alert, t)),
        writer=alert.subject,
        partner=alert.partner,
    )[:MAX_CAPTION]
    for chat_id in staff.chat_ids:
        effects.append(SendText(chat_id=chat_id, text=short, buttons=buttons, safety=urgent))
        effects.append(
            SendDocument(
                chat_id=chat_id,
                filename=f"{alert.kind.value}-alert-{alert.report_id}.txt",
                content=document,
                caption=caption,
                safety=urgent,
            )
        )
    return effects


def _transcript(alert: SafetyAlert, t: Translator) -> bytes:
    """The context as plain text for the document (values as they are: no HTML here)."""
    head = t._(
        "{alert}, {when}: {writer} and {partner}. Their latest messages, oldest "
        "first - a record for you, not messages to you.",
        alert=Html(label(alert, t)),
        when=when(alert.at, t.language),
        writer=Html(alert.subject),
        partner=Html(alert.partner),
    )
    no_words = t._("(mentorbot keeps no words)")
    rows = [
        f"{when(line.at, t.language)} | {line.writer} -> {line.reader}: "
        + (line.words if line.words is not None else no_words)
        for line in alert.lines
    ]
    return ("\n\n".join([head, *rows]) + "\n").encode("utf-8")


async def latest_messages(
    uow: UnitOfWork,
    pair: Pair,
    names: Mapping[int, str],
    limit: int,
    current: ContextLine | None = None,
    current_source: tuple[int, int] | None = None,
) -> list[ContextLine]:
    """The pair's latest relayed messages, oldest first, each message once, ending with
    `current` when given (the message that raised the alert, not relayed yet)."""
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
    return [*reversed(lines), *([current] if current else [])]
