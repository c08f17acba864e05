"""What safeguarding messages look like in the chat.

Buttons: a relationship check-in carries `sg:rate:<pair>:<1-5>`; /block carries
`sg:block:<pair>` (which mentorship), `sg:blockok:<pair>` (confirmed) and `sg:keep` (changed
their mind). Every press is checked against what is stored, never trusted.
"""

from __future__ import annotations

import html

from bot.core.effects import Button, Keyboard, SendText
from bot.i18n import Html, Translator

SAFETY_PREFIX = "sg:"
RATE = "rate"
BLOCK = "block"
BLOCK_CONFIRMED = "blockok"
KEEP = "keep"


def rate_data(pair_id: int, rating: int) -> str:
    """Callback data of a check-in rating."""
    return f"{SAFETY_PREFIX}{RATE}:{pair_id}:{rating}"


def checkin_question(chat_id: int, pair_id: int, partner: str, t: Translator) -> SendText:
    """ "How is your mentorship going?" with one button per rating."""
    return SendText(
        chat_id=chat_id,
        text=checkin_text(partner, t),
        buttons=(tuple(Button(str(n), rate_data(pair_id, n)) for n in range(1, 6)),),
    )


def checkin_text(partner: str, t: Translator) -> str:
    """The check-in question (also shown, answered, after the tap)."""
    return t._(
        "💬 How is your mentorship with {name} going? Tap a number: 1 = not well at all, "
        "5 = very well. Only the program team sees your answer.",
        name=partner,
    )


def crisis_message(chat_id: int, resources: str, t: Translator) -> SendText:
    """Sent to a person who wrote crisis words: care first, then where to get help now."""
    where = html.escape(resources) if resources else ""
    where = where or t._(
        "If you are in danger right now, call 112 or your local emergency number."
    )
    return SendText(
        chat_id=chat_id,
        text=t._(
            "💛 It sounds like you, or someone you are talking about, may be going through "
            "something very hard. You don't have to face it alone.\n\n{resources}\n\nSomeone "
            "from the program team may also get in touch with you.",
            resources=Html(where),
        ),
        safety=True,  # the safety lane: ahead of anything routine queued for this chat
    )


def contact_reminder(chat_id: int, *, contact: bool, payment: bool, t: Translator) -> SendText:
    """A gentle reminder to someone who shared contact details (or money matters) early on."""
    lines = []
    if contact:
        lines.append(
            t._(
                "🔒 A gentle reminder: in the first weeks of a mentorship, please keep your "
                "conversation here, through me, and don't share personal contact details such "
                "as phone numbers, e-mail addresses, usernames or links to profiles. It keeps "
                "you both safe."
            )
        )
    if payment:
        lines.append(
            t._(
                "🔒 Please never ask for or send money, bank or card details, top-ups or gift "
                "cards, even to help. If someone asks you for money, tell the program team "
                "with /report."
            )
        )
    lines.append(t._("Your message was delivered."))
    return SendText(chat_id=chat_id, text="\n\n".join(lines))


def new_mentor_hint(t: Translator) -> str:
    """Told to a mentee whose mentorship ended."""
    return t._("Whenever you're ready, you can ask for a new mentor with /findmentor.")


def partner_closed_message(chat_id: int, name: str, mentee: bool, t: Translator) -> SendText:
    """Told, kindly, to the person whose partner used /end."""
    lines = [
        t._(
            "Your mentorship with {name} has come to an end. Thank you for the time and care "
            "you put into it.",
            name=name,
        )
    ]
    if mentee:
        lines.append(new_mentor_hint(t))
    return SendText(chat_id=chat_id, text="\n\n".join(lines))


def block_confirmation(pair_id: int, name: str, t: Translator) -> tuple[str, Keyboard]:
    """The question before blocking someone, with its buttons."""
    text = t._(
        "Block {name}? Your mentorship ends at once and you can no longer write to each other. "
        "{name} will only be told that the mentorship has ended. The program team will be "
        "informed.",
        name=name,
    )
    buttons = (
        (
            Button(t._("Yes, block"), f"{SAFETY_PREFIX}{BLOCK_CONFIRMED}:{pair_id}"),
            Button(t._("No, go back"), f"{SAFETY_PREFIX}{KEEP}"),
        ),
    )
    return text, buttons


def block_choice(pairs: list[tuple[int, str]], t: Translator) -> tuple[str, Keyboard]:
    """Which mentorship to block, for someone with several."""
    rows = [(Button(name, f"{SAFETY_PREFIX}{BLOCK}:{pair_id}"),) for pair_id, name in pairs]
    rows.append((Button(t._("Cancel"), f"{SAFETY_PREFIX}{KEEP}"),))
    return t._("Who would you like to block?"), tuple(rows)
