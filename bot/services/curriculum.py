"""Delivering curriculum steps and nudges: one round claims every due row, turns each into the
messages for its recipient, and stores them in the outbox in the same transaction as the rows'
new status. The sender delivers them afterwards.

So a step is queued exactly once: a crash before the commit leaves the rows due (the next round
takes them), a crash after it leaves the messages in the outbox. The only duplicate a crash can
cause is a message the sender had in flight when the process died (sent by Telegram, not yet
marked sent here): it is sent again when its lease expires.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.effects import Effect
from bot.core.models import ScheduledStep, StepStatus
from bot.core.planning import out_of_quiet, recipient
from bot.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.core.programs import LatePolicy, ProgramCatalog
from bot.i18n import Catalogs
from bot.services.pairs import to_both
from flows.step_messages import StepCache, nudge_message, skipped_message, step_message

log = logging.getLogger(__name__)


class CurriculumDelivery:
    """Runs delivery rounds and nudges (called by the scheduler's timer)."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        catalog: ProgramCatalog,
        catalogs: Catalogs,
        *,
        batch_size: int = 2000,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.uows = uows
        self.clock = clock
        self.catalog = catalog
        self.catalogs = catalogs
        self.batch_size = batch_size
        self.on_queued = on_queued
        self.sent = 0
        self.skipped = 0
        self.postponed = 0
        self.nudged = 0
        self.due = 0  # rows a round found due (metrics)
        self.late = 0  # rows handled after their program's late_after, sent or skipped
        self._templates: StepCache = {}  # rendered step texts, per step, role and language

    async def run_due(self) -> int:
        """Queue every step due now; returns how many rows were handled."""
        handled = 0
        while True:
            now = self.clock.now()
            async with self.uows() as uow:
                rows = await uow.schedule.claim_due(now, self.batch_size)
                if not rows:
                    return handled
                effects = await self._queue(uow, rows, now)
                await uow.outbox.add(effects, now)
                await uow.commit()
            handled += len(rows)
            if effects:
                self.on_queued()

    async def _queue(
        self, uow: UnitOfWork, rows: Sequence[ScheduledStep], now: datetime
    ) -> list[Effect]:
        persons = {p.id: p for p in await uow.persons.contacts({r.person_id for r in rows})}
        pairs = {p.id: p for p in await uow.pairs.members({r.pair_id for r in rows})}
        wanted = {pairs[r.pair_id].partner_of(r.person_id) for r in rows if r.pair_id in pairs}
        partners = {p.id: p for p in await uow.persons.contacts(wanted - persons.keys())}
        people = persons | partners
        sent: list[int] = []
        skipped: list[int] = []
        cancelled: list[int] = []
        later: list[tuple[int, datetime]] = []
        effects: list[Effect] = []
        for row in rows:
            person, pair = people.get(row.person_id), pairs.get(row.pair_id)
            program = self.catalog.get(pair.program) if pair else None
            curriculum = self.catalog.curricula.get(row.curriculum)
            step = curriculum.step(row.step_id) if curriculum else None
            if person is None or pair is None or program is None or step is None:
                cancelled.append(row.id)  # erased person, removed step: nothing to send
                continue
            assert curriculum is not None
            zone = recipient(person.time_zone, person.preferred_hour).zone
            moved = out_of_quiet(now, zone, program.schedule.quiet_hours)
            if moved > now:
                later.append((row.id, moved))
                continue
            t = self.catalogs.translator(person.language)
            late = now - row.due_at > program.schedule.late_after
            self.late += late
            if late and program.schedule.late_policy is LatePolicy.SKIP:
                skipped.append(row.id)
                effects.append(skipped_message(person.chat_id, curriculum, step, t))
                continue
            partner = people.get(pair.partner_of(row.person_id))
            name = (partner.display_name if partner else None) or t._("your partner")
            sent.append(row.id)
            effects.append(
                step_message(row, person.chat_id, curriculum, step, t, name, self._templates)
            )
        await uow.schedule.mark(sent, StepStatus.SENT, now)
        await uow.schedule.mark(skipped, StepStatus.SKIPPED, now)
        await uow.schedule.mark(cancelled, StepStatus.CANCELLED, now)
        await uow.schedule.reschedule(later)
        self.sent += len(sent)
        self.skipped += len(skipped)
        self.postponed += len(later)
        self.due += len(rows)
        if skipped or cancelled:
            log.info(
                "round: %d sent, %d skipped as too late, %d cancelled",
                len(sent),
                len(skipped),
                len(cancelled),
            )
        return effects

    async def nudge_silent(self) -> int:
        """Nudge active pairs that have not talked for their program's `nudge_after`."""
        now = self.clock.now()
        nudged = 0
        async with self.uows() as uow:
            for program in self.catalog:
                after = program.schedule.nudge_after
                if after is None:
                    continue
                quiet = program.schedule.quiet_hours
                for pair in await uow.pairs.silent(program.code, now - after, self.batch_size):
                    effects = await to_both(
                        uow,
                        pair,
                        now,
                        quiet,
                        self.catalogs,
                        lambda role, person, name, t: nudge_message(role, person.chat_id, name, t),
                    )
                    if not effects:
                        continue  # someone is in their quiet hours: a later round nudges
                    await uow.pairs.update(replace(pair, nudged_at=now))
                    await uow.outbox.add(effects, now)
                    nudged += 1
            await uow.commit()
        self.nudged += nudged
        if nudged:
            self.on_queued()
        return nudged


async def record_activity(uow: UnitOfWork, pair_id: int, at: datetime) -> None:
    """The hook the relay calls for every message exchanged (resets the nudge clock)."""
    await uow.pairs.record_activity(pair_id, at)
