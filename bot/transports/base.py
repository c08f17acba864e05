"""The port every transport adapter implements, and what all of them share.

A transport is one messenger framework (aiogram, python-telegram-bot). Its `api` applies the
core's effects (`ChatApi`), its `forums` asks about supergroups (`Forums`);
`receiver(handler, menus=...)` turns the framework's updates into core `Inbound` events for
`handler`, whether they arrive by long polling (`start`) or from elsewhere, such as a webhook
server (`feed_update`). Both adapters expose exactly this surface, so the runtime, the webhook
server and the tests never import a framework.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from bot.core import effects as fx
from bot.core.events import Inbound
from bot.core.ports import ChatApi, Forums

ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
"""The update kinds mentorbot asks for, explicitly: Telegram otherwise keeps the last list any
client stored, and aiogram would derive its own from its handlers."""

REQUEST_TIMEOUT = 30.0
"""Seconds for one Bot API request; below the sender's lease, so a hung request cannot outlive
it. Long polls add their own wait to it."""

POLL_TIMEOUT = 10
"""Seconds a long poll (`getUpdates`) waits for updates."""

HTML = "HTML"
"""The parse mode of every text and caption in effects (the core escapes what people typed)."""

NOT_MODIFIED = "message is not modified"

Commands = Sequence[tuple[str, str]]
"""A command menu: (command without the slash, description) pairs."""

Menus = Mapping[str | None, Commands]
"""The menu for each language code; None is everyone whose language has no menu of its own."""


class UpdateHandler(Protocol):
    """The core's entry point for inbound events (dedupe by update id and per-person
    serialisation happen behind it)."""

    async def handle(self, event: Inbound) -> None: ...


class UpdateReceiver(Protocol):
    """Receives updates and hands each, as an `Inbound`, to the handler; update kinds mentorbot
    ignores, and failures of the handler, are logged and go no further. Updates are decoded one
    by one, so one the framework cannot decode holds up no other."""

    async def start(self) -> None:
        """Delete any webhook (keeping pending updates), publish the menus, start long polling
        for `ALLOWED_UPDATES`."""
        ...

    async def start_webhook(self, url: str, *, secret_token: str | None = None) -> None:
        """Publish the menus and register `url` as the webhook for `ALLOWED_UPDATES`; the
        updates then come through `feed_update`."""
        ...

    async def feed_update(self, raw: Mapping[str, Any]) -> None:
        """Handle one update given as the Bot API's JSON object (from a webhook request);
        return once the core has handled it. One the framework cannot decode is set aside
        (logged by id, counted in `unreadable`, its sender asked to send it again) and returns
        as handled; a failure of the handler is raised as it is."""
        ...

    @property
    def unreadable(self) -> int:
        """Updates set aside since start because the framework could not decode them."""
        ...

    async def stop(self) -> None:
        """Stop receiving (polling: confirm what was fetched), then wait a short grace for
        the handlers under way. The HTTP client stays open for the sender's last messages."""
        ...


class TransportAdapter(Protocol):
    """One messenger framework, wired to one bot token and Bot API server."""

    @property
    def api(self) -> ChatApi:
        """Applies the core's effects (used by the one outbound sender)."""
        ...

    @property
    def forums(self) -> Forums:
        """Asks about supergroups directly: the bot's rights, new topics, its username."""
        ...

    def receiver(self, handler: UpdateHandler, *, menus: Menus) -> UpdateReceiver:
        """A receiver handing updates to `handler` and publishing `menus` when it starts."""
        ...

    async def set_commands(
        self, commands: Commands, *, language: str | None = None, chat_id: int | None = None
    ) -> None:
        """Publish a command menu for a language (None: the default), for every private chat
        or, with `chat_id`, for that one chat only (a staff menu). An empty menu removes it.
        Raises `bot.core.errors.DeliveryError`s only."""
        ...

    async def close(self) -> None:
        """Release the HTTP client, once the sender has sent its last messages."""
        ...


async def publish_menus(adapter: TransportAdapter, menus: Menus) -> None:
    """Publish every language's menu, the default (None) first."""
    for language in sorted(menus, key=lambda code: code or ""):
        await adapter.set_commands(menus[language], language=language)


def unchanged_edit(effect: fx.Effect, error_text: str) -> fx.Sent | None:
    """An edit Telegram refused because the message already reads so counts as done (a
    repeated press, a redelivered update): its `Sent`; None for any other refusal."""
    edit = fx.EditText | fx.EditCaption | fx.EditButtons
    if isinstance(effect, edit) and NOT_MODIFIED in error_text.lower():
        return fx.Sent(message_id=effect.message_id)
    return None
