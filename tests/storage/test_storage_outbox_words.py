"""Contract tests (SQLite, PostgreSQL, the in-memory fake): a delivery record keeps no words.

The statement that marks an outbox item sent, failed or dropped also strips its payload of every
word (texts, captions, button labels and links, documents); ids, status and times stay. An item
sent back for a retry keeps its words (it is still to be sent), and a late outcome on a claim
that was lost changes nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.core import effects as fx
from bot.core.effects import (
    Button,
    CopyMessage,
    EditCaption,
    EditText,
    RelayTag,
    SendDocument,
    SendText,
)
from bot.core.ports import UnitOfWorkFactory
from bot.core.privacy import without_words
from bot.storage.tables import OutboxRow
from bot.storage.uow import SqlUnitOfWork
from tests.fakes import MemoryStore

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
WORD = "Quillfeather"  # a word nobody else uses
TAG = RelayTag(pair_id=3, sender_id=11, source_chat_id=11, source_message_ids=(501,))


def worded(chat_id: int) -> list[fx.Effect]:
    """One effect of each kind that carries words, every one of them holding `WORD`."""
    return [
        SendText(
            chat_id=chat_id,
            text=f"<b>Anna</b>: {WORD} here",
            buttons=(
                (Button(f"{WORD} yes", data="mp:7:ok"), Button(WORD, url=f"https://x.org/{WORD}")),
            ),
            reply_to_message_id=77,
            relay=TAG,
        ),
        EditText(chat_id=chat_id, message_id=78, text=f"edited {WORD}"),
        EditCaption(chat_id=chat_id, message_id=79, caption=f"<b>Anna</b>: {WORD}"),
        CopyMessage(chat_id=chat_id, from_chat_id=11, message_id=502, caption=f"{WORD}!"),
        SendDocument(chat_id=chat_id, filename=f"{WORD}.json", content=WORD.encode()),
    ]


async def rows(uow: UnitOfWorkFactory) -> list[dict[str, Any]]:
    """Every outbox row: id, chat, status, payload, message id, finished time."""
    store = getattr(uow, "__self__", None)
    if isinstance(store, MemoryStore):
        return [
            {
                "id": r.item.id,
                "chat_id": r.item.chat_id,
                "status": r.status,
                "payload": r.item.payload,
                "message_id": r.message_id,
            }
            for r in store.outbox
        ]
    table = OutboxRow.__table__
    async with uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        result = await tx.session.execute(select(table).order_by(table.c.id))
        return [dict(row) for row in result.mappings()]


def holds_word(payload: Any) -> bool:
    return WORD in json.dumps(payload, ensure_ascii=False)


async def test_finished_items_keep_ids_and_no_words(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        await tx.outbox.add(worded(5), T0)  # sent
        await tx.outbox.add(worded(6), T0)  # failed for good
        await tx.outbox.add(worded(7), T0)  # retried: still to be sent, words kept
        await tx.commit()
    async with any_uow() as tx:
        items = await tx.outbox.claim_due(T0, 100, 60)
        by_chat = {c: [i for i in items if i.chat_id == c] for c in (5, 6, 7)}
        await tx.outbox.mark_sent_many([(i.id, 900 + i.id, T0) for i in by_chat[5]])
        for item in by_chat[6]:
            await tx.outbox.mark_failed(item.id, "rejected", T0, attempt=item.attempts)
        for item in by_chat[7]:
            await tx.outbox.retry_later(item.id, T0 + timedelta(seconds=5), "5xx")
        await tx.commit()
    stored = await rows(any_uow)
    finished = [r for r in stored if r["chat_id"] in (5, 6)]
    assert {r["status"] for r in finished} == {"sent", "failed"} and len(finished) == 10
    assert not [r["payload"] for r in finished if holds_word(r["payload"])]
    sent = [r for r in stored if r["chat_id"] == 5]
    assert [r["message_id"] for r in sent] == [900 + r["id"] for r in sent], "ids stay"
    first = sent[0]["payload"]
    assert first == {
        "type": "SendText",
        "chat_id": 5,
        "reply_to_message_id": 77,
        "relay": {
            "pair_id": 3,
            "sender_id": 11,
            "source_chat_id": 11,
            "source_message_ids": [501],
            "album": None,
        },
        "tag": None,
        "buttons": [[{"data": "mp:7:ok"}]],
    }
    assert [r["payload"]["type"] for r in sent] == [
        "SendText",
        "EditText",
        "EditCaption",
        "CopyMessage",
        "SendDocument",
    ]
    retried = [r for r in stored if r["chat_id"] == 7]
    assert all(r["status"] == "pending" and holds_word(r["payload"]) for r in retried)
    async with any_uow() as tx:
        again = await tx.outbox.claim_due(T0 + timedelta(seconds=5), 100, 60)
    assert [fx.from_json(i.payload) for i in again] == worded(7), "a retry sends the words"


async def test_dropped_items_keep_no_words(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        await tx.outbox.add(worded(5) + worded(6), T0)
        await tx.commit()
    async with any_uow() as tx:
        await tx.outbox.claim_due(T0, 2, 60)  # one being sent, the rest pending
        assert await tx.outbox.drop_pending_for_chat(5, "recipient blocked", T0) == 5
        await tx.commit()
    stored = await rows(any_uow)
    dropped = [r for r in stored if r["chat_id"] == 5]
    assert {r["status"] for r in dropped} == {"dropped"}
    assert not [r for r in dropped if holds_word(r["payload"])]
    assert all(holds_word(r["payload"]) for r in stored if r["chat_id"] == 6), "others' stay"


async def test_a_late_outcome_on_a_lost_claim_leaves_the_words(
    any_uow: UnitOfWorkFactory,
) -> None:
    async with any_uow() as tx:
        await tx.outbox.add(worded(5)[:1], T0)
        await tx.commit()
    async with any_uow() as tx:
        first = (await tx.outbox.claim_due(T0, 1, 1))[0]
        await tx.commit()
    async with any_uow() as tx:  # the lease ran out and another sender claimed it again
        second = (await tx.outbox.claim_due(T0 + timedelta(seconds=2), 1, 60))[0]
        await tx.outbox.mark_failed(first.id, "late", T0, attempt=first.attempts)
        await tx.commit()
    stored = await rows(any_uow)
    assert stored[0]["status"] == "sending" and holds_word(stored[0]["payload"])
    async with any_uow() as tx:
        await tx.outbox.mark_sent_many([(second.id, 1, T0)])
        await tx.commit()
    stored = await rows(any_uow)
    assert stored[0]["status"] == "sent" and not holds_word(stored[0]["payload"])


def test_without_words_keeps_only_ids_and_drops_any_other_key() -> None:
    for effect in worded(5):
        payload = fx.to_json(effect)
        kept = without_words(payload)
        assert not holds_word(kept), type(effect).__name__
        assert kept["type"] == payload["type"] and kept["chat_id"] == 5
    future = {"type": "SendPoll", "chat_id": 5, "question": WORD, "options": [WORD, "b"]}
    assert without_words(future) == {"type": "SendPoll", "chat_id": 5}, "unknown keys go"
    odd = {"type": "SendText", "chat_id": 5, "message_id": WORD, "relay": {"note": WORD}}
    assert without_words(odd) == {"type": "SendText", "chat_id": 5, "relay": {}}
