"""Onboarding: from `/start` to a saved profile, one question at a time.

```mermaid
stateDiagram-v2
    [*] --> language
    language --> consent
    consent --> [*]: declines
    consent --> program: agrees
    consent --> birthdate: agrees, program came with the link
    program --> birthdate
    program --> role: already 18+ checked
    birthdate --> role: 18+ (the age check: flows/onboarding_age.py)
    birthdate --> [*]: under 18, confirmed (refused and locked)
    role --> goals
    goals --> interests --> experiences --> languages
    languages --> capacity: mentor
    languages --> timezone: mentee
    capacity --> timezone
    timezone --> timezone: unknown place (suggestions)
    timezone --> hour --> display_name --> confirm
    confirm --> program: start over (asked again unless it came with the link)
    confirm --> [*]: confirmed (profile saved)
```
The program comes before the age check, so that a lock always belongs to a program (and its
organisation's staff can review and lift it).
State ids (`onboarding.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import replace

from bot.core.effects import Button
from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State
from bot.core.models import Role
from bot.core.parsing.timezones import parse_hour, resolve_time_zone
from bot.core.programs import ChoiceQuestion, Program
from bot.i18n import Html, language_name
from bot.messages.matching import FIND_MENTOR
from bot.messages.texts import privacy_summary
from flows.choices import MultiSelect, rows
from flows.onboarding_age import BIRTHDATE, BirthdateCheckState, BirthdateState

NAME = "onboarding"
LANGUAGE = "onboarding.language"
CONSENT = "onboarding.consent"
ROLE = "onboarding.role"
PROGRAM = "onboarding.program"
GOALS = "onboarding.goals"
INTERESTS = "onboarding.interests"
EXPERIENCES = "onboarding.experiences"
LANGUAGES = "onboarding.languages"
CAPACITY = "onboarding.capacity"
TIMEZONE = "onboarding.timezone"
HOUR = "onboarding.hour"
DISPLAY_NAME = "onboarding.display_name"
CONFIRM = "onboarding.confirm"

HOURS = (8, 12, 18, 20)
_NAME_FORBIDDEN = re.compile(r"@|https?:|www\.|t\.me/|\d{5,}|[<>\n]", re.IGNORECASE)


def program_of(ctx: Context) -> Program | None:
    """The program chosen so far (from the link or the program question)."""
    return ctx.programs.get(ctx.data.get("program"))


def role_of(ctx: Context) -> Role:
    """The role chosen so far."""
    return Role(ctx.data.get("role", Role.MENTEE))


class LanguageState(State):
    id = LANGUAGE

    def prompt(self, ctx: Context) -> Prompt:
        text = ctx.t._(
            "Hi! I'm mentorbot. I connect people with a volunteer mentor and walk "
            "them through their program step by step.\n\nWhich language would you "
            "like to use?"
        )
        options = [Choice(code, language_name(code)) for code in ("en", "it")]
        return Prompt(text, rows(options))

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return Outcome.go(CONSENT, person=replace(ctx.person, language=value))


class ConsentState(State):
    id = CONSENT

    def prompt(self, ctx: Context) -> Prompt:
        text = privacy_summary(ctx.t) + "\n\n" + ctx.t._("Do you agree to continue?")
        return Prompt(
            text, ((Choice("yes", ctx.t._("I agree")), Choice("no", ctx.t._("No, thanks"))),)
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == "no":
            return Outcome.done(
                ctx.t._(
                    "No problem. Without your agreement we can't continue, and we keep "
                    "nothing about you except your chat id and language. Send /start if you "
                    "change your mind."
                )
            )
        return Outcome.go(PROGRAM, person=replace(ctx.person, consent_at=ctx.now))


class RoleState(State):
    id = ROLE

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._("Thank you! Would you like a mentor, or to be a mentor?"),
            (
                (Choice(Role.MENTEE.value, ctx.t._("I'd like a mentor")),),
                (Choice(Role.MENTOR.value, ctx.t._("I'd like to volunteer as a mentor")),),
            ),
        )

    def skip(self, ctx: Context) -> bool:
        return "role" in ctx.data  # chosen before the program (a conversation stored earlier)

    def next_state(self, ctx: Context) -> str:
        return GOALS

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        # a conversation stored before the program came first may not have one yet
        after = GOALS if program_of(ctx) is not None else PROGRAM
        return Outcome.go(after, data={**ctx.data, "role": value})


class ProgramState(State):
    id = PROGRAM

    def skip(self, ctx: Context) -> bool:
        return program_of(ctx) is not None

    def next_state(self, ctx: Context) -> str:
        return BIRTHDATE

    def prompt(self, ctx: Context) -> Prompt:
        lang = ctx.t.language
        lines = [ctx.t._("Which program are you joining?")]
        lines += [
            f"• <b>{html.escape(p.name.get(lang))}</b>: {html.escape(p.summary.get(lang))}"
            for p in ctx.programs
        ]
        return Prompt(
            "\n\n".join(lines),
            rows([Choice(p.code, p.name.get(lang)) for p in ctx.programs], per_row=1),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return Outcome.go(BIRTHDATE, data={**ctx.data, "program": value})


class ProfileQuestion(MultiSelect):
    """One of the program's multiple-choice profile questions."""

    field: str = ""
    next_id: str = ""

    def question_of(self, ctx: Context) -> ChoiceQuestion:
        program = program_of(ctx)
        assert program is not None, "profile questions come after the program"
        question: ChoiceQuestion = getattr(program.profile, self.field)
        return question

    def question(self, ctx: Context) -> str:
        q = self.question_of(ctx)
        text = q.mentor if role_of(ctx) is Role.MENTOR else q.mentee
        return html.escape(text.get(ctx.t.language))

    def options(self, ctx: Context) -> Sequence[Choice]:
        lang = ctx.t.language
        return [Choice(o.id, o.label.get(lang)) for o in self.question_of(ctx).options]

    def minimum(self, ctx: Context) -> int:
        return self.question_of(ctx).min_choices

    def after(self, ctx: Context) -> str:
        return self.next_id


