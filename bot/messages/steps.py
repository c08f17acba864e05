"""What a curriculum step looks like in the chat, for the mentee and for the mentor.

Buttons: check-in options carry `ci:<row>:<option>` (free text: `ci:<row>:_text`); documents
shipped with a step carry `doc:<row>:<index>`; links are URL buttons; the last button lists the
pair's steps so far (`cs:l:<row>`, `bot.handlers.step_history`). Answering a check-in changes only
the buttons (the chosen option marked ✅): the step's text and links stay where they were.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.core.curricula import Curriculum, Resource, Step
from bot.core.effects import STEP_TAG, Button, Keyboard, SendText, keyboard
from bot.core.models import Role, ScheduledStep
from bot.i18n import Html, Translator

CHECKIN_PREFIX = "ci:"
DOCUMENT_PREFIX = "doc:"
STEPS_PREFIX = "cs:"  # curriculum steps ("st:" is taken by staff buttons)
STEPS_OF_ROW = f"{STEPS_PREFIX}l:"  # + a row id: the list of that row's pair
FREE_TEXT = "_text"
CHOSEN = "✅ "  # marks the check-in option a person chose
MAX_SHOWN_ANSWER = 300  # characters of a free-text answer shown under a reopened step


def resource_buttons(
    resources: tuple[Resource, ...], row_id: int, lang: str
) -> list[list[Button]]:
    """One button per resource: a link, or a document sent on request."""
    rows: list[list[Button]] = []
    for index, resource in enumerate(resources):
        title = resource.title.get(lang)
        if resource.url:
            rows.append([Button(text=f"🔗 {title}", url=resource.url)])
        else:
            rows.append([Button(text=f"📄 {title}", data=f"{DOCUMENT_PREFIX}{row_id}:{index}")])
    return rows


def progress_label(t: Translator, curriculum: Curriculum, step: Step) -> str:
    """ "Step 3 of 24"."""
    return t._("Step {n} of {total}", n=curriculum.index(step.id) + 1, total=len(curriculum.steps))


_NAME = "\x00"  # where the partner's name goes in a cached mentor text


@dataclass(frozen=True)
class StepTemplate:
    """A step's text and button shapes for one role and language: the same for every pair,
    so a delivery round renders it once (`cache`) and fills in the row and the name."""

    text: str
    checkin: tuple[tuple[str, str], ...]  # (label, option id); ("…", FREE_TEXT) for free text
    resources: tuple[tuple[str, str | None, int], ...]  # (label, url or None, index)
    steps_label: str  # the button that lists the pair's steps


def _template(
    curriculum: Curriculum, step: Step, role: Role, t: Translator, *, reread: bool = False
) -> StepTemplate:
    """`reread`: the step opened again from the list (the mentor's "today" line left out)."""
    lang = t.language
    head = f"<b>{progress_label(t, curriculum, step)} · {html.escape(step.title.get(lang))}</b>"
    checkin: tuple[tuple[str, str], ...] = ()
    if role is Role.MENTEE:
        assert step.mentee is not None
        parts = [f"📘 {head}", step.mentee.get(lang)]
        if step.checkin is not None:
            parts.append(
                t._("<b>Check-in:</b> {question}", question=step.checkin.question.get(lang))
            )
            checkin = tuple((o.label.get(lang), o.id) for o in step.checkin.options) or (
                (t._("✍️ Answer"), FREE_TEXT),
            )
    else:
        parts = [f"🧭 {head}"]
        if not reread:
            line = t._("<i>{name} receives their side of this step today.</i>", name=Html(_NAME))
            parts.append(line)
        parts.append(step.mentor.get(lang))
    resources = tuple(
        (f"🔗 {r.title.get(lang)}" if r.url else f"📄 {r.title.get(lang)}", r.url, index)
        for index, r in enumerate(step.resources)
    )
    return StepTemplate("\n\n".join(parts), checkin, resources, t._("📚 All steps"))


def _keyboard(row_id: int, template: StepTemplate, chosen: str | None = None) -> Keyboard:
    """Check-in options (the `chosen` one marked), resources, then the list of steps."""
    options = [
        Button(
            text=f"{CHOSEN}{label}" if value == chosen else label,
            data=f"{CHECKIN_PREFIX}{row_id}:{value}",
        )
        for label, value in template.checkin
    ]
    rows = [options[i : i + 2] for i in range(0, len(options), 2)]
    rows += [
        [
            Button(text=label, url=url)
            if url
            else Button(text=label, data=f"{DOCUMENT_PREFIX}{row_id}:{index}")
        ]
        for label, url, index in template.resources
    ]
    rows.append([Button(text=template.steps_label, data=f"{STEPS_OF_ROW}{row_id}")])
    return keyboard(rows)


StepCache = dict[tuple[str, str, Role, str], StepTemplate]


def step_message(
    row: ScheduledStep,
    chat_id: int,
    curriculum: Curriculum,
    step: Step,
    t: Translator,
    partner_name: str,
    cache: StepCache | None = None,
) -> SendText:
    """The message for one side of a step (pass a `cache` dict when rendering many)."""
    key = (curriculum.id, step.id, row.role, t.language)
    template = cache.get(key) if cache is not None else None
    if template is None:
        template = _template(curriculum, step, row.role, t)
        if cache is not None:
            cache[key] = template
    text = template.text
    if row.role is Role.MENTOR:
        text = text.replace(_NAME, html.escape(partner_name, quote=False))
    return SendText(
        chat_id=chat_id, text=text, buttons=_keyboard(row.id, template), tag=f"{STEP_TAG}{row.id}"
    )


def answered_buttons(
    row: ScheduledStep, curriculum: Curriculum, step: Step, t: Translator, chosen: str
) -> Keyboard:
    """A step message's buttons once `chosen` (an option id, or FREE_TEXT) is its check-in
    answer: the same buttons, the chosen option marked."""
    return _keyboard(row.id, _template(curriculum, step, row.role, t), chosen)


def reread_message(
    row: ScheduledStep,
    chat_id: int,
    curriculum: Curriculum,
    step: Step,
    t: Translator,
    *,
    note: str,
    answer: str | None,
) -> SendText:
    """A step opened again: `note` (when it came) on top, the person's own side of the step, their
    check-in answer (an option marked on its button; free text shown under the step), and the
    step's buttons again."""
    template = _template(curriculum, step, row.role, t, reread=True)
    parts = [note, template.text]
    chosen: str | None = None
    if answer is not None and step.checkin is not None and row.role is Role.MENTEE:
        if step.checkin.options:
            chosen = answer
        else:
            chosen = FREE_TEXT
            shown = answer if len(answer) <= MAX_SHOWN_ANSWER else answer[:MAX_SHOWN_ANSWER] + "…"
            parts.append(t._("<b>Your answer:</b> {answer}", answer=shown))
    return SendText(
        chat_id=chat_id,
        text="\n\n".join(parts),
        buttons=_keyboard(row.id, template, chosen),
        tag=f"{STEP_TAG}{row.id}",
    )


def skipped_message(chat_id: int, curriculum: Curriculum, step: Step, t: Translator) -> SendText:
    """Said instead of a step that came due too long ago (the program skips very late steps)."""
    text = t._(
        "⏭ {step} ({title}) came due while mentorbot was offline and is now too late, "
        "so we skipped it. Its resources are still in /resources.",
        step=progress_label(t, curriculum, step),
        title=step.title.get(t.language),
    )
    return SendText(chat_id=chat_id, text=text)


def nudge_message(
    role: Role, chat_id: int, partner_name: str, t: Translator, *, talked: bool = True
) -> SendText:
    """A gentle prompt for a pair that has gone quiet; for one that never talked (`talked`
    False), an invitation to say hello."""
    if not talked:
        text = (
            t._(
                "👋 You and {name} haven't said hello yet. Write here to introduce yourself: "
                "the bot passes your message on.",
                name=partner_name,
            )
            if role is Role.MENTEE
            else t._(
                "👋 You and {name} haven't said hello yet. A short first message introducing "
                "yourself is a good way to begin: write here and the bot passes it on.",
                name=partner_name,
            )
        )
    elif role is Role.MENTEE:
        text = t._(
            "👋 It's been a while since you and {name} last talked. A short hello is "
            "enough to pick things up again: how is your week going?",
            name=partner_name,
        )
    else:
        text = t._(
            "👋 You and {name} haven't talked for a while. A short message asking how "
            "things are going can make a real difference.",
            name=partner_name,
        )
    return SendText(chat_id=chat_id, text=text)
