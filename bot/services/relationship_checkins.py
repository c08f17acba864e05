"""Relationship check-ins: every `safety.checkin_every` of an active pair (counted from the match),
each of the two is asked "How is your mentorship going?" with one tap from 1 to 5. The answers
feed the pair's health bucket (`bot.core.health`).

A pair is asked `checkin_every` after its match, then `checkin_every` after it was last asked
(`pairs.checkin_asked_at`), outside both people's quiet hours; paused and ended pairs are not
asked. The round records the asking in the same transaction as the questions it queues, and
claims the pairs with `SKIP LOCKED` on PostgreSQL, so each check-in is asked once across
restarts and replicas.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from bot.core.effects import Effect
from bot.core.models import Contact, Role
from bot.core.ports import Clock, UnitOfWorkFactory
from bot.core.programs import ProgramCatalog
from bot.i18n import Catalogs, Translator
from bot.messages.safety import checkin_question
from bot.services.pairs import to_both

log = logging.getLogger(__name__)

BATCH = 500


class RelationshipCheckins:
    """Asks the pairs whose check-in is due (the scheduler's job calls `run`)."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        catalog: ProgramCatalog,
        catalogs: Catalogs,
        *,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.uows = uows
        self.clock = clock
        self.catalog = catalog
        self.catalogs = catalogs
        self.on_queued = on_queued
        self.asked = 0

    async def run(self) -> int:
        """Queue every due check-in; returns how many pairs were asked."""
        now = self.clock.now()
        asked = 0
        async with self.uows() as uow:
            for program in self.catalog:
                every = program.safety.checkin_every
                if every is None:
                    continue
                for pair in await uow.pairs.checkin_due(program.code, now - every, BATCH):
                    effects = await to_both(
                        uow,
                        pair,
                        now,
                        program.schedule.quiet_hours,
                        self.catalogs,
                        partial(_question, pair.id),
                    )
                    if not effects:
                        continue  # someone is in their quiet hours: a later round asks
                    await uow.pairs.update(replace(pair, checkin_asked_at=now))
                    await uow.outbox.add(effects, now)
                    asked += 1
            await uow.commit()
        self.asked += asked
        if asked:
            log.info("relationship check-ins: %d pairs asked", asked)
            self.on_queued()
        return asked


def _question(pair_id: int, _role: Role, person: Contact, partner: str, t: Translator) -> Effect:
    return checkin_question(person.chat_id, pair_id, partner, t)
