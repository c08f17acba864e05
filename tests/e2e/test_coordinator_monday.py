"""A program coordinator's Monday morning, end to end on each transport, through the bot only:
approve a new volunteer, answer a crisis alert in the staff group's topic, check on the quiet
pairs, send a reminder to everyone, and export the figures for a funder.

Each task is timed from the coordinator's first message or tap to the last answer it needs, and
counted in what the coordinator did (messages typed, buttons tapped); the walk is written to
`tests/artifacts/monday-<transport>.json` (the closing note of the program team's issue quotes
it). Every message the coordinator read is scanned for raw ids and codes."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from tests.e2e.forum import post, staff_group, wait_for_topic, wait_in_topic
from tests.e2e.harness import REPLY_TIMEOUT, User, seed_pair
from tests.e2e.staff_world import COORD_A, MIA, NED, ONA, START, World, staff_bot, world
from tests.staff_words import problems

__all__ = ["staff_bot", "world"]  # the fixtures

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def containing(text: str) -> Callable[[ChatMessage], bool]:
    return lambda m: text in (m.text or m.caption or "")


@dataclass
class Task:
    name: str
    typed: int = 0
    taps: int = 0
    seconds: float = 0.0


@dataclass
class Day:
    tasks: list[Task] = field(default_factory=list)

    def start(self, name: str) -> Task:
        task = Task(name)
        self.tasks.append(task)
        task.seconds = -time.perf_counter()
        return task

    @staticmethod
    def done(task: Task) -> None:
        task.seconds = round(task.seconds + time.perf_counter(), 2)


async def test_the_coordinators_monday(
    world: World, client: SandboxClient, sandbox: RunningSandbox
) -> None:
    day = Day()
    coordinator = User(client, COORD_A)
    await seed_pair(world.bot, MIA, NED, "college")
    await coordinator.say("/help")  # the coordinator has talked to the bot before
    group = await staff_group(client, [COORD_A])
    await post(client, group.id, COORD_A, "/program staffgroup college")
    await wait_in_topic(client, group.id, None, containing("now holds the cases"))
    await client.set_clock(START + timedelta(days=22))  # Mia and Ned silent for three weeks

    # 1. Approve the volunteer who finished training over the weekend.
    task = day.start("approve a new volunteer")
    [card] = await coordinator.say("/panel")
    assert "1 mentor waiting for approval" in (card.text or "")
    [listed] = await coordinator.press("Waiting for approval")
    assert "Ona" in (listed.text or "") and "training passed" in (listed.text or "")
    await coordinator.press("Approve Ona")
    await client.wait_for_messages(ONA, containing("approved"), timeout=REPLY_TIMEOUT)
    task.typed, task.taps = 1, 2
    day.done(task)

    # 2. Check on the quiet pairs.
    task = day.start("check the quiet pairs")
    [card] = await coordinator.say("/panel")
    assert "1 quiet pair" in (card.text or ""), card.text
    [quiet] = await coordinator.press("Quiet pairs")
    assert "Mia" in (quiet.text or "") and "Ned" in (quiet.text or ""), quiet.text
    task.typed, task.taps = 1, 1
    day.done(task)

    # 3. A crisis alert arrives as a topic of the staff group; the coordinator answers there.
    task = day.start("answer a crisis alert")
    sent = time.perf_counter()
    await client.send_text(MIA, "I want to kill myself")
    topic = await wait_for_topic(client, group.id, "Mia · crisis")
    await wait_in_topic(client, group.id, topic.thread_id, containing("Crisis alert"))
    alert_seconds = round(time.perf_counter() - sent, 2)
    await post(client, group.id, COORD_A, "We are here for you, Mia.", topic=topic.thread_id)
    [team] = await client.wait_for_messages(MIA, containing("We are here for you"), timeout=15)
    assert (team.text or "").startswith("🏛 <b>Program team</b>")
    await client.close_topic(group.id, COORD_A, topic.thread_id)
    task.typed, task.taps = 1, 1  # the answer, and closing the topic
    day.done(task)
    assert not any("We are here" in (m.text or "") for m in await client.bot_messages(NED))

    # 4. A reminder to everyone in the program.
    task = day.start("broadcast a reminder")
    [preview] = await coordinator.say("/broadcast college all Orientation moved to Friday 6pm")
    await coordinator.press("Send to", expect=0)
    for someone in (MIA, NED, ONA):
        [got] = await client.wait_for_messages(
            someone, containing("Orientation moved"), timeout=REPLY_TIMEOUT
        )
        assert "team" in (got.text or "")  # headed by the program team, not a partner
    task.typed, task.taps = 1, 1
    day.done(task)

    # 5. The figures for a funder: the charts, then the same figures as a CSV file.
    task = day.start("report the figures")
    since = await coordinator.last_id()
    await client.send_text(COORD_A, "/stats")
    await client.wait_for_messages(  # the summary, then three charts
        COORD_A, lambda m: m.kind == "photo", count=3, since=since, timeout=REPLY_TIMEOUT
    )
    [csv] = await coordinator.press("CSV")
    stored = sandbox.sandbox.files.get(csv.file_id or "")
    assert stored is not None and (stored.file_name or "").endswith(".csv")
    assert "College First Year" in stored.data.decode()
    task.typed, task.taps = 1, 1
    day.done(task)

    names = {"Mia", "Ned", "Ona"}
    for message in [*await client.bot_messages(COORD_A), *await client.messages(group.id)]:
        for text in [message.text or message.caption or ""] + [
            b.text for row in message.buttons for b in row
        ]:
            assert not problems(text, {MIA, NED, ONA, COORD_A}, names), text

    transport = os.environ.get("MENTORBOT_TEST_TRANSPORTS", "aiogram")
    ARTIFACTS.mkdir(exist_ok=True)
    walk = {
        "transport": transport,
        "crisis_alert_to_topic_seconds": alert_seconds,
        "tasks": [task.__dict__ for task in day.tasks],
    }
    (ARTIFACTS / f"monday-{transport}.json").write_text(json.dumps(walk, indent=2))
    print(json.dumps(walk))
