"""A person's case file as staff read it (`/user`, and the top of every case topic of the staff
inbox): who they are, their sign-up answers, approval and training, each pair past and present
with its dates, health, steps and check-ins and how it ended, reports by and about them, staff
notes, and buttons for what staff can do next. Names and words only: never a Telegram id, a
database id or a stored code. The facts are gathered by `bot.services.case_file`.

Buttons (staff buttons, authorised again on every press): `st:approve:<person>`,
`st:reject:<person>` (a pending mentor), `st:pause|resume|unpair:<pair>` (a current pair),
`st:user:msg:<person>` and `st:user:note:<person>` (how to write to them, how to add a note).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date

from bot.core.effects import Button, Keyboard
from bot.core.health import HealthBucket
from bot.core.models import Pair, PairStatus, Person, Report, ReportStatus, Role
from bot.core.programs import ChoiceQuestion, Program
from bot.core.staff import PersonFlag, StaffNote
from bot.i18n import Html, Translator
from bot.messages.pair_history import ended_line
from bot.messages.reasons import REJECT_REASONS, reason_in_words, report_reason
from bot.messages.staff import STAFF_PREFIX, bucket_label, esc, role_label, status_of

MAX_TEXT = 4096  # Telegram's limit for one message
NOTE_CAP = 1000  # characters of a note shown (a /note is at most that long)
PROFILE_FIELDS = ("goals", "interests", "experiences", "languages")


@dataclass(frozen=True)
class Training:
    """Where a mentor stands with the program's training."""

    needed: bool
    passed_at: datetime | None = None
    modules_passed: int = 0
    modules: int = 0
    correct: int = 0  # right answers over the modules taken (their latest attempt)
    questions: int = 0


@dataclass(frozen=True)
class PairStory:
    """One pair of the person, as the case file tells it."""

    pair: Pair
    partner: Person | None
    bucket: HealthBucket
    steps_sent: int  # curriculum steps delivered to the person
    steps: int  # the person's steps in the curriculum
    checkins: int  # check-in answers the person gave
    rating: int | None  # the person's latest 1-5 rating of the mentorship


@dataclass(frozen=True)
class CaseFacts:
    """Everything the case file shows, read by `bot.services.case_file.case_facts`."""

    person: Person
    program: Program | None
    training: Training
    flags: Sequence[PersonFlag]
    waiting_since: datetime | None  # a mentee's open request for a mentor
    pairs: Sequence[PairStory]
    reports: Sequence[tuple[Report, Person | None, Person | None]]  # with reporter, reported
    notes: Sequence[StaffNote] = ()
    pending: bool = False  # a mentor waiting for approval


def day(at: datetime | None, t: Translator) -> str:
    """A date as staff read it ("4 May 2026"; "—" for none)."""
    if at is None:
        return "—"
    try:
        return format_date(at, "d MMM yyyy", locale=t.language)
    except (UnknownLocaleError, ValueError):
        return f"{at:%Y-%m-%d}"


def language_name(code: str, t: Translator) -> str:
    """A language's name in the reader's language ("Italian", "italiano")."""
    try:
        name = Locale.parse(code).get_display_name(t.language)
    except (UnknownLocaleError, ValueError):
        return code
    return name or code


def program_name(program: Program | None, t: Translator) -> str:
    """A program's name in the reader's language ("—" for none)."""
    return program.name.get(t.language) if program is not None else "—"


def pseudonym_of(person: Person | None, t: Translator) -> str:
    """The name a person chose (their pseudonym), or words when there is none."""
    if person is None:
        return t._("someone no longer registered")
    return person.display_name or t._("someone who has not chosen a name yet")


def _answers(person: Person, program: Program | None, t: Translator) -> list[str]:
    """The sign-up answers, each question's options in words."""
    if program is None:
        return []
    titles = {
        "goals": t._("Goals"),
        "interests": t._("Interests"),
        "experiences": t._("Experiences"),
        "languages": t._("Languages"),
    }
    lines = []
    for field in PROFILE_FIELDS:
        question: ChoiceQuestion = getattr(program.profile, field)
        chosen = [
            option.label.get(t.language)
            for code in getattr(person, field)
            if (option := question.option(code)) is not None
        ]
        lines.append(f"{titles[field]}: {esc(', '.join(chosen)) or '—'}")
    if person.role is Role.MENTOR:
        lines.append(t._("Mentees at a time: {n}", n=person.capacity or 0))
    return lines


