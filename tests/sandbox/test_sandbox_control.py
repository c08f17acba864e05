"""The control API (through SandboxClient): users, presses, blocks, clock, faults, events."""

from __future__ import annotations

import asyncio
import base64
import time
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.sandbox import RunningSandbox, SandboxClient, SandboxClientError
from tests.sandbox.sandbox_support import BotApi

KEYBOARD = {
    "inline_keyboard": [
        [
            {"text": "Yes", "callback_data": "answer:yes"},
            {"text": "No", "callback_data": "answer:no"},
        ],
        [{"text": "Site", "url": "https://example.org"}],
    ]
}


async def test_users(client: SandboxClient) -> None:
    first = await client.create_user("Ada", username="ada", language_code="en")
    second = await client.create_user("Bob", id=42)
    assert first.id == 1_000_001 and second.id == 42
    assert [u.id for u in await client.users()] == [1_000_001, 42]
    with pytest.raises(SandboxClientError) as error:
        await client.send_text(999, "hi")
    assert error.value.status == 404


async def test_user_text_gets_command_entities(
    api: BotApi, client: SandboxClient, user_id: int
) -> None:
    await client.send_text(user_id, "/start college")
    await client.send_text(user_id, "/start@mentorbot_sandbox_bot")
    first, second = await api.ok("getUpdates")
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert second["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len("/start@mentorbot_sandbox_bot")}
    ]


async def test_user_media_contact_location_and_edit(
    api: BotApi, running: RunningSandbox, client: SandboxClient, user_id: int
) -> None:
    await client.send_photo(user_id, caption="me")
    doc = await client.send_document(user_id, b"%PDF-1.4", file_name="cv.pdf")
    await client.send_contact(user_id, "+4912345", "Ada")
    await client.send_location(user_id, 52.52, 13.40)
    text = await client.send_text(user_id, "typo")
    await client.edit(user_id, text.message_id, "fixed")
    async with aiohttp.ClientSession() as session:
        form = aiohttp.FormData()
        form.add_field("caption", "uploaded")
        form.add_field("file", b"multipart-bytes", filename="m.txt")
        url = f"{running.url}/sandbox/users/{user_id}/document"
        async with session.post(url, data=form) as response:
            assert response.status == 200
    updates = await api.ok("getUpdates")
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message"] * 5 + ["edited_message", "message"]
    assert updates[0]["message"]["caption"] == "me" and updates[0]["message"]["photo"]
    document = updates[1]["message"]["document"]
    assert document["file_name"] == "cv.pdf" and document["mime_type"] == "application/pdf"
    assert updates[2]["message"]["contact"]["phone_number"] == "+4912345"
    assert updates[3]["message"]["location"] == {"latitude": 52.52, "longitude": 13.4}
    assert updates[4]["message"]["text"] == "typo"  # the update keeps what was sent then
    assert updates[5]["edited_message"]["text"] == "fixed"
    file = await api.ok("getFile", file_id=document["file_id"])
    assert file["file_size"] == 8
    last = updates[6]["message"]["document"]
    assert last["file_name"] == "m.txt" and last["file_size"] == len(b"multipart-bytes")
    messages = await client.messages(user_id, since=doc.message_id)
    assert [m.kind for m in messages] == ["contact", "location", "text", "document"]
    assert messages[2].edited and messages[2].text == "fixed"


async def test_press_by_text_data_and_forged(
    api: BotApi, client: SandboxClient, user_id: int
) -> None:
    sent = await api.ok("sendMessage", chat_id=user_id, text="Q?", reply_markup=KEYBOARD)
    mid = sent["message_id"]
    by_text = await client.press(user_id, mid, button_text="No")
    by_data = await client.press(user_id, mid, callback_data="answer:yes")
    forged = await client.press(user_id, mid, callback_data="admin:delete_all", force=True)
    with pytest.raises(SandboxClientError) as error:
        await client.press(user_id, mid, callback_data="admin:delete_all")
    assert error.value.status == 400 and "answer:yes" in error.value.message
    with pytest.raises(SandboxClientError):
        await client.press(user_id, mid, button_text="Site")  # URL buttons send nothing
    updates = await api.ok("getUpdates")
    queries = [u["callback_query"] for u in updates]
    assert [q["data"] for q in queries] == ["answer:no", "answer:yes", "admin:delete_all"]
    assert [q["id"] for q in queries] == [
        by_text.callback_query_id,
        by_data.callback_query_id,
        forged.callback_query_id,
    ]
    assert queries[0]["message"]["message_id"] == mid
    assert queries[0]["from"]["id"] == user_id


