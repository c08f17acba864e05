"""Onboarding: from `/start` to a saved profile, one question at a time.

```mermaid
stateDiagram-v2
    [*] --> language: /start
    language --> consent
    consent --> [*]: declines
    consent --> program: agrees (skipped when the program came with the link)
    program --> birthdate: (skipped when already found 18+)
    birthdate --> birthdate: not a usable date (hint)
    birthdate --> role: 18+
    birthdate --> birthdate_check: under 18
    birthdate_check --> birthdate: Change
    birthdate_check --> birthdate_check: another date typed, under 18
    birthdate_check --> role: another date typed, 18+
    birthdate_check --> [*]: Yes (refused and locked)
    role --> goals
    role --> program: no program yet (a conversation stored before it came first)
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
organisation's staff can review and lift it). The states live in four modules: the opening
questions here, the age check in `flows/onboarding_age.py`, the matching questions in
`flows/onboarding_matching.py`, the time, name and confirmation in `flows/onboarding_profile.py`
(their ids and shared readers: `flows/onboarding_ids.py`).
State ids (`onboarding.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

import html
from dataclasses import replace

from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State
from bot.core.models import Role
from bot.messages.texts import privacy_summary
from flows.choices import rows
from flows.onboarding_age import BIRTHDATE, BirthdateCheckState, BirthdateState
from flows.onboarding_ids import CONSENT, GOALS, LANGUAGE, NAME, PROGRAM, ROLE, program_of
from flows.onboarding_matching import (
    CapacityState,
    ExperiencesState,
    GoalsState,
    InterestsState,
    LanguagesState,
)
from flows.onboarding_profile import ConfirmState, DisplayNameState, HourState, TimezoneState

__all__ = ["FLOW", "NAME"]


class LanguageState(State):
    id = LANGUAGE

    def prompt(self, ctx: Context) -> Prompt:
        text = ctx.t._(
            "Hi! I'm mentorbot. I connect people with a volunteer mentor and walk "
            "them through their program step by step.\n\nWhich language would you "
            "like to use?"
        )
        options = [Choice(code, ctx.languages.name(code)) for code in ctx.languages]
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
