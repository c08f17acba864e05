"""What people see while they wait for a match, and what a mentor sees when asked.

Proposal buttons carry `mp:<proposal>:accept`, `mp:<proposal>:decline` and, for the reason of a
decline, `mp:<proposal>:r:<reason>`. The mentor sees an anonymised profile: no name, no
Telegram details, only the answers that matter for matching.
"""

from __future__ import annotations

import html
from datetime import datetime

from babel.dates import format_datetime

from bot.core.effects import Button, SendText
from bot.core.models import Person, Proposal, Role
from bot.core.planning import recipient
from bot.core.programs import ChoiceQuestion, Program
from bot.i18n import N_, Html, Translator

PROPOSAL_PREFIX = "mp:"
FIND_MENTOR = "mm:find"  # the "Find a mentor" button of a mentee who is not matched yet
DECLINE_REASONS: dict[str, str] = {
    "busy": N_("No time right now"),
    "fit": N_("Not a good fit for me"),
    "language": N_("Language or time zone"),
    "other": N_("Another reason"),
}


def _labels(question: ChoiceQuestion, chosen: tuple[str, ...], lang: str) -> Html:
    names = [o.label.get(lang) for o in question.options if o.id in chosen]
    return Html(html.escape(", ".join(names)) or "—")


def mentee_profile(mentee: Person, program: Program, t: Translator) -> list[str]:
    """The anonymised profile of a mentee, as a mentor reads it (on a proposal, then with
    /partner): the answers that matter for matching, no name, no Telegram details."""
    lang = t.language
    return [
        t._("<b>Goals:</b> {value}", value=_labels(program.profile.goals, mentee.goals, lang)),
        t._(
            "<b>Interests:</b> {value}",
            value=_labels(program.profile.interests, mentee.interests, lang),
        ),
        t._(
            "<b>Experiences:</b> {value}",
            value=_labels(program.profile.experiences, mentee.experiences, lang),
        ),
        t._(
            "<b>Languages:</b> {value}",
            value=_labels(program.profile.languages, mentee.languages, lang),
        ),
        t._("<b>Time zone:</b> {value}", value=mentee.time_zone or "UTC"),
    ]


def mentor_profile(mentor: Person, program: Program, t: Translator) -> list[str]:
    """What a mentee may see of their mentor: what they can help with, the fields they know,
    their languages and time zone (not their experiences, no Telegram details)."""
    lang = t.language
    return [
        t._(
            "<b>Can help with:</b> {value}",
            value=_labels(program.profile.goals, mentor.goals, lang),
        ),
        t._(
            "<b>Fields they know well:</b> {value}",
            value=_labels(program.profile.interests, mentor.interests, lang),
        ),
        t._(
            "<b>Languages:</b> {value}",
            value=_labels(program.profile.languages, mentor.languages, lang),
        ),
        t._("<b>Time zone:</b> {value}", value=mentor.time_zone or "UTC"),
    ]


def partner_card(viewer: Person, partner: Person, program: Program, t: Translator) -> str:
    """`partner` as `viewer` may see them (/partner, and pinned when the pair is formed)."""
    name = partner.display_name or ""
    where = program.name.get(t.language)
    if viewer.role is Role.MENTOR:
        title = t._("👤 <b>Your mentee {name}</b> ({program})", name=name, program=where)
        lines = mentee_profile(partner, program, t)
    else:
        title = t._("👤 <b>Your mentor {name}</b> ({program})", name=name, program=where)
        lines = mentor_profile(partner, program, t)
    return "\n".join([title, *lines])


def no_partner(person: Person, t: Translator) -> str:
    """/partner from someone with no pair."""
    if person.role is Role.MENTOR:
        return t._(
            "You don't have a mentee yet. We'll tell you here as soon as one is matched with you."
        )
    if person.role is Role.MENTEE:
        return t._("You don't have a mentor yet. Send /findmentor to ask for one.")
    return t._("Please finish signing up first: send /start.")


