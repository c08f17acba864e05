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
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

from bot.core.curricula import Curriculum, Step
from bot.core.effects import Effect
from bot.core.models import Contact, PairMembers, Role, ScheduledStep, StepStatus
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


@dataclass
class _Batch:
    """One batch of claimed rows: the people and pairs they name, the rows sorted by what
    happens to them, the messages, and what thousands of rows share, looked up once per batch
    (`now` is fixed in it)."""

    people: dict[int, Contact]
    pairs: dict[int, PairMembers]
    now: datetime
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    later: list[tuple[int, datetime]] = field(default_factory=list)
    messages: list[tuple[int | None, str]] = field(default_factory=list)
    steps: dict[tuple[str, str, str], tuple[Program, Curriculum, Step] | None] = field(
        default_factory=dict
    )
    sending_at: dict[tuple[str | None, str], datetime] = field(default_factory=dict)
    translators: dict[str, Translator] = field(default_factory=dict)


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
        batch = _Batch(persons | partners, pairs, now)
        for row in rows:
            self._sort(batch, row)
        await uow.schedule.mark(batch.sent, StepStatus.SENT, now)
        await uow.schedule.mark(batch.skipped, StepStatus.SKIPPED, now)
        await uow.schedule.mark(batch.cancelled, StepStatus.CANCELLED, now)
        await uow.schedule.reschedule(batch.later)
        self.sent += len(batch.sent)
        self.skipped += len(batch.skipped)
        self.postponed += len(batch.later)
        self.due += len(rows)
        if batch.skipped or batch.cancelled:
            log.info(
                "round: %d sent, %d skipped as too late, %d cancelled",
                len(batch.sent),
                len(batch.skipped),
                len(batch.cancelled),
            )
        return batch.messages

    def _sort(self, batch: _Batch, row: ScheduledStep) -> None:
        """Decide one claimed row: sent (its message added), skipped as too late (a notice
        added), cancelled (its person, pair, program or step is gone) or later (quiet hours)."""
        person, pair = batch.people.get(row.person_id), batch.pairs.get(row.pair_id)
        if person is None or pair is None:
            batch.cancelled.append(row.id)  # erased person or pair: nothing to send
            return
        key = (pair.program, row.curriculum, row.step_id)
        if key not in batch.steps:
            batch.steps[key] = self._step(*key)
        found = batch.steps[key]
        if found is None:
            batch.cancelled.append(row.id)  # removed program, curriculum or step
            return
        program, curriculum, step = found
        now = batch.now
        when = (person.time_zone, program.code)
        moved = batch.sending_at.get(when)
        if moved is None:
            zone = recipient(person.time_zone, person.preferred_hour).zone
            moved = batch.sending_at[when] = out_of_quiet(now, zone, program.schedule.quiet_hours)
        if moved > now:
            batch.later.append((row.id, moved))
            return
        t = batch.translators.get(person.language)
        if t is None:
            t = batch.translators[person.language] = self.catalogs.translator(person.language)
        late = now - row.due_at > program.schedule.late_after
        self.late += late
        if late and program.schedule.late_policy is LatePolicy.SKIP:
            batch.skipped.append(row.id)
            notice = skipped_message(person.chat_id, curriculum, step, t)
            batch.messages.append((person.chat_id, serialise(notice)))
            return
        partner = batch.people.get(pair.partner_of(row.person_id))
        name = (partner.display_name if partner else None) or t._("your partner")
        batch.sent.append(row.id)
        payload = self._payloads.payload(row, person.chat_id, curriculum, step, t, name)
        batch.messages.append((person.chat_id, payload))

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
                        partial(_nudge, talked=pair.last_activity_at is not None),
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


def _nudge(role: Role, person: Contact, name: str, t: Translator, *, talked: bool) -> Effect:
    return nudge_message(role, person.chat_id, name, t, talked=talked)


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
