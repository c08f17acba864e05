"""Volunteer training: a mentor works through the program's training modules at their own pace,
answering each module's quiz; passing every module (at the program's pass mark) makes them
eligible for staff approval.

```mermaid
stateDiagram-v2
    [*] --> menu: /training
    menu --> lesson: pick a module
    menu --> [*]: close
    lesson --> quiz: start the quiz
    lesson --> menu: back
    quiz --> quiz: next question
    quiz --> menu: last answer (result recorded), modules left to pass
    quiz --> [*]: last answer, every module passed (the flow closes itself)
```
Every state waits for buttons: a paired mentor's messages go to their mentee meanwhile
(`bot.handlers.dispatch`). State ids (`training.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

import html
from dataclasses import replace

from bot.core.curricula import Curriculum, Step
from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State
from bot.core.models import ModuleResult
from bot.core.programs import Program
from flows.choices import rows

NAME = "training"
MENU = "training.menu"
LESSON = "training.lesson"
QUIZ = "training.quiz"
CLOSE = "_close"


def training_of(ctx: Context) -> tuple[Program, Curriculum] | None:
    """The person's program and its training curriculum, if it has one."""
    program = ctx.programs.get(ctx.person.program)
    curriculum = ctx.programs.training_of(program) if program else None
    return (program, curriculum) if program and curriculum else None


def passed_modules(ctx: Context) -> set[str]:
    """Modules passed so far (loaded when the flow starts, updated as quizzes finish)."""
    return {k for k, ok in dict(ctx.data.get("results", {})).items() if ok}


def _module(ctx: Context) -> tuple[Program, Curriculum, Step]:
    found = training_of(ctx)
    assert found is not None, "the training flow only starts for programs with training"
    program, curriculum = found
    step = curriculum.step(str(ctx.data.get("module", "")))
    assert step is not None
    return program, curriculum, step


class MenuState(State):
    id = MENU

    def prompt(self, ctx: Context) -> Prompt:
        found = training_of(ctx)
        assert found is not None
        program, curriculum = found
        lang = ctx.t.language
        done = passed_modules(ctx)
        text = ctx.t.n_(
            "<b>{title}</b>\nYou have passed {passed} of {n} module. Each module is a short "
            "lesson and a quiz; you need {mark}% right answers to pass. Pick a module:",
            "<b>{title}</b>\nYou have passed {passed} of {n} modules. Each module is a short "
            "lesson and a quiz; you need {mark}% right answers to pass. Pick a module:",
            len(curriculum.steps),
            title=curriculum.title.get(lang),
            passed=len(done & {s.id for s in curriculum.steps}),
            mark=program.training.pass_mark if program.training else 0,
        )
        choices = [
            Choice(s.id, f"{'✓ ' if s.id in done else ''}{i}. {s.title.get(lang)}")
            for i, s in enumerate(curriculum.steps, start=1)
        ]
        return Prompt(text, (*rows(choices, per_row=1), (Choice(CLOSE, ctx.t._("Close")),)))

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == CLOSE:
            return Outcome.done(
                ctx.t._("You can come back to the training at any time with /training.")
            )
        return Outcome.go(LESSON, data={**ctx.data, "module": value, "answers": []})


class LessonState(State):
    id = LESSON

    def prompt(self, ctx: Context) -> Prompt:
        _program, curriculum, step = _module(ctx)
        lang = ctx.t.language
        parts = [
            ctx.t._(
                "<b>Module {n} of {total} · {title}</b>",
                n=curriculum.index(step.id) + 1,
                total=len(curriculum.steps),
                title=step.title.get(lang),
            ),
            step.mentor.get(lang),
        ]
        links = [
            f'🔗 <a href="{html.escape(r.url, quote=True)}">{html.escape(r.title.get(lang))}</a>'
            for r in step.resources
            if r.url
        ]
        parts += links
        return Prompt(
            "\n\n".join(parts),
            (
                (
                    Choice("quiz", ctx.t._("Start the quiz")),
                    Choice("back", ctx.t._("Back to the modules")),
                ),
            ),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == "back":
            return Outcome.go(MENU)
        return Outcome.go(QUIZ, data={**ctx.data, "answers": []})


class QuizState(State):
    id = QUIZ

    def prompt(self, ctx: Context) -> Prompt:
        _program, _curriculum, step = _module(ctx)
        answered = list(ctx.data.get("answers", []))
        question = step.quiz[len(answered)]
        lang = ctx.t.language
        text = (
            ctx.t._("<b>Question {n} of {total}</b>", n=len(answered) + 1, total=len(step.quiz))
            + "\n\n"
            + html.escape(question.question.get(lang))
        )
        return Prompt(
            text, rows([Choice(o.id, o.label.get(lang)) for o in question.options], per_row=1)
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        program, curriculum, step = _module(ctx)
        answers = [*ctx.data.get("answers", []), value]
        if len(answers) < len(step.quiz):
            return Outcome.go(QUIZ, data={**ctx.data, "answers": answers})
        return self._finish(ctx, program, curriculum, step, answers)

    def _finish(
        self,
        ctx: Context,
        program: Program,
        curriculum: Curriculum,
        step: Step,
        answers: list[str],
    ) -> Outcome:
        lang = ctx.t.language
        correct = sum(a == q.answer for a, q in zip(answers, step.quiz, strict=True))
        mark = program.training.pass_mark if program.training else 100
        passed = correct * 100 >= mark * len(step.quiz)
        result = ModuleResult(
            person_id=ctx.person.id,
            curriculum=curriculum.id,
            module_id=step.id,
            correct=correct,
            total=len(step.quiz),
            passed=passed,
            completed_at=ctx.now,
        )
        lines = [
            ctx.t.n_(
                "You answered {correct} of {n} question correctly.",
                "You answered {correct} of {n} questions correctly.",
                len(step.quiz),
                correct=correct,
            )
        ]
        for answer, question in zip(answers, step.quiz, strict=True):
            if answer != question.answer and question.explanation is not None:
                lines.append(f"• {html.escape(question.explanation.get(lang))}")
        lines.append(
            ctx.t._("✅ Module passed!")
            if passed
            else ctx.t._(
                "Not passed yet: read the lesson again and retake the quiz whenever you like."
            )
        )
        results = {**dict(ctx.data.get("results", {})), step.id: passed}
        person = ctx.person
        everything = {s.id for s in curriculum.steps}
        finished = everything <= {k for k, ok in results.items() if ok}
        if finished and not person.training_passed_at:
            person = replace(person, training_passed_at=ctx.now)
            lines.append(
                ctx.t._(
                    "🎓 You have completed the volunteer training. Thank you! The "
                    "program team can now review your application."
                )
            )
        if finished:  # nothing left to do: the flow closes itself
            lines.append(ctx.t._("You can come back to the training at any time with /training."))
            return Outcome.done("\n".join(lines), person=person, writes=(result,))
        data = {"results": results}
        return Outcome.go(MENU, data=data, person=person, writes=(result,), say="\n".join(lines))


FLOW = Flow(NAME, MENU, {s.id: s for s in (MenuState(), LessonState(), QuizState())})
