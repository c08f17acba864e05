"""Longer texts shown in several places (privacy summary, refusals), in one spot."""

from __future__ import annotations

from bot.core.kept import kept_for_lines, kept_lines
from bot.core.privacy import Retention
from bot.i18n import Translator


def privacy_summary(t: Translator) -> str:
    """The plain-language privacy summary shown before consent (/privacy has the full text)."""
    return t._(
        "<b>Your privacy, in plain words</b>\n"
        "• <b>What we keep:</b> your answers here (role, program, goals, interests, languages, "
        "time zone, preferred hour, the name you choose), your year of birth and whether you are "
        "18 or over. Never your full date of birth, and never your Telegram name, username or "
        "phone number.\n"
        "• <b>Why:</b> to match you with the right person and to send program messages at a "
        "good time for you.\n"
        "• <b>Who sees it:</b> the program team of the nonprofit running your program. The "
        "person you are matched with sees only the name you choose.\n"
        "• <b>How long:</b> while you take part; records of relayed messages are deleted after "
        "a fixed time. /privacy tells you more, /mydata sends you a copy of your data and "
        "/forgetme erases it, at any time.\n"
        "• You can stop at any moment with /cancel."
    )


def privacy_notice(t: Translator, retention: Retention) -> str:
    """The full plain-language notice shown by /privacy. Its "What we keep" and "How long"
    lines are `bot.core.kept`'s, the list the README and the schema are checked against."""
    return "\n\n".join(
        (
            t._("<b>Your privacy, in plain words</b>"),
            "\n".join([t._("<b>What we keep about you</b>"), *(f"• {x}" for x in kept_lines(t))]),
            t._(
                "<b>Why</b>\n"
                "To match you with the right person, to pass messages between you without "
                "revealing who you are, to send program messages at a good time for you, and to "
                "keep everyone safe."
            ),
            t._(
                "<b>Who can see it</b>\n"
                "The staff of the nonprofit running your program. The person you are matched "
                "with never sees your Telegram id, username, phone number or the rest of your "
                "profile: only the name you chose and the messages you send them."
            ),
            "\n".join([t._("<b>How long</b>"), *(f"• {x}" for x in kept_for_lines(t, retention))]),
            t._(
                "<b>Your choices</b>\n"
                "• /mydata sends you a file with everything we keep about you.\n"
                "• /forgetme erases it: your mentorships end (your partner is only told that "
                "the mentorship has ended) and you start afresh if you write again."
            ),
        )
    )


def under_age_refusal(t: Translator, min_age: int, youth_services: str | None) -> str:
    """The kind refusal for someone under the minimum age."""
    text = t._(
        "Thank you for telling us. Mentorbot is only for people aged {min_age} and over, so we "
        "can't sign you up, and we won't ask again.",
        min_age=min_age,
    )
    services = youth_services or t._(
        "If you would like support, a teacher, a school counsellor or a local youth service can "
        "help you find a mentoring program for young people. In an emergency, call your local "
        "emergency number (112 in Europe)."
    )
    return f"{text}\n\n{services}"


def locked_reply(t: Translator, min_age: int, reference: int | None = None) -> str:
    """The reply to anything a person locked by the age check sends later, with the reference
    to give the program team (not in a button's alert, which is plain text)."""
    text = t._(
        "Sorry, mentorbot is only for people aged {min_age} and over. If you think this is a "
        "mistake, please contact the program team that gave you the link.",
        min_age=min_age,
    )
    if reference is None:
        return text
    return text + " " + t._("Your reference: <code>{reference}</code>.", reference=reference)
