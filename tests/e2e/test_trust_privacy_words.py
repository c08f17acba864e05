"""Issue 13, defect 5: relayed words are not kept. End to end on both transports, on SQLite and on
PostgreSQL: a mentor with two mentees receives labelled copies (the words go through the outbox
as a text), one is edited (the edit's words too), the mentor answers, and a mentee files a report
with details (its words go to staff in the alert). Once everything is delivered, the whole
database is searched: no relayed word anywhere; the report's own words only in the report, as
the privacy notice says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.db_search import search
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, User, seed_pair, seed_person
from tests.e2e.support import settled, staffed_bot

STAFF = 9301
ANA, CY, BO = 1701, 1702, 1703  # two mentees and their mentor
RELAYED = "Zorbliquant"  # relayed by Ana, labelled for Bo
EDITED = "Quexavindo"  # Ana's edit of it
CAPTION = "Plimbarsk"  # a photo's caption from Cy, labelled
ANSWER = "Vorpelmint"  # Bo's answer to Ana
IN_REPORT = "Snarquillet"  # Ana's own words in /report


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def bot(
    request: pytest.FixtureRequest, sandbox: RunningSandbox, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    async with staffed_bot(sandbox, tmp_path, STAFF, request.param) as process:
        yield process


async def test_no_relayed_word_is_kept_after_delivery(
    client: SandboxClient, bot: BotProcess
) -> None:
    await client.create_user("Staff", id=STAFF)
    for user_id, role, name in ((ANA, Role.MENTEE, "Ana"), (CY, Role.MENTEE, "Cy")):
        await seed_person(bot, client, user_id, role=role, program="college", name=name)
    await seed_person(bot, client, BO, role=Role.MENTOR, program="college", name="Bo")
    await seed_pair(bot, ANA, BO, "college")
    await seed_pair(bot, CY, BO, "college")

    sent = await client.send_text(ANA, f"hello {RELAYED} there")
    [labelled] = await client.wait_for_messages(
        BO, lambda m: RELAYED in m.content, timeout=REPLY_TIMEOUT
    )
    assert labelled.text == f"<b>Ana</b>: hello {RELAYED} there", "a labelled copy"
    await client.send_photo(CY, caption=f"look {CAPTION}")
    [photo] = await client.wait_for_messages(
        BO, lambda m: CAPTION in m.content, timeout=REPLY_TIMEOUT
    )
    assert photo.caption == f"<b>Cy</b>: look {CAPTION}"
    await settled(bot)  # the copy is linked to its original before it is edited
    await client.edit(ANA, sent.message_id, f"hello {EDITED} there")
    [edited] = await client.wait_for_messages(
        BO, lambda m: m.edited and EDITED in m.content, timeout=REPLY_TIMEOUT
    )
    assert edited.text == f"<b>Ana</b>: hello {EDITED} there", "the edit keeps the label"
    await client.send_text(BO, f"{ANSWER} to you", reply_to_message_id=labelled.message_id)
    await client.wait_for_messages(ANA, lambda m: ANSWER in m.content, timeout=REPLY_TIMEOUT)

    ana = User(client, ANA)
    await ana.say("/report")
    await ana.press("personal details")
    await ana.say(f"He wrote {IN_REPORT} to me")
    await ana.press("No, keep it going")
    [alert] = await client.wait_for_messages(
        STAFF, lambda m: IN_REPORT in m.content, timeout=REPLY_TIMEOUT
    )
    assert f"In their words: He wrote {IN_REPORT} to me" in (alert.text or "")
    await settled(bot)

    assert bot.core is not None
    relayed = (RELAYED, EDITED, CAPTION, ANSWER)
    found = await search(bot.core.db, relayed, [])
    assert not found, f"relayed words kept: {found}"
    kept = await search(bot.core.db, (IN_REPORT,), [])
    assert [(f.table, f.column) for f in kept] == [("reports", "text")], (
        "a report's own words are kept in the report only, as /privacy says"
    )
    notice = (await ana.say("/privacy"))[0].text or ""
    assert "never what you wrote" in notice and "Never its words" in notice, "as /privacy says"


async def test_no_word_is_kept_of_a_message_that_could_not_be_delivered(
    client: SandboxClient, bot: BotProcess
) -> None:
    """A labelled copy to a mentor who blocked the bot fails for good (403): its words go too."""
    await client.create_user("Staff", id=STAFF)
    for user_id, name in ((ANA, "Ana"), (CY, "Cy")):
        await seed_person(bot, client, user_id, role=Role.MENTEE, program="college", name=name)
    await seed_person(bot, client, BO, role=Role.MENTOR, program="college", name="Bo")
    await seed_pair(bot, ANA, BO, "college")
    await seed_pair(bot, CY, BO, "college")
    await client.add_fault("403", method="sendMessage", chat_id=BO)
    await client.send_text(ANA, f"are you there {RELAYED}")
    await client.wait_for_messages(ANA, lambda m: "paused" in m.content, timeout=REPLY_TIMEOUT)
    assert not [m for m in await client.bot_messages(BO) if RELAYED in m.content]
    await settled(bot)
    assert bot.core is not None
    found = await search(bot.core.db, (RELAYED,), [])
    assert not found, f"the undelivered words are kept: {found}"
