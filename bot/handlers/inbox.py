"""The staff inbox in the dispatcher: what happens in a staff supergroup (its forum topics), and
a participant's side of it (/team, a reply to a program team's message, a mentor now waiting
for approval).

In a group: a staff command goes to the staff router as in a private chat, and its answer lands
in the same topic (`Turn.reply_chat`/`reply_thread`); a staff button works the same. A staff
member's message (text or media, not a command) in a case's topic goes to the person, signed
"Program team" (`bot.services.inbox.CaseDesk.to_person`). Closing a case's topic closes the
case; reopening it reopens the case. Everything else said or done in a group is ignored: people
who are not staff (or not of the case's organisation), other commands, the general chat.

A participant: `/team` asks what they want to say (`flows.team`), or takes the words after it;
a Telegram reply to a team message goes to that message's case (the relay asks `reply` first;
any other message still goes to the partner). The partner sees none of it.
"""

from __future__ import annotations

from bot.core.cases import Case, CaseKind
from bot.core.effects import Button, Effect, SendText
from bot.core.engine import FlowEngine
from bot.core.events import (
    BotGroupStatus,
    ButtonPress,
    Command,
    MediaMessage,
    TextMessage,
    TopicClosed,
    TopicReopened,
)
from bot.core.models import Person, Role
from bot.core.ports import UnitOfWork
from bot.core.turn import Turn
from bot.handlers.registry import PersonCall
from bot.handlers.staff.router import StaffRouter
from bot.i18n import Html
from bot.messages import inbox as words
from bot.messages.staff import STAFF_PREFIX
from bot.services.alerts import Staff
from bot.services.inbox import CaseDesk
from bot.services.inbox_groups import group_status, staff_group_programs
from flows import team


