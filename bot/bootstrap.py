"""The composition root: reads nothing itself, wires storage, core, sender and transport.

`build_core` is shared by `mentorbot run`, the demo and the end-to-end tests, so they all run
exactly the same objects.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.core.clock import SystemClock
from bot.core.conversations import Conversations
from bot.core.effects import Effect
from bot.core.engine import FlowEngine
from bot.core.ports import ChatApi, Clock, Forums, UnitOfWorkFactory
from bot.core.privacy import Retention
from bot.core.programs import ProgramCatalog, load_programs
from bot.delivery.limits import RateLimits
from bot.delivery.sender import Sender
from bot.handlers.commands import REGISTRY
from bot.handlers.dispatch import MentorbotDispatcher
from bot.handlers.staff.kit import LateForums, StaffServices
from bot.handlers.staff.org import all_menus
from bot.handlers.staff.router import StaffRouter
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.broadcasts import BroadcastProgress
from bot.services.curriculum import CurriculumDelivery
from bot.services.inbox_groups import CaseFallback
from bot.services.matchmaking import Matchmaker, matching_round
from bot.services.relay_links import RelayLinks
from bot.storage import migrate
from bot.storage.db import create_engine, session_factory
from bot.storage.uow import sql_uow_factory
from flows.registry import FLOWS

log = logging.getLogger(__name__)
SEEN_UPDATES_KEPT = timedelta(days=7)


@dataclass
class Core:
    """Everything the transports and the scheduler need, wired together."""

    settings: Settings
    db: AsyncEngine
    clock: Clock
    catalogs: Catalogs
    programs: ProgramCatalog
    conversations: Conversations
    sender: Sender
    delivery: CurriculumDelivery
    matchmaker: Matchmaker
    staff: StaffServices

    async def matching_round(self) -> None:
        """Expire late proposals and ask mentors for waiting mentees (the timer's job)."""
        await matching_round(
            self.conversations.uows, self.matchmaker, self.clock, self.sender.wake
        )

    def menus(self) -> dict[str | None, list[tuple[str, str]]]:
        """Everyone's command menu for each language (from the command registry)."""
        return {k: list(v) for k, v in REGISTRY.menus(self.catalogs).items()}

    async def close(self) -> None:
        """Release the database (and let the garbage collector see everything again)."""
        await self.db.dispose()
        gc.unfreeze()


async def build_core(
    settings: Settings,
    api: ChatApi,
    *,
    clock: Clock | None = None,
    migrate_first: bool = True,
    forums: Forums | None = None,
) -> Core:
    """Migrate the database and wire the core around `api` (the transport's ChatApi) and
    `forums` (its questions about supergroups; None: filled in later, `core.staff.forums`)."""
    programs = load_programs(settings.curricula_dir, settings.offered_languages())
    if migrate_first:
        await migrate.upgrade(settings.database_url)
    db = create_engine(settings.database_url)
    uows = sql_uow_factory(session_factory(db))
    clock = clock or SystemClock()
    catalogs = Catalogs(languages=settings.offered_languages())
    matchmaker = Matchmaker(programs, catalogs)
    staff_services = staff_services_of(settings, programs, catalogs, matchmaker, forums)
    dispatcher = build_dispatcher(settings, staff_services)
    conversations = Conversations(
        uows, clock, catalogs, dispatcher, idle_expiry=settings.flow_idle_expiry
    )
    broadcasts = BroadcastProgress(uows, clock, catalogs)
    case_fallback = CaseFallback(uows, clock, dispatcher.inbox.desk)
    sender = Sender(
        uows,
        api,
        clock,
        on_blocked=conversations.recipient_blocked,
        on_sent=broadcasts,
        on_failed=on_failed(broadcasts, case_fallback),
        record_sent=RelayLinks(clock),
        limits=RateLimits(overall_limit=settings.send_rate),
    )
    conversations.on_committed = sender.wake
    broadcasts.on_queued = sender.wake
    case_fallback.on_queued = sender.wake
    await queue_staff_menus(uows, staff_services, clock)
    delivery = CurriculumDelivery(uows, clock, programs, catalogs, on_queued=sender.wake)
    log.info("core ready: %d programs, languages %s", len(programs), ",".join(catalogs.languages))
    # What is loaded by now (modules, catalogs, programs, the engine) lives as long as the core:
    # keep the collector's full collections from walking it again and again (measured: pauses
    # of the event loop of ~0.5 s, a tenth of the relay's throughput). `close` undoes it.
    gc.freeze()
    return Core(
        settings,
        db,
        clock,
        catalogs,
        programs,
        conversations,
        sender,
        delivery,
        matchmaker,
        staff_services,
    )


def on_failed(
    *hooks: BroadcastProgress | CaseFallback,
) -> Callable[[Effect], Awaitable[None]]:
    """The sender's `on_failed` hook: each service's, in turn (none of them raises)."""

    async def undelivered(effect: Effect) -> None:
        for hook in hooks:
            await hook.undelivered(effect)

    return undelivered


def staff_services_of(
    settings: Settings,
    programs: ProgramCatalog,
    catalogs: Catalogs,
    matchmaker: Matchmaker,
    forums: Forums | None,
) -> StaffServices:
    """What staff handlers share (`forums` None: filled in once the transport starts)."""
    return StaffServices(
        programs,
        catalogs,
        settings.superadmin_ids,
        matchmaker,
        [settings.bot_username] if settings.bot_username else [],
        REGISTRY,
        LateForums(forums),
    )


def build_dispatcher(settings: Settings, services: StaffServices) -> MentorbotDispatcher:
    """The flows, the feature handlers and the staff router, routed by the command registry."""
    return MentorbotDispatcher(
        FlowEngine(FLOWS, services.programs, settings.min_age),
        services.catalogs.registry,
        services.matchmaker,
        staff=Staff(settings.superadmin_ids, settings.default_language),
        retention=retention_of(settings),
        staff_router=StaffRouter(services),
    )


async def queue_staff_menus(
    uows: UnitOfWorkFactory, services: StaffServices, clock: Clock
) -> None:
    """Give every staff member and super-admin their own command menu (chat scope)."""
    async with uows() as uow:
        await uow.outbox.add(await all_menus(uow, services), clock.now())
        await uow.commit()


def retention_of(settings: Settings) -> Retention:
    """How long records are kept (RELAY_RETENTION_DAYS, REPORT_RETENTION_DAYS) and an unfinished
    conversation (FLOW_IDLE_EXPIRY)."""
    return Retention(
        settings.relay_retention_days, settings.report_retention_days, settings.flow_idle_expiry
    )


async def purge_seen_updates(core: Core) -> None:
    """Forget update ids older than a week (Telegram never redelivers that late)."""
    async with core.conversations.uows() as uow:
        removed = await uow.updates.purge(core.clock.now() - SEEN_UPDATES_KEPT)
        await uow.commit()
    if removed:
        log.info("forgot %d old update ids", removed)