async def test_forged_press_on_missing_message_is_inaccessible(
    api: BotApi, client: SandboxClient, user_id: int
) -> None:
    await client.press(user_id, 55, callback_data="old", force=True)
    [update] = await api.ok("getUpdates")
    assert update["callback_query"]["message"] == {
        "chat": {
            "id": user_id,
            "type": "private",
            "first_name": "Ada",
            "last_name": "L",
            "username": "ada",
        },
        "message_id": 55,
        "date": 0,
    }


async def test_answer_callback_query(api: BotApi, client: SandboxClient, user_id: int) -> None:
    sent = await api.ok("sendMessage", chat_id=user_id, text="Q?", reply_markup=KEYBOARD)
    press = await client.press(user_id, sent["message_id"], callback_data="answer:yes")
    assert (
        await api.ok(
            "answerCallbackQuery",
            callback_query_id=press.callback_query_id,
            text="Saved!",
            show_alert=True,
        )
        is True
    )
    [answer] = await client.callback_answers(user_id)
    assert (answer.callback_query_id, answer.text, answer.show_alert) == (
        press.callback_query_id,
        "Saved!",
        True,
    )
    too_old = (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    assert await api.error("answerCallbackQuery", callback_query_id="12345") == too_old
    assert (
        await api.error("answerCallbackQuery", callback_query_id=press.callback_query_id)
        == too_old
    )
    late = await client.press(user_id, sent["message_id"], callback_data="answer:no")
    await client.advance_clock(60)
    assert await api.error("answerCallbackQuery", callback_query_id=late.callback_query_id) == (
        too_old
    )


async def test_block_unblock(client: SandboxClient, user_id: int) -> None:
    await client.block(user_id)
    with pytest.raises(SandboxClientError) as error:
        await client.block(user_id)
    assert error.value.status == 409
    with pytest.raises(SandboxClientError):
        await client.send_text(user_id, "hi")  # a user who blocked the bot can't write to it
    await client.unblock(user_id)
    await client.send_text(user_id, "hi")


async def test_clock(api: BotApi, client: SandboxClient, user_id: int) -> None:
    before = await client.clock()
    assert abs(before.offset_seconds) < 1e-6
    after = await client.advance_clock(3600)
    assert after.offset_seconds == pytest.approx(3600)
    assert (after.now - before.now).total_seconds() == pytest.approx(3600, abs=5)
    target = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    state = await client.set_clock(target)
    assert abs((state.now - target).total_seconds()) < 5
    message = await api.ok("sendMessage", chat_id=user_id, text="dated")
    assert abs(message["date"] - target.timestamp()) < 5


async def test_events_long_poll(api: BotApi, client: SandboxClient, user_id: int) -> None:
    events, last = await client.events()
    assert events == [] and last == 0
    waiter = asyncio.create_task(client.events(since=0, timeout=5))
    await asyncio.sleep(0.1)
    assert not waiter.done()
    sent = await api.ok("sendMessage", chat_id=user_id, text="live", reply_markup=KEYBOARD)
    events, last = await asyncio.wait_for(waiter, 2)
    assert [(e.type, e.chat_id) for e in events] == [("message", user_id)]
    assert events[0].message is not None and events[0].message.text == "live"
    await api.ok(
        "editMessageText",
        chat_id=user_id,
        message_id=sent["message_id"],
        text="v2",
        reply_markup=KEYBOARD,
    )
    press = await client.press(user_id, sent["message_id"], callback_data="answer:yes")
    await api.ok("answerCallbackQuery", callback_query_id=press.callback_query_id, text="ok")
    await api.ok("deleteMessage", chat_id=user_id, message_id=sent["message_id"])
    events, last = await client.events(since=last)
    assert [e.type for e in events] == ["edit", "callback_answer", "delete"]
    assert events[1].callback_answer is not None and events[1].callback_answer.text == "ok"
    assert last == 4


async def test_fault_429_500_403(api: BotApi, client: SandboxClient, user_id: int) -> None:
    await client.add_fault("429", method="sendMessage", retry_after=7)
    status, body = await api.call("sendMessage", {"chat_id": user_id, "text": "x"})
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    await client.add_fault("500", chat_id=user_id, times=2)
    await api.ok("getMe")  # another chat/method: unaffected
    for _ in range(2):
        assert (await api.call("sendMessage", {"chat_id": user_id, "text": "x"}))[0] == 500
    await client.add_fault("403")
    assert (await api.call("sendMessage", {"chat_id": user_id, "text": "x"}))[0] == 403
    await api.ok("sendMessage", chat_id=user_id, text="finally")
    [message] = await client.messages(user_id)
    assert message.text == "finally"


async def test_fault_slow_and_listing(api: BotApi, client: SandboxClient, user_id: int) -> None:
    fault = await client.add_fault("slow", method="sendMessage", delay_seconds=0.3)
    assert await client.faults() == [fault]
    started = time.monotonic()
    await api.ok("sendMessage", chat_id=user_id, text="late")
    assert time.monotonic() - started >= 0.3
    assert await client.faults() == []
    await client.add_fault("500", times=5)
    await client.clear_faults()
    assert await client.faults() == []
    with pytest.raises(SandboxClientError):
        await client.add_fault("418")


async def test_rate_limit_private_chat_burst(
    api: BotApi, client: SandboxClient, user_id: int
) -> None:
    for index in range(3):
        await api.ok("sendMessage", chat_id=user_id, text=f"burst {index}")
    status, body = await api.call("sendMessage", {"chat_id": user_id, "text": "one too many"})
    assert status == 429
    assert isinstance(body["parameters"]["retry_after"], int)
    assert body["parameters"]["retry_after"] >= 1
    # Non-sending methods are not limited.
    await api.ok("editMessageText", chat_id=user_id, message_id=1, text="edited")
    await api.ok("sendChatAction", chat_id=user_id, action="typing")
    other = (await client.create_user("Other")).id
    await api.ok("sendMessage", chat_id=other, text="other chats are fine")


async def test_rate_limit_overall(api: BotApi, client: SandboxClient) -> None:
    users = [(await client.create_user(f"U{i}")).id for i in range(31)]
    statuses = [
        (await api.call("sendMessage", {"chat_id": uid, "text": "news"}))[0] for uid in users
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


async def test_wait_for_messages(api: BotApi, client: SandboxClient, user_id: int) -> None:
    sent = await client.send_text(user_id, "/start")

    async def reply_later() -> None:
        await asyncio.sleep(0.1)
        await api.ok("sendMessage", chat_id=user_id, text="Welcome!", reply_markup=KEYBOARD)

    task = asyncio.create_task(reply_later())
    [reply] = await client.wait_for_messages(user_id, since=sent.message_id, timeout=3)
    await task
    assert reply.text == "Welcome!" and reply.button_texts == ["Yes", "No", "Site"]
    assert reply.callback_datas == ["answer:yes", "answer:no"]
    with pytest.raises(AssertionError) as error:
        await client.wait_for_messages(user_id, lambda m: "Goodbye" in m.content, timeout=0.2)
    assert "Welcome!" in str(error.value) and "chat " + str(user_id) in str(error.value)


async def test_health_and_bad_control_input(
    running: RunningSandbox, client: SandboxClient
) -> None:
    assert await client.health() is True
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{running.url}/sandbox/users",
            data=b"[1]",
            headers={"Content-Type": "application/json"},
        ) as response:
            assert response.status == 400
            assert "error" in await response.json()
        body = {"content_base64": "%%%"}
        await client.create_user("X", id=5)
        async with session.post(f"{running.url}/sandbox/users/5/photo", json=body) as response:
            assert response.status == 400
    assert base64.b64encode(b"") == b""


async def test_fault_502_html_is_a_proxy_page(
    api: BotApi, client: SandboxClient, user_id: int
) -> None:
    await client.add_fault("502_html", method="sendMessage", chat_id=user_id)
    url = f"{api.url}/bot{api.token}/sendMessage"
    async with api.session.post(url, json={"chat_id": user_id, "text": "x"}) as response:
        assert response.status == 502
        assert response.content_type == "text/html"
        page = await response.text()
    assert "<title>502 Bad Gateway</title>" in page and "nginx" in page
    await api.ok("sendMessage", chat_id=user_id, text="then delivered")
    [message] = await client.messages(user_id)
    assert message.text == "then delivered"
