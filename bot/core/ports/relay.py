"""Port for the relay's message-id map: which copy belongs to which original (ids only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.core.models import RelayLink


class RelayRepository(Protocol):
    """Which copy belongs to which original (ids only, never content)."""

    async def add_many(self, links: Sequence[RelayLink]) -> None:
        """Store several links at once (the sender records a batch of copies)."""
        ...

    async def copies_of(self, source_chat_id: int, source_message_id: int) -> list[RelayLink]:
        """The copies of a message someone sent (to mirror their edits)."""
        ...

    async def original_of(self, target_chat_id: int, target_message_id: int) -> RelayLink | None:
        """The original of a copy someone received (to thread their reply to it)."""
        ...

    async def recent(self, pair_id: int, limit: int) -> list[RelayLink]:
        """The pair's latest relayed messages, newest first (context for a report)."""
        ...

    async def purge(self, before: datetime) -> int: ...
