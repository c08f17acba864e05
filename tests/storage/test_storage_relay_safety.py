"""Contract tests of relay links, safeguarding reports and relationship ratings, on SQLite,
PostgreSQL and the in-memory fake (`any_uow`), and what only the databases do (range checks,
cascades)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from bot.core.models import Pair, Person, RelationshipRating, RelayLink, Report, ReportStatus
from bot.core.ports import UnitOfWorkFactory
from bot.storage.tables import PairRow, RelationshipRatingRow, RelayLinkRow
from bot.storage.uow import SqlUnitOfWork

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BIG_ID = 7_123_456_789
MENTEE_CHAT, MENTOR_CHAT = 5_000_000_001, 5_000_000_002


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


async def make_pairs(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person], n: int = 2
) -> list[Pair]:
    """`n` pairs k = 1…n of mentee 2k-1 and mentor 2k."""
    async with uow() as tx:
        for user_id in range(1, 2 * n + 1):
            await tx.persons.add(make_person(user_id))
        pairs = [
            await tx.pairs.add(
                Pair(program="college", mentee_id=2 * k - 1, mentor_id=2 * k, started_at=T0)
            )
            for k in range(1, n + 1)
        ]
        await tx.commit()
    return pairs


def link(pair: Pair, source_message_id: int, target_message_id: int, at: datetime) -> RelayLink:
    """The mentee's message `source_message_id`, copied to the mentor's chat."""
    return RelayLink(
        pair_id=pair.id,
        sender_id=pair.mentee_id,
        source_chat_id=MENTEE_CHAT,
        source_message_id=source_message_id,
        target_chat_id=MENTOR_CHAT,
        target_message_id=target_message_id,
        created_at=at,
    )


async def add_links(uow: UnitOfWorkFactory, *links: RelayLink) -> None:
    """The first one alone, the others in one `add_many` (ids keep the order given)."""
    async with uow() as tx:
        if links:
            await tx.relay.add_many([links[0]])
        await tx.relay.add_many(links[1:])
        await tx.commit()


async def test_copies_and_originals(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    first, second = await make_pairs(any_uow, make_person)
    hello = link(first, 10, 900, T0)
    album = [link(first, 11, 901, minutes(1)), link(first, 11, 902, minutes(1))]
    elsewhere = replace(link(second, 10, 900, T0), source_chat_id=7, target_chat_id=8)
    await add_links(any_uow, hello, *album, elsewhere)
    async with any_uow() as tx:
        assert await tx.relay.copies_of(MENTEE_CHAT, 10) == [hello]
        assert await tx.relay.copies_of(MENTEE_CHAT, 11) == album
        assert await tx.relay.copies_of(7, 10) == [elsewhere]
        assert await tx.relay.copies_of(MENTOR_CHAT, 900) == []  # a copy is not an original
        assert await tx.relay.original_of(MENTOR_CHAT, 902) == album[1]
        assert await tx.relay.original_of(8, 900) == elsewhere
        assert await tx.relay.original_of(MENTEE_CHAT, 10) is None
        back = RelayLink(
            pair_id=first.id,
            sender_id=first.mentor_id,
            source_chat_id=MENTOR_CHAT,
            source_message_id=BIG_ID,
            target_chat_id=MENTEE_CHAT,
            target_message_id=BIG_ID + 1,
            created_at=minutes(2),
        )
        await tx.relay.add_many([back])
        assert await tx.relay.original_of(MENTEE_CHAT, BIG_ID + 1) == back
        assert await tx.relay.copies_of(MENTOR_CHAT, BIG_ID) == [back]


async def test_recent_is_newest_first_and_limited(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    first, second = await make_pairs(any_uow, make_person)
    links = [link(first, i, 100 + i, minutes(i)) for i in range(5)]
    await add_links(any_uow, *links[:3], link(second, 1, 1, minutes(9)), *links[3:])
    async with any_uow() as tx:
        assert await tx.relay.recent(first.id, 10) == links[::-1]
        assert await tx.relay.recent(first.id, 2) == [links[4], links[3]]
        assert await tx.relay.recent(first.id, 0) == []
        assert [k.pair_id for k in await tx.relay.recent(second.id, 10)] == [second.id]
        assert await tx.relay.recent(999_999, 10) == []


async def test_purge_deletes_exactly_the_links_older_than_the_cutoff(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    first, second = await make_pairs(any_uow, make_person)
    cutoff = minutes(10)
    old = [link(first, 1, 1, T0), link(second, 2, 2, cutoff - timedelta(microseconds=1))]
    kept = [link(first, 3, 3, cutoff), link(second, 4, 4, minutes(11))]
    await add_links(any_uow, kept[0], old[0], kept[1], old[1])
    async with any_uow() as tx:
        assert await tx.relay.purge(cutoff) == 2
        assert await tx.relay.purge(cutoff) == 0
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.relay.copies_of(MENTEE_CHAT, 1) == []
        assert await tx.relay.original_of(MENTOR_CHAT, 2) is None
        assert await tx.relay.recent(first.id, 10) == [kept[0]]
        assert await tx.relay.recent(second.id, 10) == [kept[1]]
        assert await tx.relay.purge(T0) == 0


def report(reporter_id: int, at: datetime, **fields: object) -> Report:
    values: dict[str, object] = {"reporter_id": reporter_id, "reason": "harassment"}
    values.update(fields, created_at=at)
    return Report(**values)  # type: ignore[arg-type]


async def test_reports_add_open_and_update(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        older = await tx.safety.add_report(
            report(BIG_ID, T0, pair_id=3, reported_id=BIG_ID + 1, text="they keep asking")
        )
        newer = await tx.safety.add_report(report(2, minutes(5)))
        urgent = await tx.safety.add_report(
            report(3, minutes(9), reason="crisis_word", priority=True)
        )
        await tx.commit()
    assert 0 < older.id < newer.id < urgent.id
    assert older == report(
        BIG_ID, T0, pair_id=3, reported_id=BIG_ID + 1, text="they keep asking", id=older.id
    )
    resolved = replace(
        older,
        status=ReportStatus.RESOLVED,
        resolved_at=minutes(30),
        resolution_note="spoke to both",
    )
    async with any_uow() as tx:
        assert await tx.safety.open_reports() == [urgent, older, newer]
        await tx.safety.update_report(resolved)
        await tx.commit()
    async with any_uow() as tx:
        still_open = await tx.safety.open_reports()
        assert still_open == [urgent, newer]
        assert still_open[0].priority is True and newer.text == "" and newer.pair_id is None
        with pytest.raises(LookupError):
            await tx.safety.update_report(replace(older, id=999_999))
        with pytest.raises(ValueError):
            await tx.safety.add_report(older)  # already has an id
        await tx.safety.update_report(replace(urgent, status=ReportStatus.RESOLVED))
        assert await tx.safety.open_reports() == [newer]


async def test_ratings_add_and_list_oldest_first(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    first, second = await make_pairs(any_uow, make_person)

    def rating(pair: Pair, person_id: int, value: int, at: datetime) -> RelationshipRating:
        return RelationshipRating(pair_id=pair.id, person_id=person_id, rating=value, at=at)

    later = rating(first, 1, 2, minutes(10))
    mentor = rating(first, 2, 5, T0)
    mentee = rating(first, 1, 4, T0)
    async with any_uow() as tx:
        for one in (later, mentor, mentee, rating(second, 3, 1, T0)):
            await tx.safety.add_rating(one)
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.safety.ratings(first.id) == [mentee, mentor, later]
        assert [r.rating for r in await tx.safety.ratings(second.id)] == [1]
        assert await tx.safety.ratings(999_999) == []


@pytest.mark.parametrize("value", [0, 6, -1])
async def test_ratings_outside_one_to_five_are_refused(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person], value: int
) -> None:
    (pair,) = await make_pairs(uow, make_person, 1)
    async with uow() as tx:
        with pytest.raises(IntegrityError):
            await tx.safety.add_rating(
                RelationshipRating(pair_id=pair.id, person_id=1, rating=value, at=T0)
            )
    async with uow() as tx:
        for ok in (1, 5):
            at = minutes(ok)
            await tx.safety.add_rating(
                RelationshipRating(pair_id=pair.id, person_id=1, rating=ok, at=at)
            )
        assert [r.rating for r in await tx.safety.ratings(pair.id)] == [1, 5]


async def test_relay_and_ratings_need_a_stored_pair(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        with pytest.raises(IntegrityError):
            await tx.relay.add_many(
                [link(Pair(id=42, program="c", mentee_id=1, mentor_id=2, started_at=T0), 1, 1, T0)]
            )
    async with uow() as tx:
        with pytest.raises(IntegrityError):
            await tx.safety.add_rating(
                RelationshipRating(pair_id=42, person_id=1, rating=3, at=T0)
            )


async def test_links_ratings_and_reports_when_a_pair_is_deleted(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    first, second = await make_pairs(uow, make_person)
    await add_links(uow, link(first, 1, 1, T0), link(first, 2, 2, T0), link(second, 3, 3, T0))
    async with uow() as tx:
        for pair in (first, second):
            await tx.safety.add_rating(
                RelationshipRating(pair_id=pair.id, person_id=pair.mentee_id, rating=3, at=T0)
            )
        kept = await tx.safety.add_report(report(1, T0, pair_id=first.id, reported_id=2))
        await tx.commit()
    async with uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        await tx.session.execute(delete(PairRow).where(PairRow.id == first.id))
        await tx.commit()
    async with uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        assert await tx.relay.recent(first.id, 10) == []
        assert await tx.safety.ratings(first.id) == []
        assert len(await tx.relay.recent(second.id, 10)) == 1
        assert len(await tx.safety.ratings(second.id)) == 1
        assert await tx.safety.open_reports() == [kept]  # reports outlive the pair
        for table, left in ((RelayLinkRow, 1), (RelationshipRatingRow, 1)):
            result = await tx.session.execute(select(func.count()).select_from(table))
            assert result.scalar_one() == left, table.__tablename__
