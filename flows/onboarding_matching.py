"""Onboarding's matching questions: the program's multiple-choice questions (goals, interests,
experiences, languages), then how many mentees a mentor can take. Part of `flows/onboarding.py`.

```mermaid
stateDiagram-v2
    [*] --> goals: role chosen
    goals --> goals: an option ticked or unticked (redrawn in place)
    goals --> interests: Done
    interests --> experiences: Done
    experiences --> languages: Done
    languages --> capacity: Done, mentor
    languages --> timezone: Done, mentee
    capacity --> timezone
```
Each multiple-choice question needs at least its minimum of ticks before Done goes on
(`flows.choices.MultiSelect`). State ids (`onboarding.*`) are stored: never rename one.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.core.flow import Choice, Context, Outcome, Prompt, State
from bot.core.models import Role
from bot.core.programs import ChoiceQuestion
from flows.choices import MultiSelect, rows
from flows.onboarding_ids import (
    CAPACITY,
    EXPERIENCES,
    GOALS,
    INTERESTS,
    LANGUAGES,
    TIMEZONE,
    program_of,
    role_of,
)


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
