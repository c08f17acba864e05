"""What the relay says to people (the relayed messages themselves are copies, not texts).

`/switch` buttons carry `rl:switch:<pair id>`; every press is checked against the presser's
active pairs.
"""

from __future__ import annotations

from bot.core.effects import Button, Keyboard
from bot.core.events import MediaKind
from bot.core.models import Pair, Person, Role
from bot.i18n import Translator

RELAY_PREFIX = "rl:"
SWITCH_PREFIX = "rl:switch:"


def not_paired(t: Translator, role: Role | None, waiting: bool) -> str:
    """The answer to someone who writes with no one to relay to."""
    if role is Role.MENTOR:
        return t._(
            "You don't have a mentee yet, so there's no one to pass your message to. We'll "
            "tell you as soon as a mentee is matched with you; the program team will also be "
            "in touch."
        )
    if waiting:
        return t._(
            "You're waiting for a mentor, so there's no one to pass your message to yet. We'll "
            "tell you as soon as you're matched; the program team will also be in touch."
        )
    return t._(
        "You haven't been matched with a mentor yet, so there's no one to pass your message "
        "to. Send /findmentor to ask for one; the program team will also be in touch."
    )


def reply_to_broadcast(t: Translator) -> str:
    """The answer to a reply to a broadcast: the team's messages are not a conversation."""
    return t._(
        "That message is from the program team, so your reply hasn't been passed on to anyone. "
        "To write to the program team, send /team."
    )


def paused(t: Translator) -> str:
    """The answer to a message for a paused pair."""
    return t._(
        "Your mentorship is paused right now, so your message was not sent. The program team "
        "will be in touch."
    )


def paused_with(t: Translator, name: str) -> str:
    """The answer to a reply to a message of a paused pair (the writer may have others)."""
    return t._(
        "Your mentorship with {name} is paused right now, so your message was not sent to "
        "anyone. The program team will be in touch.",
        name=name,
    )


def unplaced(t: Translator) -> str:
    """The answer to a reply to a message the bot can no longer place (a bot message, or one
    whose record was erased or has expired) by someone with more than one conversation."""
    return t._(
        "I can't tell which of your conversations the message you replied to belongs to, so "
        "I haven't sent yours to anyone. Please send it again without replying to a message "
        "(/switch shows who it goes to)."
    )


def ended(t: Translator, name: str, role: Role | None, others: bool) -> str:
    """The answer to a reply to a message of a pair that has ended: it went to no one, and
    what the writer can do instead."""
    said = t._(
        "Your conversation with {name} has ended, so your message was not sent to anyone.",
        name=name,
    )
    if others:
        then = t._(
            "To write to someone you're still talking with, send your message again without "
            "replying to an old one (/switch shows who it goes to), or reply to one of their "
            "messages."
        )
    elif role is Role.MENTOR:
        then = t._("We'll tell you as soon as a new mentee is matched with you.")
    else:
        then = t._("Send /findmentor if you'd like to be matched with a new mentor.")
    return f"{said}\n{then}"


def paused_by_partner(t: Translator) -> str:
    """What the partner of someone who blocked the bot is told (neutral: no reason given)."""
    return t._("Your mentorship is paused for now; the program team will be in touch.")


def share_warning(t: Translator, kind: str) -> str:
    """The question before a contact or a location is relayed."""
    if kind == MediaKind.LOCATION.value:
        return t._("⚠️ This shares your location with your match. Send it anyway?")
    return t._(
        "⚠️ This shares a phone number (yours, or someone else's) with your match. Send it anyway?"
    )


def choose_prompt(t: Translator) -> str:
    """The question to someone with several mentees when nothing says who a message is for."""
    return t._(
        "You're talking with several people. Who is this message for?\n"
        "<i>Tip: reply to one of their messages to answer them, or use /switch.</i>"
    )


def writing_to(t: Translator, name: str) -> str:
    """The confirmation of a choice of recipient."""
    return t._(
        "Your messages now go to {name}. Reply to someone's message to answer them instead; "
        "/switch changes who you're writing to.",
        name=name,
    )


def only_partner(t: Translator, name: str) -> str:
    """The answer to /switch with a single active pair."""
    return t._("You're talking with {name}: everything you write here goes to them.", name=name)


def switch_prompt(
    t: Translator, pairs: list[tuple[Pair, str]], current: int | None
) -> tuple[str, Keyboard]:
    """The list of people to write to, as buttons (the current one ticked)."""
    rows = tuple(
        (
            Button(
                text=f"✓ {name}" if pair.id == current else name,
                data=f"{SWITCH_PREFIX}{pair.id}",
            ),
        )
        for pair, name in pairs
    )
    return t._("Who do you want to write to?"), rows


def staff_blocked_alert(t: Translator, person: Person, partner: str, program: str) -> str:
    """The staff alert when someone blocked the bot and their pair was paused: names, no ids."""
    return t._(
        "{name} blocked the bot. Their mentorship with {partner} in {program} is paused and "
        "{partner} was told it is paused. Please get in touch.",
        name=person.display_name or "—",
        partner=partner or "—",
        program=program,
    )
