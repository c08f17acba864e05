"""Issue 13, defect 6: answering a check-in keeps the step, and /steps (or the button under each
step) rereads a pair's steps with their resources. Real aiogram and python-telegram-bot over
HTTP against the sandbox; what people see is read from the chats, what is kept from the
database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.core.models import Role, StepStatus
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from tests.e2e.harness import BotProcess, User, seed_pair, seed_person
from tests.e2e.quick_program import PROGRAM

STALE = "This button is no longer active. Please use the latest message."
STEP_BUTTONS = ["Good", "Bad", "🔗 Guide", "📄 Worksheet", "📚 All steps"]


def labels(message: ChatMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


def button(message: ChatMessage, label: str) -> str:
    data = next(b.callback_data for row in message.buttons for b in row if b.text == label)
    assert data is not None
    return data


async def steps_of(client: SandboxClient, chat: int, count: int) -> list[ChatMessage]:
    """The first `count` step messages delivered to the chat (📘 mentee, 🧭 mentor)."""
    return await client.wait_for_messages(
        chat, lambda m: (m.text or "").startswith(("📘", "🧭")), count=count, timeout=15
    )


async def answers(client: SandboxClient, chat: int, count: int) -> list[str | None]:
    """The first `count` answers to this chat's button presses, once they have all come."""
    for _ in range(300):
        got = await client.callback_answers(chat)
        if len(got) >= count:
            return [a.text for a in got]
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(got)} of {count} presses answered in chat {chat}")


async def current(
    client: SandboxClient, chat: int, message_id: int, ready: Callable[[ChatMessage], bool]
) -> ChatMessage:
    """Message `message_id` of the chat once `ready` says it is (an edit has landed)."""
    for _ in range(300):
        found = [m for m in await client.messages(chat) if m.message_id == message_id]
        if found and ready(found[0]):
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never became ready: {found}")


