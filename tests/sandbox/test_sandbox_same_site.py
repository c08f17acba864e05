"""Other web sites cannot drive the sandbox from the person's browser: a cross-site request or
WebSocket (its Origin is not the sandbox's), a domain rebound to 127.0.0.1 (its Host is not
loopback) and a control POST that is not JSON (a form or text/plain, which a page may send
cross-site without asking) are refused and change nothing."""

from __future__ import annotations

import aiohttp
import pytest

from bot.sandbox.server import RunningSandbox
from bot.sandbox.web_guard import allowed_hosts
from bot.sandbox.webchat.routes import _CSP

EVIL = "http://evil.example"


async def test_a_cross_site_post_is_refused_and_creates_nobody(running: RunningSandbox) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{running.url}/sandbox/users",
            json={"first_name": "Mallory"},
            headers={"Origin": EVIL},
        ) as response:
            assert response.status == 403
        assert running.sandbox.users == {}
        own = running.url
        async with session.post(
            f"{running.url}/sandbox/users", json={"first_name": "Jo"}, headers={"Origin": own}
        ) as response:
            assert response.status == 200, await response.text()
        assert [u.first_name for u in running.sandbox.users.values()] == ["Jo"]


async def test_a_cross_site_websocket_is_refused(running: RunningSandbox) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(f"{running.url}/chat/ws", headers={"Origin": EVIL})
        assert refused.value.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(f"{running.url}/chat/ws", headers={"Origin": "null"})
        async with session.ws_connect(
            f"{running.url}/chat/ws", headers={"Origin": running.url}
        ) as ws:
            assert (await ws.receive_json(timeout=5))["type"] == "hello"


async def test_a_rebound_host_name_is_refused(running: RunningSandbox) -> None:
    port = running.url.rsplit(":", 1)[1]
    async with aiohttp.ClientSession() as session:
        for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}"):
            async with session.get(
                f"{running.url}/chat/api/state", headers={"Host": host}
            ) as response:
                assert response.status == 403, host
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            async with session.get(
                f"{running.url}/chat/api/state", headers={"Host": host}
            ) as response:
                assert response.status == 200, host


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_a_control_post_that_is_not_json_is_refused(
    running: RunningSandbox, content_type: str
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{running.url}/sandbox/users",
            data=b'{"first_name": "Mallory"}',
            headers={"Content-Type": content_type},
        ) as response,
    ):
        assert response.status == 415
        assert "application/json" in (await response.json())["error"]
    assert running.sandbox.users == {}


def test_the_listening_address_is_allowed_but_a_wildcard_adds_nothing() -> None:
    assert "192.168.1.5" in allowed_hosts("192.168.1.5")
    assert allowed_hosts("0.0.0.0") == allowed_hosts("127.0.0.1")
    assert "::1" in allowed_hosts("::")


def test_the_page_may_connect_only_to_its_own_origin() -> None:
    assert "connect-src 'self';" in _CSP and "ws:" not in _CSP
