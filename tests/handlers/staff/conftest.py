"""Every staff handler test also checks that what staff read there (messages, edits, button
labels, toasts) shows no raw id and no stored code (`tests.staff_words`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.effects import AnswerButton, EditText, SendDocument, SendText
from tests.dialog import Bot
from tests.staff_words import problems


def staff_outputs(bot: Bot) -> list[str]:
    """The texts and button labels the store's staff members were sent."""
    staff = set(bot.store.staff.members) | set(getattr(bot, "superadmins", ()))
    found: list[str] = []
    for effect in bot.store.pending_effects():
        if isinstance(effect, SendText | EditText) and effect.chat_id in staff:
            found.append(effect.text)
            found += [b.text for row in effect.buttons or () for b in row]
        elif isinstance(effect, SendDocument) and effect.chat_id in staff:
            found.append(effect.caption or "")
        elif isinstance(effect, AnswerButton) and effect.text and _pressed_by(effect, staff):
            found.append(effect.text)
    return found


def _pressed_by(effect: AnswerButton, staff: set[int]) -> bool:
    return any(effect.callback_id.startswith(f"cb{i}-") for i in staff)


@pytest.fixture(autouse=True)
def staff_read_words(request: pytest.FixtureRequest) -> Iterator[None]:
    bot = request.getfixturevalue("bot") if "bot" in request.fixturenames else None
    yield
    if not isinstance(bot, Bot):
        return
    ids = set(bot.store.persons) | set(bot.store.pairs)
    names = {p.display_name for p in bot.store.persons.values() if p.display_name}
    outputs = staff_outputs(bot)
    bad = {text: found for text in outputs if (found := problems(text, ids, names))}
    assert not bad, f"staff read raw ids or codes: {bad}"