async def test_answering_a_checkin_keeps_the_step_text_and_links(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    await seed_person(bot, client, 7101, role=Role.MENTEE, program=PROGRAM, name="Mia")
    await seed_person(bot, client, 7102, role=Role.MENTOR, program=PROGRAM, name="Ned")
    pair = await seed_pair(bot, 7101, 7102, PROGRAM)
    [step] = await steps_of(client, 7101, 1)
    assert "Mentee text 1" in (step.text or "")
    await client.press(7101, step.message_id, callback_data=button(step, "Good"))
    assert await answers(client, 7101, 1) == ["Thank you, your answer is saved."]
    after = await current(client, 7101, step.message_id, lambda m: m.edited)
    assert after.text == step.text, "the step's text must stay after a check-in answer"
    assert labels(step) == STEP_BUTTONS
    assert labels(after) == ["✅ Good", *STEP_BUTTONS[1:]]
    assert [b.url for row in after.buttons for b in row][2] == "https://example.org/guide"
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        stored = await uow.checkins.of_pair(pair.id)
    assert [(a.person_id, a.answer) for a in stored] == [(7101, "good")]
    # the step's document and the list of steps still work from the kept message
    mia = User(client, 7101)
    since = await mia.last_id()
    await client.press(7101, step.message_id, callback_data=button(after, "📄 Worksheet"))
    await client.press(7101, step.message_id, callback_data=button(after, "📚 All steps"))
    document, listing = await client.wait_for_messages(7101, count=2, since=since)
    assert document.kind == "document" and document.caption == "Worksheet"
    head, line = (listing.text or "").splitlines()[:2]
    assert head == "<b>📚 Your steps with Ned</b>"
    assert line.startswith("✅ Step 1 of 3 · Title 1 — delivered ")
    assert line.endswith(", check-in answered")


async def test_steps_lists_and_reopens_each_sides_steps(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    await seed_person(bot, client, 7201, role=Role.MENTEE, program=PROGRAM, name="Mia")
    await seed_person(bot, client, 7203, role=Role.MENTEE, program=PROGRAM, name="Leo")
    await seed_person(bot, client, 7202, role=Role.MENTOR, program=PROGRAM, name="Ned")
    await seed_pair(bot, 7201, 7202, PROGRAM)
    await steps_of(client, 7201, 1)
    await client.advance_clock(31)
    await steps_of(client, 7201, 2)
    await steps_of(client, 7202, 2)
    second = await seed_pair(bot, 7203, 7202, PROGRAM)
    await steps_of(client, 7202, 3)
    mia = User(client, 7201)
    [listing] = await mia.say("/steps")
    lines = (listing.text or "").splitlines()
    assert lines[0] == "<b>📚 Your steps with Ned</b>"
    assert lines[1].startswith("❔ Step 1 of 3 · Title 1 — delivered ")
    assert lines[1].endswith(", check-in not answered yet")
    assert lines[2].startswith("📬 Step 2 of 3 · Title 2 — delivered ")
    assert lines[3].startswith("1 more step to come, the next on ")
    assert labels(listing) == ["1. Title 1", "2. Title 2"]
    [again] = await mia.press("1. Title 1")
    text = again.text or ""
    assert text.startswith("🔁 <i>Delivered on ") and "in your mentorship with Ned." in text
    assert "Mentee text 1" in text and "How is it?" in text and "Mentor text" not in text
    assert labels(again) == STEP_BUTTONS
    [document] = await mia.press("Worksheet")
    assert document.kind == "document" and document.caption == "Worksheet"
    # the mentor of two mentees chooses whose steps, and sees the mentor's side
    ned = User(client, 7202)
    [choice] = await ned.say("/steps")
    assert choice.text == "Whose steps would you like to see?"
    assert labels(choice) == ["Mia", "Leo"]
    await ned.press("Leo", expect=0)
    leo = await current(client, 7202, choice.message_id, lambda m: m.edited)
    assert (leo.text or "").startswith("<b>📚 Your steps with Leo</b>\n📬 Step 1 of 3 · Title 1")
    assert "Step 2 of 3" not in (leo.text or "")
    assert labels(leo) == ["1. Title 1", "👥 Other mentorships"]
    [prompt] = await ned.press("1. Title 1")
    text = prompt.text or ""
    assert "in your mentorship with Leo." in text and "Mentor text 1" in text
    assert "Mentee text" not in text and "How is it?" not in text
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        rows = await uow.schedule.of_pair(second.id)
    assert {(r.role, r.status) for r in rows if r.step_id == "step1"} == {
        (Role.MENTEE, StepStatus.SENT),
        (Role.MENTOR, StepStatus.SENT),
    }


async def test_forged_and_stale_steps_presses_change_nothing(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    for user_id, role, name in (
        (7301, Role.MENTEE, "Mia"),
        (7302, Role.MENTOR, "Ned"),
        (7303, Role.MENTEE, "Leo"),
        (7304, Role.MENTOR, "Eve"),
    ):
        await seed_person(bot, client, user_id, role=role, program=PROGRAM, name=name)
    pair = await seed_pair(bot, 7301, 7302, PROGRAM)
    other = await seed_pair(bot, 7303, 7304, PROGRAM)
    [step] = await steps_of(client, 7301, 1)
    await steps_of(client, 7303, 1)
    assert bot.core is not None
    for _ in range(250):  # each delivered step's message id is noted once the sender has sent it
        async with bot.core.conversations.uows() as uow:
            before = await uow.schedule.of_pair(pair.id)
            theirs = await uow.schedule.of_pair(other.id)
        sent = [r for r in before + theirs if r.status is StepStatus.SENT]
        if all(r.message_id is not None for r in sent):
            break
        await asyncio.sleep(0.02)
    mine = [r for r in before if r.person_id == 7301]
    leos = [r for r in theirs if r.person_id == 7303]
    assert mine[0].status is StepStatus.SENT and mine[1].status is StepStatus.SCHEDULED
    forged = {
        f"cs:o:{mine[1].id}": "That step hasn't arrived yet: it comes on its day.",
        f"cs:o:{leos[0].id}": STALE,  # another pair's step
        f"cs:l:{leos[0].id}": STALE,
        f"cs:p:{other.id}": STALE,
        "cs:o:99999999": STALE,
        "cs:zz": STALE,
    }
    since = step.message_id
    for data in forged:
        await client.press(7301, step.message_id, callback_data=data, force=True)
    assert await answers(client, 7301, len(forged)) == list(forged.values())
    await client.press(7302, step.message_id, callback_data=f"cs:o:{mine[0].id}", force=True)
    assert await answers(client, 7302, 1) == [STALE]  # the partner cannot open Mia's side
    await asyncio.sleep(0.5)
    assert await client.bot_messages(7301, since=since) == []
    assert [m for m in await client.bot_messages(7302) if "Mentee text" in (m.text or "")] == []
    unchanged = await current(client, 7301, step.message_id, lambda m: True)
    assert not unchanged.edited and unchanged.text == step.text
    async with bot.core.conversations.uows() as uow:
        assert await uow.schedule.of_pair(pair.id) == before
        assert await uow.checkins.of_pair(pair.id) == []
