"""Ports for people and their conversations: who they are, the flow each is in, and which
Telegram updates were already handled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from bot.core.models import Contact, FlowState, Person


class PersonRepository(Protocol):
    """People, by Telegram user id."""

    async def get(self, user_id: int) -> Person | None: ...

    async def get_many(self, user_ids: Iterable[int]) -> list[Person]:
        """The stored people among `user_ids` (in no particular order)."""
        ...

    async def add(self, person: Person) -> None: ...

    async def update(self, person: Person) -> None: ...

    async def contacts(self, user_ids: Iterable[int]) -> list[Contact]:
        """How to reach each stored person among `user_ids` (a narrow, fast read)."""
        ...

    async def mentors(self, program: str) -> list[Person]:
        """Onboarded mentors of a program (matching filters them further)."""
        ...


class FlowRepository(Protocol):
    """The one active conversation of each person, if any."""

    async def get(self, user_id: int) -> FlowState | None: ...

    async def save(self, state: FlowState) -> None: ...

    async def delete(self, user_id: int) -> None: ...


class UpdateLog(Protocol):
    """Telegram update ids already handled, so a redelivered update is handled once."""

    async def claim(self, update_id: int, at: datetime) -> bool:
        """Record `update_id`; False when it was recorded before."""
        ...

    async def purge(self, before: datetime) -> int: ...
