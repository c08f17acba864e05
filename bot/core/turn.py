"""A Turn collects everything one update changes: the person, their flow state and the effects.

Nothing in a Turn touches storage; `bot.core.conversations` persists it in one transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.core.effects import AnswerButton, EditButtons, EditText, Effect, Keyboard, SendText
from bot.core.events import Inbound
from bot.core.languages import Languages
from bot.core.models import FlowState, Person
from bot.core.writes import Write
from bot.i18n import Catalogs, Translator


class Turn:
    """The work of one inbound event for one person."""

    def __init__(
        self,
        event: Inbound,
        person: Person,
        flow: FlowState | None,
        catalogs: Catalogs,
        now: datetime,
    ) -> None:
        self.event = event
        self.person = person
        self.loaded = person  # the person as the turn began (what `set_person` changes from)
        self.flow = flow
        self.now = now
        self.effects: list[Effect] = []
        self._catalogs = catalogs
        self._answered = False
        self.expired_flow: str | None = None
        self.writes: list[Write] = []
        self.forgotten = False

    def forget(self) -> None:
        """The person's records were erased in this turn (/forgetme): nothing of theirs is
        stored again at its end; its effects still go out."""
        self.forgotten = True

    @property
    def languages(self) -> Languages:
        """The languages offered (for language buttons)."""
        return self._catalogs.registry

    @property
    def t(self) -> Translator:
        """A translator in the person's current language."""
        return self._catalogs.translator(self.person.language)

    def set_person(self, person: Person) -> None:
        """Replace the person record (persisted at the end of the turn)."""
        self.person = replace(person, updated_at=self.now)

    def set_flow(self, flow: FlowState | None) -> None:
        """Replace (or clear, with None) the person's active flow."""
        self.flow = flow

    @property
    def reply_chat(self) -> int:
        """Where this turn's answers go: the group (for an event in a supergroup), else the
        person's private chat."""
        return self.event.chat_id if self.event.group else self.person.chat_id

    @property
    def reply_thread(self) -> int | None:
        """The forum topic this turn's answers go to (None: no topic, or a private chat)."""
        return self.event.thread_id if self.event.group else None

    def say(self, text: str, buttons: Keyboard = ()) -> None:
        """Send a message to the person (in the group's topic, for an event in a group)."""
        self.effects.append(
            SendText(
                chat_id=self.reply_chat, text=text, buttons=buttons, thread_id=self.reply_thread
            )
        )

    def edit(self, message_id: int | None, text: str, buttons: Keyboard = ()) -> None:
        """Edit a message the bot sent earlier (skipped when Telegram gave no message id)."""
        if message_id is not None:
            self.effects.append(
                EditText(
                    chat_id=self.reply_chat, message_id=message_id, text=text, buttons=buttons
                )
            )

    def edit_buttons(self, message_id: int | None, buttons: Keyboard) -> None:
        """Replace only the buttons of a message the bot sent earlier; its text stays."""
        if message_id is not None:
            self.effects.append(
                EditButtons(chat_id=self.reply_chat, message_id=message_id, buttons=buttons)
            )

    def answer_stale(self, callback_id: str) -> None:
        """Answer a press on an old or made-up button; nothing else changes."""
        self.answer(
            callback_id,
            self.t._("This button is no longer active. Please use the latest message."),
        )

    def answer(self, callback_id: str, text: str | None = None, alert: bool = False) -> None:
        """Acknowledge a button press once (later calls in the same turn are ignored)."""
        if not self._answered:
            self._answered = True
            self.effects.append(AnswerButton(callback_id=callback_id, text=text, alert=alert))
