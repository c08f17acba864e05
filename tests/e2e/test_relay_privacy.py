"""The relay's privacy and its reaction to a blocked bot, end to end through the sandbox.

Every request the bot sent to each partner's chat is scanned for the other person's Telegram id,
username, first and last name and phone: none may appear. The one exception is `from_chat_id`,
the address Telegram needs to copy a message from, which the recipient never sees."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.models import PairStatus, Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.harness import (
    REPLY_TIMEOUT,
    BotProcess,
    User,
    seed_pair,
    seed_person,
    sqlite_url,
)
from tests.e2e.test_relay import linked

ANA, BO, CY, STAFF = 7_310_101, 7_310_102, 7_310_103, 7_310_109
IDENTITY = {
    ANA: ("Annunziata", "Quattrocchi", "annunziata_q_secret", "+39 333 7654321"),
    BO: ("Bartholomew", "Zyskowski", "bart_zz_private", "+44 7700 900123"),
    CY: ("Cyprian", "Wolanski", "cyprian_hidden", "+48 600 700 800"),
}


async def person(
    bot: BotProcess, client: SandboxClient, user_id: int, role: Role, name: str
) -> None:
    """A seeded person whose Telegram profile is distinctive (and unlike their display name)."""
    await seed_person(bot, client, user_id, role=role, program="college", name=name)
    first, last, username, _phone = IDENTITY[user_id]
    await client.create_user(first, id=user_id, last_name=last, username=username)


def strings_and_ints(value: Any, skip: str = "from_chat_id") -> Iterator[str | int]:
    """Every string and integer inside a request's parameters, except under `skip`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != skip:
                yield from strings_and_ints(item, skip)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_and_ints(item, skip)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int | str):
        yield value


def leaks(values: list[str | int], other: int) -> list[str]:
    first, last, username, phone = IDENTITY[other]
    found = [str(v) for v in values if isinstance(v, int) and v == other]
    for text in (v for v in values if isinstance(v, str)):
        for secret in (str(other), first, last, username, phone, phone.replace(" ", "")):
            if secret.casefold() in text.casefold():
                found.append(f"{secret!r} in {text!r}")
    return found


async def test_no_partner_ever_sees_the_other_persons_telegram_identity(
    client: SandboxClient, bot: BotProcess
) -> None:
    await person(bot, client, ANA, Role.MENTEE, "Ana")
    await person(bot, client, BO, Role.MENTOR, "Bo")
    await person(bot, client, CY, Role.MENTEE, "Cy")
    await seed_pair(bot, ANA, BO, "college")
    await seed_pair(bot, CY, BO, "college")  # Bo sees names: only display names
    question = await client.send_text(ANA, "Hello Bo, how are you?")
    await client.send_photo(ANA, caption="my desk")
    for _ in range(2):
        await client.send_media(ANA, "photo", media_group_id="ana-album")
    await client.send_media(CY, "sticker")
    await client.send_media(CY, "voice", caption="a voice note")
    await client.edit(ANA, question.message_id, "Hello Bo, how are you today?")
    await client.send_contact(ANA, IDENTITY[ANA][3], IDENTITY[ANA][0])
    await client.wait_for_messages(ANA, lambda m: "phone number" in m.content)
    await User(client, ANA).press("Don't send")
    received = await client.wait_for_messages(
        BO, lambda m: m.copied or "<b>" in m.content, count=8, timeout=REPLY_TIMEOUT
    )
    from_ana = next(m for m in received if "how are you" in m.content)
    from_cy = next(m for m in received if "a voice note" in m.content)
    await linked(bot, from_ana, from_cy, chat_id=BO)
    await client.send_text(BO, "Fine, thanks Ana", reply_to_message_id=from_ana.message_id)
    await client.send_text(BO, "Hi Cy", reply_to_message_id=from_cy.message_id)
    await client.wait_for_messages(ANA, lambda m: m.copied, timeout=REPLY_TIMEOUT)
    await client.wait_for_messages(CY, lambda m: m.copied, timeout=REPLY_TIMEOUT)

    requests = await client.requests()
    for chat, others in ((BO, (ANA, CY)), (ANA, (BO, CY)), (CY, (BO, ANA))):
        sent = [r for r in requests if str(r.params.get("chat_id")) == str(chat)]
        assert sent, f"nothing was sent to {chat}"
        values = [v for r in sent for v in strings_and_ints(r.params)]
        shown = [
            v
            for m in await client.messages(chat)
            if m.from_bot
            for v in strings_and_ints(m.__dict__)
        ]
        for other in others:
            assert not leaks(values, other), f"requests to {chat} leak {other}"
            assert not leaks(shown, other), f"chat {chat} shows {other}"
    to_bo = [r.params for r in requests if str(r.params.get("chat_id")) == str(BO)]
    unfiltered = [v for params in to_bo for v in strings_and_ints(params, skip="")]
    assert leaks(unfiltered, ANA), "the scan sees from_chat_id, the one place the id goes"
    assert not any(r.method == "forwardMessage" for r in requests)
    assert not [m for m in await client.messages(BO) if m.kind == "contact"]


@pytest.fixture
async def staffed(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot with a staff member (a super-admin) who receives alerts."""
    async with SandboxClient(sandbox.url) as control:
        await control.create_user("Staff", id=STAFF)
    process = BotProcess(sandbox, sqlite_url(tmp_path), {"superadmin_ids": str(STAFF)})
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


async def pair_status(bot: BotProcess) -> PairStatus:
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(1)
    assert pair is not None
    return pair.status


PAUSED_NOTICE = "Your mentorship is paused for now; the program team will be in touch."


async def test_a_partner_who_blocks_the_bot_pauses_the_pair(
    client: SandboxClient, staffed: BotProcess
) -> None:
    await person(staffed, client, ANA, Role.MENTEE, "Ana")
    await person(staffed, client, BO, Role.MENTOR, "Bo")
    await seed_pair(staffed, ANA, BO, "college")
    await client.block(BO)
    [notice] = await client.wait_for_messages(
        ANA, lambda m: "paused" in m.content, timeout=REPLY_TIMEOUT
    )
    assert notice.text == PAUSED_NOTICE
    [alert] = await client.wait_for_messages(
        STAFF, lambda m: "blocked the bot" in m.content, timeout=REPLY_TIMEOUT
    )
    assert "Bo blocked the bot. Their mentorship with Ana in College First Year" in (
        alert.text or ""
    )
    assert str(BO) not in (alert.text or ""), "staff read names, never raw ids"
    assert await pair_status(staffed) is PairStatus.PAUSED
    reply = await User(client, ANA).say("Are you there?")
    assert "paused right now, so your message was not sent" in (reply[0].text or "")


async def test_a_403_while_relaying_pauses_the_pair(
    client: SandboxClient, staffed: BotProcess
) -> None:
    await person(staffed, client, ANA, Role.MENTEE, "Ana")
    await person(staffed, client, BO, Role.MENTOR, "Bo")
    await seed_pair(staffed, ANA, BO, "college")
    await client.add_fault("403", method="copyMessage", chat_id=BO)
    await client.send_text(ANA, "hello?")
    [notice] = await client.wait_for_messages(
        ANA, lambda m: "paused" in m.content, timeout=REPLY_TIMEOUT
    )
    assert notice.text == PAUSED_NOTICE, "told neutrally: no word about blocking"
    await client.wait_for_messages(STAFF, lambda m: "blocked the bot" in m.content)
    assert await pair_status(staffed) is PairStatus.PAUSED
    blocked = await staffed.person(BO)
    assert blocked is not None and blocked.blocked_bot
