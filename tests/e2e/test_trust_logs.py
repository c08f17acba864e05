"""Issue 13, defect 11: logs carry ids, never the bot token, message texts or names.

The whole log output (every logger, at the default level, INFO) is captured while each transport
relays a message through a 429, a JSON 500 and a proxy's HTML 502 (all retried, then delivered)
and while polling meets an update it cannot decode. Before the fix, on PTB, httpx logged every
Bot API URL (with the token) at INFO, PTB dumped the undecodable batch (texts, names, usernames)
at CRITICAL, and the HTML 502 came as an ERROR with a traceback. A retried 5xx is now one
WARNING line.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, TOKEN, BotProcess, seed_pair, seed_person

MENTEE, MENTOR, STRANGER = 7_514_001, 7_514_002, 7_514_003
WORD = "xylophonecactus"
NAMES = ("Quintessa", "Zebulon", "Ottoline", "zeb_hidden", "otto_secret", "Wilhelmina")


@pytest.fixture
def whole_log() -> Iterator[io.StringIO]:
    """Everything logged anywhere, at the bot's default level, as a handler would write it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_faults_and_a_decode_failure_leave_no_secret_in_the_logs(
    client: SandboxClient, bot: BotProcess, whole_log: io.StringIO
) -> None:
    await seed_person(bot, client, MENTEE, role=Role.MENTEE, program="college", name="Quintessa")
    await seed_person(bot, client, MENTOR, role=Role.MENTOR, program="college", name="Wilhelmina")
    await client.create_user("Zebulon", id=MENTEE, username="zeb_hidden", language_code="en")
    await client.create_user("Ottoline", id=STRANGER, username="otto_secret", language_code="en")
    await seed_pair(bot, MENTEE, MENTOR, "college")
    for kind in ("429", "500", "502_html"):  # taken in this order by the relayed copy's tries
        await client.add_fault(kind, method="copyMessage", chat_id=MENTOR, retry_after=1)

    await client.send_text(MENTEE, f"my secret {WORD} here")
    await client.forward_text(STRANGER, f"forwarded {WORD}")  # undecodable, by both frameworks
    copies = await client.wait_for_messages(MENTOR, lambda m: m.copied, timeout=REPLY_TIMEOUT + 20)
    assert copies[0].text == f"my secret {WORD} here", "delivered after the three faults"
    await client.wait_for_messages(STRANGER, timeout=REPLY_TIMEOUT)
    assert not await client.faults(), "every fault was met"
    await bot.stop()  # stopping logs too

    log = whole_log.getvalue()
    assert "copyMessage" in log or "outbox item" in log, "the capture saw the bot's logs"
    secret = TOKEN.partition(":")[2]
    assert TOKEN not in log and secret not in log, "the token"
    assert WORD not in log, "a relayed word"
    for name in NAMES:
        assert name not in log, f"a name: {name}"
    assert "Traceback" not in log
    retried = [line for line in log.splitlines() if "retry in" in line]
    assert len(retried) >= 2 and all(line.startswith("WARNING ") for line in retried)
    assert not [line for line in log.splitlines() if line.startswith(("ERROR", "CRITICAL"))]
