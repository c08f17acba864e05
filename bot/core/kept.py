"""What is kept about a person, and for how long: the one list that /privacy shows
(`bot.messages.texts.privacy_notice`), that the README's privacy section states word for word,
and that the database schema is checked against (`tests/unit/test_privacy_kept.py`: every column is
either named here under an item or listed as holding nothing personal).

Adding a column: name it under the item that tells people about it (or add an item, translated,
and the same line to the README), or in `NOT_PERSONAL` if it holds nothing about anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core.privacy import Retention
from bot.i18n import N_, Translator


@dataclass(frozen=True)
class Kept:
    """One line of "What we keep about you" and the columns ("table.column", or "table.*" for
    all of a table) that hold it."""

    what: str
    columns: tuple[str, ...]


KEPT: tuple[Kept, ...] = (
    Kept(
        N_(
            "Your Telegram user id (to reach you), your language, when you joined and agreed to "
            "this notice, and whether you have blocked the bot."
        ),
        (
            "persons.id",
            "persons.chat_id",
            "persons.language",
            "persons.created_at",
            "persons.updated_at",
            "persons.consent_at",
            "persons.onboarded_at",
            "persons.blocked_bot",
        ),
    ),
    Kept(
        N_(
            "Your sign-up answers: role, program, goals, interests, experiences, languages, time "
            "zone, preferred hour, how many mentees you offer to guide, and the name you chose."
        ),
        (
            "persons.role",
            "persons.program",
            "persons.goals",
            "persons.interests",
            "persons.experiences",
            "persons.languages",
            "persons.time_zone",
            "persons.preferred_hour",
            "persons.capacity",
            "persons.display_name",
        ),
    ),
    Kept(
        N_(
            "Your year of birth and whether you are 18 or over. Never your full date of birth, "
            "and never your Telegram name, username or phone number."
        ),
        ("persons.birth_year", "persons.age_status", "persons.age_checked_at"),
    ),
    Kept(
        N_(
            "Your mentorships: when they started, paused or ended and why, the curriculum steps "
            "sent to you, your answers to check-ins, your 1–5 ratings, your training results "
            "and, as a mentor, when you were approved."
        ),
        (
            "pairs.*",
            "scheduled_steps.*",
            "checkin_answers.*",
            "relationship_ratings.*",
            "training_results.*",
            "persons.active_pair_id",
            "persons.training_passed_at",
            "persons.approved_at",
        ),
    ),
    Kept(
        N_(
            "Your requests for a mentor, and the mentees you were asked to guide (with your "
            "reason if you declined)."
        ),
        ("match_requests.*", "proposals.*"),
    ),
    Kept(
        N_(
            "Reports you send with /report, with your words, and the program team's note when "
            "they resolve one. If a message you relay contains words of the program's crisis "
            "list, a report for the program team notes those words (and only them)."
        ),
        ("reports.*",),
    ),
    Kept(
        N_(
            "For relayed messages, only which copy belongs to which message (their ids), never "
            "what you wrote."
        ),
        ("relay_links.*",),
    ),
    Kept(
        N_(
            "A delivery record of each message we send you: its ids, when it was sent and "
            "whether it arrived. Never its words: they are removed as soon as it is delivered "
            "(or could not be)."
        ),
        (
            "outbox.chat_id",
            "outbox.payload",
            "outbox.message_id",
            "outbox.status",
            "outbox.created_at",
            "outbox.sent_at",
            "outbox.finished_at",
        ),
    ),
    Kept(
        N_(
            "The conversation you are having with me and your answers in it so far (for example "
            "the details of a /report you have not sent yet)."
        ),
        ("flow_states.*",),
    ),
    Kept(
        N_(
            "Decisions of the program team about you (a ban or a rejected application, with its "
            "date and reason), the team's notes about you, and a log of what the team did about "
            "you."
        ),
        ("person_flags.*", "staff_notes.*", "audit_log.target", "audit_log.detail"),
    ),
    Kept(
        N_(
            "If you are on a program team: your organisation and role, who added you, what you "
            "did (the audit log), your broadcasts and your drafts waiting to be confirmed."
        ),
        (
            "staff_members.*",
            "audit_log.*",
            "staff_drafts.*",
            "broadcasts.created_by",
            "broadcasts.staff_chat_id",
            "staff_groups.*",
        ),
    ),
    Kept(
        N_(
            "Your conversations with the program team (/team, and the alerts, reports and "
            "approvals about you): when each was opened and closed, and which messages belong "
            "to it (their ids), never their words."
        ),
        ("cases.*", "case_messages.*"),
    ),
)

NOT_PERSONAL = frozenset(
    {
        "seen_updates.*",  # Telegram's update ids, to skip a repeated update
        "outbox.id",
        "outbox.attempts",
        "outbox.not_before",
        "outbox.lease_until",
        "outbox.error",  # the chat app's error text, never a message's words
        "outbox.lane",
        "persons.forgotten_at",  # only on the stand-in row of someone forgotten
        "broadcasts.id",
        "broadcasts.organisation",
        "broadcasts.program",
        "broadcasts.audience",
        "broadcasts.total",
        "broadcasts.sent",
        "broadcasts.failed",
        "broadcasts.progress_message_id",
        "broadcasts.progress_at",
        "broadcasts.created_at",
    }
)
"""Columns that hold nothing about a person (queue mechanics, counts, a stand-in's marker)."""

KEPT_FOR: tuple[str, ...] = (
    N_("Your profile and mentorships: while you take part, until you erase them."),
    N_(
        "Records of relayed messages and of delivered messages (ids and times only): {days}, "
        "then they are deleted automatically."
    ),
    N_(
        "The words of a report (yours, and the program team's note): until {report_days} "
        "after the report is resolved; then only its reason, its dates and who was involved "
        "are kept."
    ),
    N_(
        "If you erase your data while a safeguarding report about you, or by you, is still "
        "open, the program team keeps that report (and only it) until it is resolved, then for "
        "{report_more}."
    ),
    N_(
        "If you were told you are too young to take part, we keep only that decision, so that "
        "the age check cannot be retried."
    ),
    N_(
        "If the program team stopped you from taking part (a ban), we keep that decision, its "
        "date and reason even after you erase your data, so that it still applies if you write "
        "again."
    ),
    N_(
        "A conversation with me and your answers in it: until it ends. One you leave "
        "unfinished is deleted automatically after {idle} without an answer from you."
    ),
    N_(
        "A draft of the program team waiting to be confirmed (a broadcast, a matching): the "
        "words typed into it are deleted a day after it was made, when it can no longer be "
        "confirmed."
    ),
)
"""The lines of "How long", with the retention settings in words ("30 days") as `{days}`,
`{report_days}` (and `{report_more}`: "60 more days") and `{idle}` (`FLOW_IDLE_EXPIRY`)."""


def kept_lines(t: Translator) -> list[str]:
    """The lines of "What we keep about you", translated."""
    return [t._(item.what) for item in KEPT]


def kept_for_lines(t: Translator, retention: Retention) -> list[str]:
    """The lines of "How long", translated, with the configured retention periods."""
    values = {
        "days": duration_words(t, timedelta(days=retention.relay_days)),
        "report_days": duration_words(t, timedelta(days=retention.report_days)),
        "report_more": more_days(t, retention.report_days),
        "idle": duration_words(t, retention.flow_idle),
    }
    return [t._(line, **values) for line in KEPT_FOR]


def more_days(t: Translator, days: int) -> str:
    """A number of days still to come, in words: "60 more days", "1 more day"."""
    return t.n_("{n} more day", "{n} more days", days)


def duration_words(t: Translator, span: timedelta) -> str:
    """`span` in words, in its largest whole unit: "30 days", "12 hours", "90 minutes"."""
    seconds = int(span.total_seconds())
    if seconds and seconds % 86400 == 0:
        return t.n_("{n} day", "{n} days", seconds // 86400)
    if seconds and seconds % 3600 == 0:
        return t.n_("{n} hour", "{n} hours", seconds // 3600)
    if seconds and seconds % 60 == 0:
        return t.n_("{n} minute", "{n} minutes", seconds // 60)
    return t.n_("{n} second", "{n} seconds", seconds)


def covered(column: str) -> bool:
    """True when a "table.column" is named by an item of `KEPT`."""
    table = column.split(".", 1)[0]
    return any(c in (column, f"{table}.*") for item in KEPT for c in item.columns)
