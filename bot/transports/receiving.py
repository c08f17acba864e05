"""Receiving updates, for every transport: long polling (`polling.Poller`, which confirms an update
to Telegram only once the core handled it), or updates fed from the webhook server. Each update
is decoded on its own from the Bot API's JSON, mapped to an `Inbound` (`inbound.update_event`,
through the framework's `to_event`) and handed to the core; one the framework cannot decode is
set aside (`unreadable`) and stops no other. A framework supplies only its own calls
(`FrameworkUpdates`): parsing, fetching raw updates, what to do before polling, and registering a
webhook. No business rules here, and none of the frameworks' dispatchers, handlers or
conversation state: conversations live in the core.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from bot.core.events import Inbound
from bot.transports.base import (
    Menus,
    TransportAdapter,
    UpdateHandler,
    publish_menus,
)
from bot.transports.inbound import update_kind
from bot.transports.polling import Fetched, Poller, hand_over
from bot.transports.unreadable import SetAside


class _Update(Protocol):
    @property
    def update_id(self) -> int: ...


U = TypeVar("U", bound=_Update)


class FrameworkUpdates(Protocol[U]):
    """One framework's calls for receiving its `Update` objects."""

    def parse(self, raw: dict[str, Any]) -> U:
        """An update from its Bot API JSON; raises whatever the framework raises if malformed."""
        ...

    def to_event(self, update: U) -> Inbound | None: ...

    async def get_raw_updates(self, offset: int | None) -> list[dict[str, Any]]:
        """One long poll from `offset`, the updates left undecoded (Bot API JSON objects)."""
        ...

    async def before_polling(self) -> None:
        """Remove any webhook (keeping pending updates), and whatever else polling needs."""
        ...

    async def set_webhook(self, url: str, *, secret_token: str | None) -> None: ...


class Receiver(Generic[U]):
    """`UpdateReceiver` over one framework's `FrameworkUpdates`."""

    def __init__(
        self,
        adapter: TransportAdapter,
        updates: FrameworkUpdates[U],
        handler: UpdateHandler,
        *,
        menus: Menus,
    ) -> None:
        self._adapter = adapter
        self._updates = updates
        self._handler = handler
        self._menus = menus
        self._poller = Poller(self._fetch, handler)
        self._set_aside = SetAside()

    @property
    def unreadable(self) -> int:
        """Updates set aside since start because the framework could not decode them."""
        return self._set_aside.count

    async def start(self) -> None:
        """Remove any webhook, publish the menus, start polling."""
        await self._updates.before_polling()
        await publish_menus(self._adapter, self._menus)
        self._poller.start()

    async def start_webhook(self, url: str, *, secret_token: str | None = None) -> None:
        """Publish the menus and register the webhook; updates then arrive by `feed_update`."""
        await publish_menus(self._adapter, self._menus)
        await self._updates.set_webhook(url, secret_token=secret_token)

    async def feed_update(self, raw: Mapping[str, Any]) -> None:
        """Handle one update in the Bot API's JSON form; return once the core handled it (one
        that cannot be decoded: once it was set aside). Raises whatever the core raised."""
        await hand_over(self._handler, self._decode(raw))

    async def stop(self) -> None:
        """Stop polling; the batch under way gets the stop grace."""
        await self._poller.stop()

    async def _fetch(self, offset: int | None) -> list[Fetched]:
        return [
            Fetched(raw["update_id"], update_kind(raw), self._decode(raw))
            for raw in await self._updates.get_raw_updates(offset)
            if isinstance(raw, dict) and isinstance(raw.get("update_id"), int)
        ]

    def _decode(self, raw: Mapping[str, Any]) -> Callable[[], Inbound | None]:
        """How to map one raw update: the framework's `to_event` if it decodes, else what can
        be read of it once it was set aside."""
        try:
            update = self._updates.parse(dict(raw))
        except Exception as exc:  # a validation error, or whatever a field's parser hits
            event = self._set_aside.event(raw, exc, datetime.now(UTC))
            return lambda: event
        return partial(self._updates.to_event, update)