class GoalsState(ProfileQuestion):
    id, key, field, next_id = GOALS, "goals", "goals", INTERESTS


class InterestsState(ProfileQuestion):
    id, key, field, next_id = INTERESTS, "interests", "interests", EXPERIENCES


class ExperiencesState(ProfileQuestion):
    id, key, field, next_id = EXPERIENCES, "experiences", "experiences", LANGUAGES


class LanguagesState(ProfileQuestion):
    id, key, field = LANGUAGES, "languages", "languages"

    def initial(self, ctx: Context) -> list[str]:
        offered = {c.value for c in self.options(ctx)}
        return [ctx.t.language] if ctx.t.language in offered else []

    def after(self, ctx: Context) -> str:
        return CAPACITY if role_of(ctx) is Role.MENTOR else TIMEZONE


class CapacityState(State):
    id = CAPACITY

    def prompt(self, ctx: Context) -> Prompt:
        program = program_of(ctx)
        most = program.max_mentees_per_mentor if program else 1
        options = [Choice(str(n), str(n)) for n in range(1, most + 1)]
        return Prompt(
            ctx.t._("How many mentees could you support at the same time?"),
            rows(options, per_row=4),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return Outcome.go(TIMEZONE, data={**ctx.data, "capacity": int(value)})


class TimezoneState(State):
    id = TIMEZONE
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        suggestions = ctx.data.get("tz_suggestions") or []
        text = ctx.t._(
            "Which city are you in? Type its name (or a time zone such as Europe/Rome). "
            "We use it to send you messages at a good time."
        )
        if suggestions:
            text += "\n\n" + ctx.t._("Did you mean one of these?")
        options = [Choice(str(i), zone) for i, zone in enumerate(suggestions)]
        return Prompt(text, rows(options, per_row=1))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        match = resolve_time_zone(text)
        if match.zone:
            return self._chosen(ctx, match.zone)
        data = {**ctx.data, "tz_suggestions": list(match.suggestions)}
        hint = ctx.t._(
            "I don't know that place. Please type a nearby big city or a time "
            "zone such as Europe/Rome."
        )
        if match.suggestions:
            hint = ctx.t._("I'm not sure which place you mean.")
        return Outcome.again(hint, data=data)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return self._chosen(ctx, ctx.data["tz_suggestions"][int(value)])

    def _chosen(self, ctx: Context, zone: str) -> Outcome:
        data = {k: v for k, v in ctx.data.items() if k != "tz_suggestions"}
        return Outcome.go(HOUR, data={**data, "time_zone": zone}, chosen=zone)


class HourState(State):
    id = HOUR
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        options = [Choice(str(h), f"{h:02d}:00") for h in HOURS]
        return Prompt(
            ctx.t._(
                "At what time of day would you like to receive program "
                "messages? Tap one, or type an hour such as 19:00."
            ),
            rows(options, per_row=4),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return Outcome.go(DISPLAY_NAME, data={**ctx.data, "hour": int(value)})

    def on_text(self, ctx: Context, text: str) -> Outcome:
        hour = parse_hour(text)
        if hour is None:
            return Outcome.hint(
                ctx.t._("Please type a whole hour between 0 and 23, for example 19:00.")
            )
        return self.on_choice(ctx, str(hour))


class DisplayNameState(State):
    id = DISPLAY_NAME
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "Last question: what name should your match see? Type your first "
                "name or a nickname. <b>They will see only this</b>, "
                "never your Telegram name, username or phone number."
            )
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        name = " ".join(text.split())
        if not 2 <= len(name) <= 32 or _NAME_FORBIDDEN.search(text):
            return Outcome.hint(
                ctx.t._(
                    "Please choose a name of 2 to 32 characters, without links, @usernames or "
                    "phone numbers."
                )
            )
        return Outcome.go(CONFIRM, data={**ctx.data, "display_name": name})


class ConfirmState(State):
    id = CONFIRM

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            summary(ctx),
            ((Choice("ok", ctx.t._("Confirm")), Choice("redo", ctx.t._("Start over"))),),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == "redo":
            keep = {k: v for k, v in ctx.data.items() if k == "link_program"}
            if "link_program" in keep:
                keep["program"] = keep["link_program"]
            return Outcome.go(PROGRAM, data=keep)
        d = ctx.data
        role = role_of(ctx)
        person = replace(
            ctx.person,
            role=role,
            program=d["program"],
            display_name=d["display_name"],
            goals=tuple(d.get("goals", ())),
            interests=tuple(d.get("interests", ())),
            experiences=tuple(d.get("experiences", ())),
            languages=tuple(d.get("languages", ())),
            time_zone=d["time_zone"],
            preferred_hour=int(d["hour"]),
            capacity=int(d["capacity"]) if role is Role.MENTOR else None,
            onboarded_at=ctx.now,
        )
        program = program_of(ctx)
        program_name = program.name.get(ctx.t.language) if program else ""
        if role is Role.MENTOR:
            done = _mentor_welcome(ctx, program, d["display_name"], program_name)
        else:
            done = ctx.t._(
                "You're all set, {name}! You're registered in {program}. Tap the button below "
                "(or send /findmentor) and we'll look for a mentor who shares your goals.",
                name=d["display_name"],
                program=program_name,
            )
            find = ((Button(text=ctx.t._("🔎 Find a mentor"), data=FIND_MENTOR),),)
            return Outcome.done(done, buttons=find, person=person, chosen=ctx.t._("Confirmed"))
        return Outcome.done(done, person=person, chosen=ctx.t._("Confirmed"))


def _mentor_welcome(ctx: Context, program: Program | None, name: str, program_name: str) -> str:
    """What comes next for a new mentor, as their program has it: the training (if it has one),
    then the team's review (if it approves mentors) — never a step the program doesn't have."""
    trains = program is None or program.training is not None
    reviews = program is None or program.mentor_approval
    if trains and reviews:
        return ctx.t._(
            "Thank you for volunteering, {name}! You're registered as a mentor in "
            "{program}. Next, please complete the short volunteer training with "
            "/training, at your own pace; then the program team will review your profile "
            "and contact you here.",
            name=name,
            program=program_name,
        )
    if trains:
        return ctx.t._(
            "Thank you for volunteering, {name}! You're registered as a mentor in {program}. "
            "Next, please complete the short volunteer training with /training, at your own "
            "pace; once you've passed it, mentees can be proposed to you here.",
            name=name,
            program=program_name,
        )
    if reviews:
        return ctx.t._(
            "Thank you for volunteering, {name}! You're registered as a mentor in {program}. "
            "The program team will review your profile and contact you here.",
            name=name,
            program=program_name,
        )
    return ctx.t._(
        "Thank you for volunteering, {name}! You're registered as a mentor in {program}. "
        "Mentees can now be proposed to you: I'll write to you here when one is.",
        name=name,
        program=program_name,
    )


def summary(ctx: Context) -> str:
    """The answers so far, for the person to check."""
    program = program_of(ctx)
    lang = ctx.t.language
    d = ctx.data

    def labels(field: str) -> str:
        if program is None:
            return ""
        question: ChoiceQuestion = getattr(program.profile, field)
        chosen = [o.label.get(lang) for o in question.options if o.id in d.get(field, ())]
        return html.escape(", ".join(chosen)) or "—"

    role = ctx.t._("Mentor") if role_of(ctx) is Role.MENTOR else ctx.t._("Mentee")
    lines = [
        ctx.t._("Please check your answers:"),
        ctx.t._("<b>Name your match sees:</b> {value}", value=d.get("display_name", "")),
        ctx.t._("<b>Role:</b> {value}", value=role),
        ctx.t._("<b>Program:</b> {value}", value=program.name.get(lang) if program else ""),
        ctx.t._("<b>Goals:</b> {value}", value=Html(labels("goals"))),
        ctx.t._("<b>Interests:</b> {value}", value=Html(labels("interests"))),
        ctx.t._("<b>Experiences:</b> {value}", value=Html(labels("experiences"))),
        ctx.t._("<b>Languages:</b> {value}", value=Html(labels("languages"))),
    ]
    if role_of(ctx) is Role.MENTOR:
        lines.append(ctx.t._("<b>Mentees at a time:</b> {value}", value=d.get("capacity", "")))
    lines += [
        ctx.t._("<b>Time zone:</b> {value}", value=d.get("time_zone", "")),
        ctx.t._("<b>Messages at:</b> {value}", value=f"{int(d.get('hour', 0)):02d}:00"),
    ]
    return "\n".join(lines)


FLOW = Flow(
    NAME,
    LANGUAGE,
    {
        s.id: s
        for s in (
            LanguageState(),
            ConsentState(),
            BirthdateState(after=ROLE),
            BirthdateCheckState(after=ROLE),
            RoleState(),
            ProgramState(),
            GoalsState(),
            InterestsState(),
            ExperiencesState(),
            LanguagesState(),
            CapacityState(),
            TimezoneState(),
            HourState(),
            DisplayNameState(),
            ConfirmState(),
        )
    },
)