def _identity(facts: CaseFacts, t: Translator) -> list[str]:
    person = facts.person
    hour = f"{person.preferred_hour:02d}:00" if person.preferred_hour is not None else "—"
    lines = [
        t._(
            "📂 <b>{name}</b> · {role}",
            name=pseudonym_of(person, t),
            role=role_label(person.role, t),
        ),
        t._("Program: {program}", program=program_name(facts.program, t)),
        t._(
            "Language: {language} · time zone: {zone} · messages at {hour}",
            language=language_name(person.language, t),
            zone=person.time_zone or "—",
            hour=hour,
        ),
        t._(
            "Joined {joined} · signed up {onboarded}",
            joined=day(person.created_at, t),
            onboarded=day(person.onboarded_at, t) if person.onboarded_at else t._("not yet"),
        ),
    ]
    if person.is_age_locked:
        lines.append(t._("🔒 Locked by the age check"))
    if person.blocked_bot:
        lines.append(t._("Has blocked the bot"))
    return lines


def training_words(training: Training, t: Translator) -> str:
    """The training result in words."""
    if not training.needed:
        return t._("no training needed")
    score = (
        t.n_(
            " ({correct} of {n} answer right)",
            " ({correct} of {n} answers right)",
            training.questions,
            correct=training.correct,
        )
        if training.questions
        else ""
    )
    if training.passed_at is not None:
        return t._("training passed on {when}", when=day(training.passed_at, t)) + score
    return (
        t.n_(
            "training: {passed} of {n} module passed",
            "training: {passed} of {n} modules passed",
            training.modules,
            passed=training.modules_passed,
        )
        + score
    )


def _standing(facts: CaseFacts, t: Translator) -> list[str]:
    """Approval, training, decisions, waiting for a mentor."""
    person, lines = facts.person, []
    if person.role is Role.MENTOR:
        if person.approved_at is not None:
            approval = t._("Approved on {when}", when=day(person.approved_at, t))
        elif facts.pending:
            approval = t._("Waiting for approval")
        else:
            approval = t._("Not approved")
        lines.append(f"{approval} · {training_words(facts.training, t)}")
    for flag in facts.flags:
        label = t._("Banned") if flag.kind == "banned" else t._("Not approved")
        reason = reason_in_words(flag.reason, REJECT_REASONS, t)
        lines.append(
            t._("{label} on {when}: {reason}", label=label, when=day(flag.at, t), reason=reason)
        )
    if facts.waiting_since is not None:
        lines.append(t._("Waiting for a mentor since {when}", when=day(facts.waiting_since, t)))
    return lines


def pair_line(story: PairStory, person: Person, t: Translator) -> str:
    """One pair of the person: partner, dates, status or how it ended, progress."""
    pair = story.pair
    partner = t._(
        "with {name} ({role})",
        name=pseudonym_of(story.partner, t),
        role=role_label(Role.MENTOR if pair.mentor_id != person.id else Role.MENTEE, t),
    )
    steps = (
        t._("step {done} of {total}", done=story.steps_sent, total=story.steps)
        if story.steps
        else t._("no steps scheduled")
    )
    answered = t.n_("{n} check-in answered", "{n} check-ins answered", story.checkins)
    progress = f"{steps} · {answered}"
    if story.rating is not None:
        progress += " · " + t._("last rating {n}/5", n=story.rating)
    if pair.status is PairStatus.ENDED:
        dates = t._("{start} – {end}", start=day(pair.started_at, t), end=day(pair.ended_at, t))
        return f"• {partner} · {dates} · {progress}\n  {ended_line(pair, t)}"
    since = t._("since {when}", when=day(pair.started_at, t))
    last = t._("last activity {when}", when=day(pair.last_activity_at or pair.started_at, t))
    health = bucket_label(story.bucket, t)
    return f"• {partner} · {since} · {status_of(pair, t)} · {health}\n  {progress} · {last}"


