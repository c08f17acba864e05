"""Languages are data: a pseudo-language with an invented code (`xx`), added by configuration
alone (LANGUAGES, LANGUAGE_NAMES and curriculum files with `xx:` texts; no code), is offered at
onboarding under its configured name, stored as the person's language, and a curriculum step
comes in its text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.harness import BotProcess, User, seed_pair, seed_person, sqlite_url
from tests.e2e.quick_program import CURRICULUM, PROGRAM, write_quick_curricula
from tests.e2e.support import started


def with_pseudo(node: Any) -> Any:
    """Every text ({en: ..., it: ...}) also written in `xx`, as "[xx] <English>"."""
    if isinstance(node, dict):
        if set(node) == {"en", "it"}:
            return {**node, "xx": f"[xx] {node['en']}"}
        return {key: with_pseudo(value) for key, value in node.items()}
    if isinstance(node, list):
        return [with_pseudo(item) for item in node]
    return node


def write_pseudo_curricula(folder: Path) -> Path:
    """The quick program's files, rewritten with `xx:` texts beside `en:` and `it:`."""
    write_quick_curricula(folder)
    for path in (folder / "programs" / f"{PROGRAM}.yaml", folder / CURRICULUM / "curriculum.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(with_pseudo(data), allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture
async def pseudo_bot(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotProcess]:
    monkeypatch.setenv("LANGUAGES", "en,it,xx")
    monkeypatch.setenv("LANGUAGE_NAMES", "xx=Pseudolingua")
    folder = write_pseudo_curricula(tmp_path / "curricula")
    process = BotProcess(sandbox, sqlite_url(tmp_path), {"curricula_dir": folder})
    async with started(process) as bot:
        yield bot


async def test_onboarding_and_a_step_in_a_configured_pseudo_language(
    client: SandboxClient, pseudo_bot: BotProcess
) -> None:
    bot = pseudo_bot
    menus = {c.get("language_code") or "": c["commands"] for c in await client.commands()}
    assert {"", "en", "it", "xx"} <= set(menus)  # a command menu for each offered language
    assert [c["command"] for c in menus["xx"]] == [c["command"] for c in menus["en"]]
    xia = await User.create(client, "Xia", language="xx")
    await xia.say(f"/start {PROGRAM}")
    buttons = [b.text for row in (await xia.keyboard()).buttons for b in row]
    assert buttons == ["English", "Italiano", "Pseudolingua"]
    await xia.press("Pseudolingua")
    person = await bot.person(xia.id)
    assert person is not None and person.language == "xx"
    await xia.press("I agree")  # no catalog for xx: the bot's own words are the English ones
    await xia.say("23/04/1990")
    out = await xia.press("I'd like a mentor")
    assert "[xx] Pick" in (out[-1].text or "")  # the program's question, in xx
    labels = [b.text for row in (await xia.keyboard()).buttons for b in row]
    assert any("[xx] One" in label for label in labels)
    for question in ("goals", "interests", "experiences", "languages"):
        if question != "experiences":
            await xia.press("[xx] One", expect=0)
        await xia.press("Done")
    await xia.say("Rome")
    await xia.press("18:00")
    await xia.say("Xia")
    await xia.press("Confirm")

    await seed_person(bot, client, 902, role=Role.MENTOR, program=PROGRAM)
    await seed_pair(bot, xia.id, 902, PROGRAM)
    steps = await client.wait_for_messages(
        xia.id, lambda m: "Step " in (m.text or ""), count=1, timeout=15
    )
    text = steps[0].text or ""
    assert "[xx] Title 1" in text and "[xx] Mentee text 1" in text
    assert "Mentee text 1 (it)" not in text
    person = await bot.person(xia.id)
    assert person is not None and person.language == "xx"