class Inbox:
    """Events from supergroups (`Inbound.group`), routed by the dispatcher, and the
    participant's side of the inbox."""

    def __init__(
        self, staff: StaffRouter, alerts: Staff | None = None, engine: FlowEngine | None = None
    ) -> None:
        self.staff = staff
        self.engine = engine
        services = staff.services
        self.desk = CaseDesk(
            services.programs,
            services.catalogs,
            alerts or Staff(services.superadmins),
            services.forums,
        )

    # -- the staff group -------------------------------------------------------------------

    async def group_event(self, turn: Turn, uow: UnitOfWork) -> None:
        """Handle one event from a group: in a registered staff group, from the staff of its
        programs' organisation (a super-admin too), staff commands and buttons, a staff
        member's typed answer to a staff question, case messages, topics closed and reopened;
        in any other group only `/program staffgroup`; nothing else."""
        event = turn.event
        if isinstance(event, BotGroupStatus):
            turn.effects.extend(await group_status(self.desk, uow, event, turn.now))
            return
        programs = await staff_group_programs(self.desk, uow, event.chat_id)
        if not programs:
            await self._elsewhere(turn, uow)
            return
        actor = await self.staff.actor(uow, turn.person.id)
        if not any(actor.reaches(p) for p in programs):  # not staff of this group's programs:
            if isinstance(event, ButtonPress):  # nothing of theirs is shown to this group
                turn.answer(
                    event.callback_id,
                    turn.t._("These buttons are for the staff of this group's programs."),
                )
            return
        if isinstance(event, ButtonPress):
            if event.data.startswith(STAFF_PREFIX):
                await self.staff.press(turn, event, uow)
            else:  # a button of ours that means nothing in a group: stop its spinner
                turn.answer(event.callback_id)
            return
        if await self._staff_answer(turn, uow):
            return
        if isinstance(event, Command):
            if event.name == "cancel" or self.staff.registry.staff_command(event.name):
                await self.staff.command(turn, event, uow)
            return
        case = await self._case_here(turn, uow)
        if case is None:
            return
        if isinstance(event, TopicClosed):
            turn.effects.extend(
                await self.desk.close(uow, case, turn.person.id, turn.now, close_topic=False)
            )
        elif isinstance(event, TopicReopened):
            turn.effects.extend(
                await self.desk.reopen(uow, case, turn.person.id, turn.now, reopen_topic=False)
            )
        elif isinstance(event, TextMessage | MediaMessage):
            await self._to_person(turn, uow, case, event)

    async def _elsewhere(self, turn: Turn, uow: UnitOfWork) -> None:
        """A group that is no program's staff group: only `/program staffgroup` (a staff
        member making it one) is answered; a press is told why nothing happens."""
        event = turn.event
        if isinstance(event, ButtonPress):
            turn.answer(
                event.callback_id, turn.t._("This group is not a staff group of any program.")
            )
        elif (
            isinstance(event, Command)
            and event.name == "program"
            and event.args.split()[:1] == ["staffgroup"]
            and (await self.staff.actor(uow, turn.person.id)).is_staff
        ):
            await self.staff.command(turn, event, uow)

    async def _staff_answer(self, turn: Turn, uow: UnitOfWork) -> bool:
        """A staff member's typed answer to a staff question asked in the group ("Lift lock"
        asks for a reason): it completes that question, never goes to a case's person;
        `/cancel` stops it. False when no staff question waits for them."""
        event, flow = turn.event, turn.flow
        if flow is None or self.engine is None or not self.staff.registry.answers_flow(flow.flow):
            return False
        if isinstance(event, Command) and event.name == "cancel":
            turn.set_flow(None)
            turn.say(turn.t._("Cancelled: nothing was sent or changed."))
            return True
        if not isinstance(event, TextMessage) or not self.engine.takes_text(turn):
            return False
        self.engine.on_text(turn, event.text)
        await self.staff.complete(turn, uow)
        return True

    async def _case_here(self, turn: Turn, uow: UnitOfWork) -> Case | None:
        """The case of the topic the event happened in (in the general chat: of the message it
        replies to), if the staff member may act on it."""
        event = turn.event
        if event.thread_id is not None:
            case = await uow.cases.by_topic(event.chat_id, event.thread_id)
        else:  # the general chat: a reply to one of a case's messages posted there
            reply = getattr(event, "reply_to_message_id", None)
            case = await uow.cases.of_message(event.chat_id, reply) if reply else None
        if case is None:
            return None
        actor = await self.staff.actor(uow, turn.person.id)
        program = self.staff.services.programs.get(case.program) if case.program else None
        return case if actor.reaches(program) else None

    async def _to_person(
        self, turn: Turn, uow: UnitOfWork, case: Case, event: TextMessage | MediaMessage
    ) -> None:
        if not case.is_open:
            turn.say(
                turn.t._("This case is closed: reopen the topic to write to the person again.")
            )
            return
        person = await uow.persons.get(case.person_id)
        if person is None or not person.is_onboarded:
            turn.say(turn.t._("This person is no longer registered: nothing was sent."))
            return
        turn.effects.extend(
            await self.desk.to_person(uow, case, person, turn.person.id, event, turn.now)
        )

    # -- the participant's side ------------------------------------------------------------

    async def team_command(self, call: PersonCall) -> None:
        """/team [words]: the words go to the team; without words, asked for."""
        turn, text = call.turn, call.args.strip()
        if not turn.person.is_onboarded:
            turn.say(turn.t._("Please finish signing up first with /start."))
            return
        if not text:
            turn.set_flow(None)
            call.bot.engine.start(turn, team.NAME, {})
            return
        event = turn.event
        assert isinstance(event, Command)
        message = TextMessage(
            update_id=event.update_id,
            user=event.user,
            chat_id=event.chat_id,
            at=event.at,
            message_id=event.message_id,
            text=text,
        )
        await self._send(turn, call.uow, message)

    async def _send(
        self,
        turn: Turn,
        uow: UnitOfWork,
        message: TextMessage | MediaMessage,
        case: Case | None = None,
    ) -> None:
        turn.effects.extend(await self.desk.ask_team(uow, turn.person, message, turn.now, case))
        turn.say(words.sent_to_team(turn.t))

    async def reply(self, turn: Turn, uow: UnitOfWork, event: TextMessage | MediaMessage) -> bool:
        """A reply to a program team's message goes to its case (True); anything else is
        not the inbox's (False)."""
        if event.reply_to_message_id is None:
            return False
        case = await uow.cases.of_message(turn.person.chat_id, event.reply_to_message_id)
        if case is None or case.person_id != turn.person.id:
            return False
        await self._send(turn, uow, event, case)
        return True

    async def complete(self, turn: Turn, uow: UnitOfWork) -> None:
        """After every participant's event: a message written after /team goes to the team;
        a mentor who now waits for approval gets an approval case."""
        flow, event = turn.flow, turn.event
        if flow is not None and flow.state == team.SENT and isinstance(event, TextMessage):
            turn.set_flow(None)
            await self._send(turn, uow, event)
        if self._waits(turn.person) and not self._waits(turn.loaded):  # became so this turn
            turn.effects.extend(await self._approval(uow, turn.person, turn))

    def _waits(self, person: Person) -> bool:
        """A mentor who finished signing up (and the training, if any) and waits for the
        program team's approval."""
        program = self.staff.services.programs.get(person.program) if person.program else None
        if person.role is not Role.MENTOR or not person.is_onboarded or program is None:
            return False
        trained = program.training is None or person.training_passed_at is not None
        return program.mentor_approval and person.approved_at is None and trained

    async def _approval(self, uow: UnitOfWork, person: Person, turn: Turn) -> list[Effect]:
        t = self.desk.staff_t

        def build(staff: Staff) -> list[Effect]:
            text = t._(
                "🕓 <b>{name}</b> finished signing up as a mentor and waits for your approval.",
                name=words.esc(words.pseudonym(person, t)),
            )
            approve = t._("✅ Approve {name}", name=Html(words.pseudonym(person, t)))
            buttons = ((Button(approve, f"{STAFF_PREFIX}approve:{person.id}"),),)
            return [SendText(chat_id=c, text=text, buttons=buttons) for c in staff.chat_ids]

        return await self.desk.post(uow, person, CaseKind.APPROVAL, turn.now, build)
