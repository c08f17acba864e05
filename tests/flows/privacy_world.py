"""The privacy transcripts' world: the core over fakes with staff and a retention policy, and
Anna (mentee, distinctive answers) paired with Marco (mentor)."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.core import effects as fx
from bot.core.conversations import Conversations
from bot.core.engine import FlowEngine
from bot.core.models import (
    RelayLink,
    Role,
)
from bot.core.privacy import Retention
from bot.handlers.dispatch import MentorbotDispatcher
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.matchmaking import Matchmaker
from bot.services.pairs import start_pair
from flows.registry import FLOWS
from tests.dialog import Bot, Dialog
from tests.factories import onboarded_person

STAFF = 900
ANNA, MARCO = 710, 711
DAY = 86400.0


def privacy_bot(retention: Retention = Retention(30, 60)) -> Bot:
    bot = Bot()
    catalogs = Catalogs("en")
    dispatcher = MentorbotDispatcher(
        FlowEngine(FLOWS, bot.programs, 18),
        catalogs.registry,
        Matchmaker(bot.programs, catalogs),
        staff=Staff((STAFF,)),
        retention=retention,
    )
    bot.conversations = Conversations(
        bot.store.uow, bot.clock, catalogs, dispatcher, idle_expiry=timedelta(days=30)
    )
    return bot


async def paired(bot: Bot) -> tuple[Dialog, Dialog, Dialog, int]:
    """Anna (mentee, with distinctive answers) and Marco (mentor), paired, with a relayed
    message each way."""
    now = bot.clock.now()
    bot.store.persons[ANNA] = onboarded_person(
        ANNA,
        Role.MENTEE,
        "college",
        now,
        display_name="Annabel Quill",
        birth_year=1994,
        goals=("financial_aid",),
        time_zone="Europe/Lisbon",
    )
    bot.store.persons[MARCO] = onboarded_person(
        MARCO,
        Role.MENTOR,
        "college",
        now,
        display_name="Marco Zephyr",
        birth_year=1971,
        time_zone="America/Toronto",
    )
    async with bot.store.uow() as uow:
        pair = await start_pair(
            uow, bot.programs, mentee_id=ANNA, mentor_id=MARCO, program="college", at=now
        )
        for n, (sender, receiver) in enumerate(((ANNA, MARCO), (MARCO, ANNA)), start=1):
            await uow.relay.add_many(
                [
                    RelayLink(
                        pair_id=pair.id,
                        sender_id=sender,
                        source_chat_id=sender,
                        source_message_id=10 + n,
                        target_chat_id=receiver,
                        target_message_id=20 + n,
                        created_at=now,
                    )
                ]
            )
        await uow.commit()
    return Dialog(bot, ANNA), Dialog(bot, MARCO), Dialog(bot, STAFF), pair.id


async def mydata(bot: Bot, d: Dialog) -> dict[str, object]:
    """The document /mydata sends."""
    out = await d.say("/mydata")
    assert out == [], "only the document"
    docs = [
        e
        for e in bot.store.pending_effects()
        if isinstance(e, fx.SendDocument) and e.chat_id == d.user.id
    ]
    assert len(docs) == 1, docs
    assert docs[0].caption == "Everything we keep about you, as of today."
    assert docs[0].filename.endswith(".json")
    loaded: dict[str, object] = json.loads(docs[0].content)
    return loaded
