"""The SQL unit of work behaves like the in-memory fake the core's tests use (`tests/fakes/`).

The same script of operations runs on both and every answer must match. (Payloads are compared
as effects: the fake keeps `to_json`'s tuples where JSON gives back lists.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from bot.core import effects as fx
from bot.core.effects import AnswerButton, SendText
from bot.core.models import FlowState, Person
from bot.core.ports import UnitOfWork, UnitOfWorkFactory
from tests.fakes import MemoryStore

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


async def script(uow: UnitOfWorkFactory) -> list[Any]:
    """Drive every port method; return what each read answered."""
    out: list[Any] = []
    at = T0

    async def step(tx: UnitOfWork) -> None:
        out.append(await tx.outbox.pending_count())

    async with uow() as tx:
        await tx.persons.add(Person(id=1, chat_id=1, language="en", created_at=at, updated_at=at))
        await tx.flows.save(FlowState(user_id=1, flow="onboarding", state="start", updated_at=at))
        out.append(await tx.updates.claim(10, at))
        out.append(await tx.updates.claim(10, at))
        await tx.outbox.add([SendText(chat_id=1, text=f"m{i}") for i in range(4)], at)
        await tx.outbox.add([AnswerButton(callback_id="c"), SendText(chat_id=2, text="x")], at)
        await tx.commit()
    async with uow() as tx:
        items = await tx.outbox.claim_due(at, 3, 10)
        out.append([(i.id, i.chat_id, i.attempts, fx.from_json(i.payload)) for i in items])
        await tx.outbox.mark_sent_many([(items[0].id, 99, at)])
        await tx.outbox.retry_later(items[1].id, at + timedelta(seconds=5), "429")
        await tx.outbox.mark_failed(items[2].id, "400", at)
        await step(tx)
        await tx.commit()
    for seconds in (1, 6, 11, 30):
        async with uow() as tx:
            items = await tx.outbox.claim_due(at + timedelta(seconds=seconds), 2, 10)
            out.append([(i.id, i.attempts) for i in items])
            await step(tx)
            await tx.commit()
    async with uow() as tx:
        out.append(await tx.outbox.drop_pending_for_chat(1, "blocked", at))
        await step(tx)
        out.append(await tx.updates.purge(at + timedelta(seconds=1)))
        out.append(await tx.updates.claim(10, at))
        await tx.flows.delete(1)
        out.append(await tx.flows.get(1))
        person = await tx.persons.get(1)
        out.append(person)
    async with uow() as tx:  # not committed above
        out.append(await tx.flows.get(1) is not None)
        await step(tx)
    return out


async def test_sql_unit_of_work_answers_like_the_fake(uow: UnitOfWorkFactory) -> None:
    # cast: FakeUnitOfWork sets its repositories in __aenter__, which mypy cannot see
    expected = await script(cast(UnitOfWorkFactory, MemoryStore().uow))
    assert await script(uow) == expected
