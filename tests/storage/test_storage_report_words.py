"""Contract test (SQLite, PostgreSQL, the in-memory fake): a report keeps its words for as long
as /privacy says — while it is open and `REPORT_RETENTION_DAYS` after it is resolved — then the
retention round removes them (the reporter's text, the team's note); reason, dates and who was
involved stay."""

from __future__ import annotations

from datetime import timedelta

from bot.core.models import Report, ReportStatus
from bot.core.ports import UnitOfWorkFactory
from bot.core.privacy import Retention
from bot.services.privacy import retention_round
from tests.fakes import FakeClock
from tests.storage.test_storage_privacy import ANNA, MARCO, T0


async def test_report_words_go_report_days_after_resolution(any_uow: UnitOfWorkFactory) -> None:
    retention = Retention(relay_days=90, report_days=180)
    resolved = T0 + timedelta(days=1)
    async with any_uow() as tx:
        old = await tx.safety.add_report(
            Report(
                reporter_id=ANNA,
                reported_id=MARCO,
                reason="money",
                text="he asked Snarquillet",
                status=ReportStatus.RESOLVED,
                resolved_at=resolved,
                resolution_note="talked to him",
                created_at=T0,
            )
        )
        still_open = await tx.safety.add_report(
            Report(reporter_id=ANNA, reason="other", text="open words", created_at=T0)
        )
        await tx.commit()

    just_before = FakeClock(resolved + timedelta(days=180))
    assert (await retention_round(any_uow, just_before, retention)).report_words == 0
    async with any_uow() as tx:
        words = {r.id: r.text for r in await tx.safety.open_reports()}
    assert words == {still_open.id: "open words"}

    after = FakeClock(resolved + timedelta(days=180, seconds=1))
    purged = await retention_round(any_uow, after, retention)
    assert purged.report_words == 1
    async with any_uow() as tx:
        kept = (await tx.privacy.records(ANNA)).reports
    by_id = {r.id: r for r in kept}
    cleared = by_id[old.id]
    assert (cleared.text, cleared.resolution_note) == ("", None)
    assert (cleared.reason, cleared.reporter_id, cleared.reported_id) == ("money", ANNA, MARCO)
    assert (cleared.created_at, cleared.resolved_at) == (T0, resolved)
    assert by_id[still_open.id].text == "open words", "an open report keeps its words"
    assert (await retention_round(any_uow, after, retention)).report_words == 0
