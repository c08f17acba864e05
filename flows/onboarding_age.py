"""The age check of onboarding: the date of birth, and its confirmation before a lock.

```mermaid
stateDiagram-v2
    [*] --> birthdate: program known (asked, or from the link)
    birthdate --> birthdate: not a date / impossible / future (hint)
    birthdate --> role: 18+ (goes straight on)
    birthdate --> birthdate_check: under 18
    birthdate_check --> birthdate: Change
    birthdate_check --> birthdate_check: another date typed, under 18 (checked again)
    birthdate_check --> role: another date typed, 18+
    birthdate_check --> [*]: Yes (refused and locked, owned by the program)
```
Only a date that would lock is confirmed: a typo such as 2010 for 2001 is shown back in words
("14 May 2010 — is that right?") before anything is decided; an adult's date goes on at once,
as it always did. Once confirmed, the lock is final for the person (no retry, no /restart, no
other date): only staff of the program's organisation can lift it (`/locked`, `/ageoverride`).

The full date is never stored: it travels in the flow data under a `SHOWN_ONCE` key, which the
engine uses to render the confirmation and drops before saving; what is kept is the decision,
the birth year and the program the lock belongs to.
State ids (`onboarding.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from bot.core.flow import SHOWN_ONCE, Choice, Context, Outcome, Prompt, State
from bot.core.models import AgeStatus
from bot.core.parsing.birthdate import DateProblem, age_on, parse_birth_date
from bot.i18n import N_, date_in_words
from bot.messages.texts import under_age_refusal

BIRTHDATE = "onboarding.birthdate"
BIRTHDATE_CHECK = "onboarding.birthdate_check"
TYPED_DATE = f"{SHOWN_ONCE}birth_date"
"""The date to confirm, ISO: rendered once, never stored."""
MINOR_YEAR = "minor_year"
"""The birth year of the date to confirm (stored with the flow: only the year)."""

_HINTS = {
    DateProblem.NOT_A_DATE: N_("I couldn't read that as a date."),
    DateProblem.TOO_LONG: N_("That is too long to be a date."),
    DateProblem.IMPOSSIBLE: N_("That date doesn't exist (check the day and the month)."),
    DateProblem.TWO_DIGIT_YEAR: N_("Please write the year in full, with four digits."),
    DateProblem.IN_FUTURE: N_("That date is in the future."),
    DateProblem.TOO_OLD: N_("That date is more than 120 years ago."),
}


def _without_check(data: Mapping[str, Any]) -> dict[str, Any]:
    """The flow data without the date being confirmed."""
    return {k: v for k, v in data.items() if k not in (MINOR_YEAR, TYPED_DATE)}


def read_date(ctx: Context, text: str, after: str) -> Outcome:
    """A typed date of birth: a hint when unusable, straight on (`after`) when 18+, else the
    confirmation question. Nothing about the person changes before they confirm."""
    parsed = parse_birth_date(text, ctx.now.date())
    if parsed.value is None:
        problem = parsed.problem or DateProblem.NOT_A_DATE
        hint = (
            ctx.t._(_HINTS[problem])
            + " "
            + ctx.t._("Please type your date of birth like this: 23/04/2001.")
        )
        return Outcome.hint(hint)
    data = _without_check(ctx.data)
    if age_on(parsed.value, ctx.now.date()) >= ctx.min_age:
        person = replace(
            ctx.person,
            age_status=AgeStatus.ADULT,
            birth_year=parsed.value.year,
            age_checked_at=ctx.now,
        )
        return Outcome.go(after, person=person, data=data)
    data |= {MINOR_YEAR: parsed.value.year, TYPED_DATE: parsed.value.isoformat()}
    return Outcome.go(BIRTHDATE_CHECK, data=data)


class BirthdateState(State):
    """Asks the date of birth; skipped for someone already found to be 18+."""

    id = BIRTHDATE
    takes_text = True

    def __init__(self, after: str) -> None:
        self.after = after

    def skip(self, ctx: Context) -> bool:
        return ctx.person.age_status is AgeStatus.ADULT

    def next_state(self, ctx: Context) -> str:
        return self.after

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "Mentorbot is for adults ({min_age}+). Please type your date of birth.\n"
                "For example: <code>23/04/2001</code>, <code>2001-04-23</code> or "
                "<code>23 April 2001</code>.\n<i>We keep only the year, never the full date.</i>",
                min_age=ctx.min_age,
            )
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return read_date(ctx, text, self.after)


class BirthdateCheckState(State):
    """Shows an under-age date back in words before the lock: Yes locks, Change asks again."""

    id = BIRTHDATE_CHECK

    def __init__(self, after: str) -> None:
        self.after = after

    def prompt(self, ctx: Context) -> Prompt:
        typed = ctx.data.get(TYPED_DATE)
        if typed:
            said = ctx.t._(
                "<b>{date}</b> — is that right?",
                date=date_in_words(date.fromisoformat(str(typed)), ctx.t.language),
            )
        else:  # shown again later (the full date is not kept): the year only
            said = ctx.t._(
                "Born in <b>{year}</b> — is that right?", year=ctx.data.get(MINOR_YEAR, "")
            )
        text = (
            said
            + "\n"
            + ctx.t._(
                "Please check it: with this date of birth you can't take part, and once you "
                "confirm it, it can't be changed. If you typed it by mistake, press Change "
                "or type the right date.",
            )
        )
        return Prompt(
            text,
            (
                (
                    Choice("yes", ctx.t._("Yes, that's right")),
                    Choice("change", ctx.t._("Change")),
                ),
            ),
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        """A date typed here replaces the one to confirm; anything else asks for a button."""
        if parse_birth_date(text, ctx.now.date()).value is not None:
            return read_date(ctx, text, self.after)
        return super().on_text(ctx, text)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        data = _without_check(ctx.data)
        if value == "change" or MINOR_YEAR not in ctx.data:
            return Outcome.go(BIRTHDATE, data=data, chosen=ctx.t._("Change"))
        program = ctx.programs.get(ctx.data.get("program"))
        person = replace(
            ctx.person,
            age_status=AgeStatus.MINOR,
            birth_year=int(ctx.data[MINOR_YEAR]),
            age_checked_at=ctx.now,
            program=program.code if program else ctx.person.program,  # the lock's owner
        )
        services = html.escape(program.youth_services.get(ctx.t.language)) if program else None
        reference = ctx.t._(
            "If you typed your date of birth by mistake, please tell the program team and give "
            "them your reference: <code>{reference}</code>.",
            reference=ctx.person.id,
        )
        return Outcome.done(
            under_age_refusal(ctx.t, ctx.min_age, services) + "\n\n" + reference, person=person
        )