def proposal_message(
    proposal: Proposal, mentee: Person, mentor: Person, program: Program, t: Translator
) -> SendText:
    """The anonymised profile of a mentee, offered to a mentor, with Accept / Decline (the
    goals they share are counted only when there are some)."""
    shared = set(mentee.goals) & set(mentor.goals)
    lines = [
        t._(
            "🤝 <b>A mentee in {program} would like a mentor.</b>",
            program=program.name.get(t.language),
        ),
        *mentee_profile(mentee, program, t),
    ]
    if shared:
        lines.append(
            t.n_("You share {n} goal with them.", "You share {n} goals with them.", len(shared))
        )
    lines.append(
        t._(
            "Please answer by {deadline}. If you don't, we'll ask another mentor.",
            deadline=_when(proposal.deadline, mentor, t),
        )
    )
    data = f"{PROPOSAL_PREFIX}{proposal.id}"
    buttons = (
        (
            Button(text=t._("Accept"), data=f"{data}:accept"),
            Button(text=t._("Decline"), data=f"{data}:decline"),
        ),
    )
    return SendText(chat_id=mentor.chat_id, text="\n".join(lines), buttons=buttons)


def decline_reasons(proposal: Proposal, mentor: Person, t: Translator) -> SendText:
    """Ask why the mentor declines (one tap)."""
    data = f"{PROPOSAL_PREFIX}{proposal.id}:r:"
    buttons = tuple(
        (Button(text=t._(label), data=f"{data}{code}"),) for code, label in DECLINE_REASONS.items()
    )
    return SendText(
        chat_id=mentor.chat_id,
        text=t._(
            "Thank you for letting us know. Why are you declining? (It helps us match better.)"
        ),
        buttons=buttons,
    )


def waiting_message(person: Person, position: int, asked: bool, t: Translator) -> SendText:
    """Where the mentee is in the queue."""
    if asked:
        text = t._(
            "🔎 We've asked a mentor who fits your goals. You're number {n} in the queue; "
            "we'll tell you here as soon as they answer.",
            n=position,
        )
    else:
        text = t._(
            "🔎 No mentor is free right now. You're number {n} in the queue, and we'll "
            "tell you here as soon as a mentor is available.",
            n=position,
        )
    return SendText(chat_id=person.chat_id, text=text)


def matched_messages(
    mentee: Person, mentor: Person, program: Program, t_mentee: Translator, t_mentor: Translator
) -> list[SendText]:
    """Both sides get their partner's profile (`partner_card`), pinned at the start of the
    conversation, and are told who their match is (by display name only) and how to talk."""
    told = [
        SendText(
            chat_id=mentee.chat_id,
            text=t_mentee._(
                "🎉 You're matched with <b>{name}</b>, a mentor in {program}! Write here and "
                "the bot passes your messages on: they see only your chosen name, never your "
                "Telegram details. Your first program step arrives soon.",
                name=mentor.display_name or "",
                program=program.name.get(t_mentee.language),
            ),
        ),
        SendText(
            chat_id=mentor.chat_id,
            text=t_mentor._(
                "🎉 You're now the mentor of <b>{name}</b> in {program}. Write here and the bot "
                "passes your messages on: they see only your chosen name, never your Telegram "
                "details. Your first program step arrives soon.",
                name=mentee.display_name or "",
                program=program.name.get(t_mentor.language),
            ),
        ),
    ]
    cards = [
        SendText(
            chat_id=mentee.chat_id,
            text=partner_card(mentee, mentor, program, t_mentee),
            pin=True,
        ),
        SendText(
            chat_id=mentor.chat_id,
            text=partner_card(mentor, mentee, program, t_mentor),
            pin=True,
        ),
    ]
    return [cards[0], told[0], cards[1], told[1]]


def _when(at: datetime, person: Person, t: Translator) -> str:
    zone = recipient(person.time_zone, person.preferred_hour).zone
    return format_datetime(at, "EEE d MMM, HH:mm", tzinfo=zone, locale=t.language)
