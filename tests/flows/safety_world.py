"""The safeguarding transcripts' world: the core over fakes with a staff member to alert, and a
mentee and a mentor (both called Sam) paired."""

from __future__ import annotations

from datetime import timedelta

from bot.core import effects as fx
from bot.core.conversations import Conversations
from bot.core.engine import FlowEngine
from bot.core.models import RelayLink
from bot.handlers.dispatch import MentorbotDispatcher
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.pairs import start_pair
from flows.registry import FLOWS
from tests.dialog import Bot, Dialog, onboard

STAFF = 900
MENTEE, MENTOR, OTHER = 610, 611, 612
DAY = 86400.0


def safety_bot() -> tuple[Bot, MentorbotDispatcher]:
    """The core over fakes, with a staff member to alert."""
    bot = Bot()
    catalogs = Catalogs("en")
    dispatcher = MentorbotDispatcher(
        FlowEngine(FLOWS, bot.programs, 18),
        catalogs.registry,
        bot.matchmaker,
        staff=Staff((STAFF,)),
    )
    bot.conversations = Conversations(
        bot.store.uow, bot.clock, catalogs, dispatcher, idle_expiry=timedelta(days=30)
    )
    return bot, dispatcher


async def pair_up(bot: Bot, mentee: int, mentor: int) -> int:
    async with bot.store.uow() as uow:
        pair = await start_pair(
            uow,
            bot.programs,
            mentee_id=mentee,
            mentor_id=mentor,
            program="college",
            at=bot.clock.now(),
        )
        await uow.commit()
    return pair.id


async def paired(bot: Bot) -> tuple[Dialog, Dialog, Dialog, int]:
    """An onboarded mentee (Sam) and mentor (Sam too: names come from onboarding), paired."""
    mentee, mentor, staff = Dialog(bot, MENTEE), Dialog(bot, MENTOR), Dialog(bot, STAFF)
    await onboard(mentee, role="mentee")
    await onboard(mentor, role="mentor")
    pair_id = await pair_up(bot, MENTEE, MENTOR)
    for d in (mentee, mentor):
        d.new_effects()
    return mentee, mentor, staff, pair_id


def relay_history(bot: Bot, pair_id: int, count: int = 3) -> None:
    """Messages the relay passed on earlier (only ids are kept)."""
    for n in range(1, count + 1):
        sender, receiver = (MENTEE, MENTOR) if n % 2 else (MENTOR, MENTEE)
        bot.store.relay.append(
            RelayLink(
                pair_id=pair_id,
                sender_id=sender,
                source_chat_id=sender,
                source_message_id=100 + n,
                target_chat_id=receiver,
                target_message_id=200 + n,
                created_at=bot.clock.now(),
            )
        )


def copies(effects: list[fx.Effect]) -> list[tuple[int, int]]:
    return [(e.from_chat_id, e.message_id) for e in effects if isinstance(e, fx.CopyMessage)]