def _report_line(report: Report, by: Person | None, about: Person | None, t: Translator) -> str:
    head = t._(
        "{when} · by {reporter}",
        when=day(report.created_at, t),
        reporter=pseudonym_of(by, t),
    )
    if report.reported_id is not None:
        head += " " + t._("about {reported}", reported=pseudonym_of(about, t))
    state = (
        t._("open")
        if report.status is ReportStatus.OPEN
        else t._("resolved on {when}", when=day(report.resolved_at, t))
    )
    line = f"• {head} · {esc(report_reason(report.reason, t))} · {state}"
    if report.resolution_note:
        line += "\n  " + t._("Team's note: {note}", note=report.resolution_note[:NOTE_CAP])
    return line


def _note_line(note: StaffNote, t: Translator) -> str:
    return t._(
        "• {when} · {author}: {text}",
        when=day(note.at, t),
        author=note.author_name,
        text=note.text[:NOTE_CAP],
    )


def case_sections(facts: CaseFacts, t: Translator) -> list[list[str]]:
    """The case file's sections, each a list of HTML lines (the first is the identity)."""
    person = facts.person
    sections = [_identity(facts, t) + _standing(facts, t)]
    answers = _answers(person, facts.program, t)
    if answers:
        sections.append([t._("<b>Sign-up answers</b>"), *answers])
    pairs = [pair_line(story, person, t) for story in facts.pairs]
    sections.append([t._("<b>Pairs</b>"), *(pairs or [t._("none yet")])])
    if facts.reports:
        reports = [_report_line(r, by, about, t) for r, by, about in facts.reports]
        sections.append([t._("<b>Reports and alerts</b>"), *reports])
    notes = [_note_line(n, t) for n in facts.notes]
    sections.append([t._("<b>Staff notes</b>"), *(notes or [t._("none yet")])])
    return sections


def pages(sections: Sequence[Sequence[str]], limit: int = MAX_TEXT) -> list[str]:
    """The sections as messages of at most `limit` characters, cut between lines."""
    result: list[str] = []
    current = ""
    for section in sections:
        for n, line in enumerate(section):
            piece = ("\n\n" if n == 0 else "\n") + line if current else line
            if len(current) + len(piece) <= limit:
                current += piece
                continue
            if current:
                result.append(current)
            current = line  # a line is never longer than a message (texts are capped)
    if current:
        result.append(current)
    return result


def case_buttons(facts: CaseFacts, t: Translator) -> Keyboard:
    """What staff can do next: approve or reject a pending mentor; pause, resume or end each
    current pair; how to write to the person; how to add a note."""
    person = facts.person
    rows: list[tuple[Button, ...]] = []
    trained = not facts.training.needed or facts.training.passed_at is not None
    if facts.pending and trained:
        rows.append(
            (
                Button(t._("✅ Approve"), f"{STAFF_PREFIX}approve:{person.id}"),
                Button(t._("✖️ Reject"), f"{STAFF_PREFIX}reject:{person.id}"),
            )
        )
    elif facts.pending:
        rows.append((Button(t._("✖️ Reject"), f"{STAFF_PREFIX}reject:{person.id}"),))
    for story in facts.pairs:
        pair = story.pair
        if pair.status is PairStatus.ENDED:
            continue
        name = Html(pseudonym_of(story.partner, t))  # a button label is plain text
        if pair.status is PairStatus.ACTIVE:
            toggle = Button(
                t._("⏸ Pause with {name}", name=name), f"{STAFF_PREFIX}pause:{pair.id}"
            )
        else:
            toggle = Button(
                t._("▶️ Resume with {name}", name=name), f"{STAFF_PREFIX}resume:{pair.id}"
            )
        end = Button(t._("⏹ End with {name}", name=name), f"{STAFF_PREFIX}unpair:{pair.id}")
        rows.append((toggle, end))
    rows.append(
        (
            Button(t._("💬 Message"), f"{STAFF_PREFIX}user:msg:{person.id}"),
            Button(t._("📝 Add a note"), f"{STAFF_PREFIX}user:note:{person.id}"),
        )
    )
    return tuple(rows)
