"""Curriculum step messages as outbox payloads: rendered once per template, filled in per row.

A delivery round queues the same step for thousands of pairs. Its text and buttons depend only on
(curriculum, step, role, language); what differs from row to row is the chat, the scheduled row's
id inside the buttons' callback data and, for the mentor, the partner's name. So the round renders
each template once through `step_message` with marker values, serialises it as the outbox stores
it (`to_json`, then JSON text) and splits that text at the markers; a row then costs one string
format instead of building buttons and a message and serialising them.

The split is checked once per template: filled with other values (a chat id, a row id and a name
with characters that HTML and JSON escape), it must give exactly the text of a full render with
those values. A template that fails (say, a curriculum text that happens to contain a marker) is
rendered in full for every row, so the payloads are always those of `step_message`.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

import orjson

from bot.core import effects as fx
from bot.core.curricula import Curriculum, Step
from bot.core.models import Role, ScheduledStep
from bot.i18n import Translator
from bot.messages.steps import StepCache, step_message

__all__ = ["StepPayloads", "serialise"]

# Marker values: unlikely in a curriculum, distinct, and none a part of another. The name is
# made of invisible separators and letters, which neither HTML nor JSON escaping changes.
_CHAT_MARK = -7_306_119_327_411_905
_ROW_MARK = 8_516_204_398_757_163
_NAME_MARK = "\u2063\u2063partner\u2063name\u2063\u2063"
_MARKS = re.compile("|".join(re.escape(m) for m in (str(_CHAT_MARK), str(_ROW_MARK), _NAME_MARK)))
_SLOTS = {str(_CHAT_MARK): "{0}", str(_ROW_MARK): "{1}", _NAME_MARK: "{2}"}

# The values the split is checked with.
_CHECK_CHAT = -1_001_234_567_890
_CHECK_ROW = 4_242
_CHECK_NAME = 'Ann <b>&amp;</b> "Bo" \\ O\'Neil\n\té'

Key = tuple[str, str, Role, str]


def serialise(effect: fx.Effect) -> str:
    """An effect as the outbox stores it: `to_json`, as JSON text."""
    return orjson.dumps(fx.to_json(effect)).decode()


def _name_json(name: str) -> str:
    """A partner's name as it appears inside the serialised text (HTML-escaped, as
    `step_message` does, then JSON-escaped)."""
    return orjson.dumps(html.escape(name, quote=False)).decode()[1:-1]


class StepPayloads:
    """Serialised step messages for one delivery service (templates are kept between rounds:
    they depend only on the loaded curricula and catalogs)."""

    def __init__(self) -> None:
        self._templates: StepCache = {}  # step_message's own cache of rendered texts
        # (pattern, whether it holds the name); None: render that template in full
        self._formats: dict[Key, tuple[str, bool] | None] = {}

    def payload(
        self,
        row: ScheduledStep,
        chat_id: int,
        curriculum: Curriculum,
        step: Step,
        t: Translator,
        partner_name: str,
    ) -> str:
        """The serialised `step_message(row, chat_id, curriculum, step, t, partner_name)`."""
        key = (curriculum.id, step.id, row.role, t.language)
        try:
            split = self._formats[key]
        except KeyError:
            split = self._formats[key] = self._split(row, curriculum, step, t)
        if split is None:
            return self._render(row, chat_id, curriculum, step, t, partner_name)
        pattern, named = split
        return pattern.format(chat_id, row.id, _name_json(partner_name) if named else "")

    def _render(
        self,
        row: ScheduledStep,
        chat_id: int,
        curriculum: Curriculum,
        step: Step,
        t: Translator,
        partner_name: str,
    ) -> str:
        effect = step_message(row, chat_id, curriculum, step, t, partner_name, self._templates)
        return serialise(effect)

    def _split(
        self, row: ScheduledStep, curriculum: Curriculum, step: Step, t: Translator
    ) -> tuple[str, bool] | None:
        """The template's serialised text as a `str.format` pattern ({0} chat, {1} row id,
        {2} name) and whether it holds the name, or None when filling it would not reproduce
        a full render."""
        marked = self._render(
            replace(row, id=_ROW_MARK), _CHAT_MARK, curriculum, step, t, _NAME_MARK
        )
        pieces = _MARKS.split(marked)
        marks = _MARKS.findall(marked)
        pattern = _literal(pieces[0])
        for mark, piece in zip(marks, pieces[1:], strict=True):
            pattern += _SLOTS[mark] + _literal(piece)
        named = _NAME_MARK in marks
        check = replace(row, id=_CHECK_ROW)
        expected = self._render(check, _CHECK_CHAT, curriculum, step, t, _CHECK_NAME)
        name = _name_json(_CHECK_NAME) if named else ""
        if pattern.format(_CHECK_CHAT, _CHECK_ROW, name) != expected:
            return None
        return pattern, named


def _literal(text: str) -> str:
    """`text` as a literal part of a `str.format` pattern."""
    return text.replace("{", "{{").replace("}", "}}")
