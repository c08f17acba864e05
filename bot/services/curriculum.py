"""Delivering curriculum steps and nudges: one round claims every due row, turns each into the
messages for its recipient, and stores them in the outbox in the same transaction as the rows'
new status. The sender delivers them afterwards.

So a step is queued exactly once: a crash before the commit leaves the rows due (the next round
takes them), a crash after it leaves the messages in the outbox. The only duplicate a crash can
cause is a message the sender had in flight when the process died (sent by Telegram, not yet
marked sent here): it is sent again when its lease expires.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from bot.core.curricula import Curriculum, Step
from bot.core.models import ScheduledStep, StepStatus
from bot.core.planning import out_of_quiet, recipient
from bot.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.core.programs import LatePolicy, Program, ProgramCatalog
from bot.i18n import Catalogs, Translator
from bot.messages.steps import nudge_message, skipped_message
from bot.services.pairs import to_both
from bot.services.step_payloads import StepPayloads, serialise

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
"""Due rows claimed, rendered and queued per transaction."""


class CurriculumDelivery:
    """Runs delivery rounds and nudges (called by the scheduler's timer)."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        catalog: ProgramCatalog,
        catalogs: Catalogs,
        *,
        batch_size: int = BATCH_SIZE,
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
        self._payloads = StepPayloads()  # serialised step messages, per step, role and language

    async def run_due(self) -> int:
        """Queue every step due now; returns how many rows were handled."""
        handled = 0
        while True:
            now = self.clock.now()
            with collector_paused():
                async with self.uows() as uow:
                    rows = await uow.schedule.claim_due(now, self.batch_size)
                    if not rows:
                        return handled
                    messages = await self._queue(uow, rows, now)
                    await uow.outbox.add_serialised(messages, now)
                    await uow.commit()
            handled += len(rows)
            if messages:
                self.on_queued()

    async def _queue(
        self, uow: UnitOfWork, rows: Sequence[ScheduledStep], now: datetime
    ) -> list[tuple[int | None, str]]:
        """Mark the claimed rows and return their messages, serialised for the outbox."""
        persons = {p.id: p for p in await uow.persons.contacts({r.person_id for r in rows})}
        pairs = {p.id: p for p in await uow.pairs.members({r.pair_id for r in rows})}
        wanted = {pairs[r.pair_id].partner_of(r.person_id) for r in rows if r.pair_id in pairs}
        partners = {p.id: p for p in await uow.persons.contacts(wanted - persons.keys())}
        people = persons | partners
        sent: list[int] = []
        skipped: list[int] = []
        cancelled: list[int] = []
        later: list[tuple[int, datetime]] = []
        messages: list[tuple[int | None, str]] = []
        # What thousands of rows share, looked up once per batch (`now` is fixed in it).
        steps: dict[tuple[str, str, str], tuple[Program, Curriculum, Step] | None] = {}
        sending_at: dict[tuple[str | None, str], datetime] = {}
        translators: dict[str, Translator] = {}
        for row in rows:
            person, pair = people.get(row.person_id), pairs.get(row.pair_id)
            if person is None or pair is None:
                cancelled.append(row.id)  # erased person or pair: nothing to send
                continue
            key = (pair.program, row.curriculum, row.step_id)
            if key not in steps:
                steps[key] = self._step(*key)
            found = steps[key]
            if found is None:
                cancelled.append(row.id)  # removed program, curriculum or step
                continue
            program, curriculum, step = found
            when = (person.time_zone, program.code)
            moved = sending_at.get(when)
            if moved is None:
                zone = recipient(person.time_zone, person.preferred_hour).zone
                moved = sending_at[when] = out_of_quiet(now, zone, program.schedule.quiet_hours)
            if moved > now:
                later.append((row.id, moved))
                continue
            t = translators.get(person.language)
            if t is None:
                t = translators[person.language] = self.catalogs.translator(person.language)
            late = now - row.due_at > program.schedule.late_after
            self.late += late
            if late and program.schedule.late_policy is LatePolicy.SKIP:
                skipped.append(row.id)
                notice = skipped_message(person.chat_id, curriculum, step, t)
                messages.append((person.chat_id, serialise(notice)))
                continue
            partner = people.get(pair.partner_of(row.person_id))
            name = (partner.display_name if partner else None) or t._("your partner")
            sent.append(row.id)
            payload = self._payloads.payload(row, person.chat_id, curriculum, step, t, name)
            messages.append((person.chat_id, payload))
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
        return messages

    def _step(
        self, program_code: str, curriculum_id: str, step_id: str
    ) -> tuple[Program, Curriculum, Step] | None:
        program = self.catalog.get(program_code)
        curriculum = self.catalog.curricula.get(curriculum_id)
        step = curriculum.step(step_id) if curriculum else None
        if program is None or curriculum is None or step is None:
            return None
        return program, curriculum, step

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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one batch. A batch allocates tens of thousands
    of short-lived objects (rows, messages, parameters), which start full collections of the
    whole heap: measured, about a fifth of a round's CPU time. They are freed by reference
    counting as the batch ends; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
