"""Forum topics in the effects: a topic (thread id), a pin, and closing, reopening and renaming a
topic survive the outbox's serialisation; topic changes are not sends (flood limits)."""

from __future__ import annotations

import json

import pytest

from bot.core import effects as fx

GROUP, TOPIC = -1001234567890, 77

EFFECTS: list[fx.Effect] = [
    fx.SendText(chat_id=GROUP, text="<b>Case</b>", thread_id=TOPIC, pin=True),
    fx.SendText(chat_id=GROUP, text="general chat"),
    fx.SendDocument(chat_id=GROUP, filename="a.csv", content=b"x,y", thread_id=TOPIC),
    fx.SendPhoto(chat_id=GROUP, filename="c.png", content=b"\x89PNG", thread_id=TOPIC),
    fx.CopyMessage(chat_id=GROUP, from_chat_id=5, message_id=9, thread_id=TOPIC),
    fx.CopyMessages(chat_id=GROUP, from_chat_id=5, message_ids=(9, 10), thread_id=TOPIC),
    fx.CloseTopic(chat_id=GROUP, thread_id=TOPIC),
    fx.ReopenTopic(chat_id=GROUP, thread_id=TOPIC),
    fx.EditTopic(chat_id=GROUP, thread_id=TOPIC, name="Mia — report"),
]


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: type(e).__name__)
def test_topic_effects_survive_the_outbox(effect: fx.Effect) -> None:
    stored = json.loads(json.dumps(fx.to_json(effect)))
    assert fx.from_json(stored) == effect
    assert fx.chat_of(effect) == GROUP


def test_a_stored_send_without_a_topic_reads_as_no_topic() -> None:
    old = {"type": "SendText", "chat_id": 5, "text": "hi", "buttons": []}
    assert fx.from_json(old) == fx.SendText(chat_id=5, text="hi")


def test_topic_changes_are_not_sends() -> None:
    assert fx.is_send(EFFECTS[0]) and fx.is_send(EFFECTS[4])
    for effect in EFFECTS[6:]:
        assert not fx.is_send(effect) and not fx.is_safety(effect)
