"""Privacy in the dispatcher: /privacy, /mydata, /forgetme and the hook that completes the
/forgetme flow. Everyone may use them, including a person locked by the age check."""

from __future__ import annotations

from bot.core.engine import FlowEngine, parse_button_data
from bot.core.events import ButtonPress
from bot.core.kept import more_days
from bot.core.ports import UnitOfWork
from bot.core.privacy import Retention
from bot.core.turn import Turn
from bot.i18n import Catalogs
from bot.messages.texts import privacy_notice
from bot.services.alerts import Staff
from bot.services.privacy import Privacy
from flows import privacy


class PrivacyCommands:
    """The privacy part of the dispatcher."""

    def __init__(
        self,
        engine: FlowEngine,
        catalogs: Catalogs,
        staff: Staff = Staff(()),
        retention: Retention = Retention(),
    ) -> None:
        self.engine = engine
        self.retention = retention
        self.service = Privacy(engine.programs, catalogs, staff, retention)

    def owns_press(self, turn: Turn, press: ButtonPress) -> bool:
        """A flow button pressed while the person is in the /forgetme flow."""
        flow = turn.flow
        return (
            flow is not None
            and flow.flow == privacy.NAME
            and parse_button_data(press.data) is not None
        )

    def notice(self, turn: Turn) -> None:
        """/privacy: the full notice, then the current question again."""
        turn.say(privacy_notice(turn.t, self.retention))
        self.engine.resume(turn)

    async def export(self, turn: Turn, uow: UnitOfWork) -> None:
        """/mydata: the JSON document, then the current question again."""
        turn.effects.append(await self.service.export(uow, turn.person, turn.now))
        self.engine.resume(turn)

    async def forget(self, turn: Turn, uow: UnitOfWork) -> None:
        """/forgetme: ask to confirm (nothing is erased before the button is pressed)."""
        if await uow.persons.get(turn.person.id) is None:
            turn.say(turn.t._("We don't keep anything about you, so there is nothing to erase."))
            turn.forget()  # and this message does not create a record either
            return
        pairs = await uow.pairs.of_person(turn.person.id)
        self.engine.start(turn, privacy.NAME, {"pairs": len(pairs)})

    async def complete(self, turn: Turn, uow: UnitOfWork) -> None:
        """Erase the person whose /forgetme flow was confirmed in this turn (the dispatcher
        calls this after every event)."""
        flow = turn.flow
        if flow is None or flow.flow != privacy.NAME or flow.state != privacy.ERASED:
            return
        turn.set_flow(None)
        forgotten = await self.service.forget(uow, turn.person, turn.now)
        turn.forget()
        if forgotten.erased.held_reports:
            turn.say(
                turn.t._(
                    "One thing is kept for now: a safeguarding report that names you is still "
                    "open. The program team keeps it until it is resolved, then for {days}, "
                    "and then it is deleted too.",
                    days=more_days(turn.t, self.retention.report_days),
                )
            )
        turn.effects.extend(forgotten.effects)
