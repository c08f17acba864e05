"""What every staff command handler works with: the call (who, what, the unit of work), the
argument readers (a person by display name or id, a program by code, a pair by `#id` or by one
of its people), the organisation check on every target and the audit log. What staff read
(names, statuses, paginated lists) is built in `bot/messages/staff.py`.

A reader that cannot resolve its argument says why, with the command's usage line, and raises
`Refused`; the router catches it, so a handler never half-runs on a bad argument.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.effects import Button, Keyboard, SendText
from bot.core.errors import TemporaryFailure
from bot.core.models import GroupRights, Pair, Person
from bot.core.parsing.arguments import BadShape, UnreadableArguments, pair_ref, person_id
from bot.core.ports import Forums, UnitOfWork
from bot.core.programs import Program, ProgramCatalog
from bot.core.staff import Actor, AuditEntry, DraftKind, StaffDraft
from bot.core.turn import Turn
from bot.handlers.registry import Registry, SlashCommand, usage_line
from bot.i18n import Catalogs, Html, Translator
from bot.messages.staff import STAFF_PREFIX, candidate_label, couple, esc, name_of
from bot.services.matchmaking import Matchmaker


class Refused(Exception):
    """The command cannot run; `message` was already said to the staff member."""


class LateForums:
    """The transport's `Forums`, known only once it starts (`fill`); the core is built before.
    Until then the chat app cannot be asked: `rights` and `open_topic` raise
    `TemporaryFailure`."""

    def __init__(self, forums: Forums | None = None) -> None:
        self._forums = forums

    def fill(self, forums: Forums) -> None:
        """The transport started: its `Forums` answers from now on."""
        self._forums = forums

    @property
    def filled(self) -> bool:
        return self._forums is not None

    def _ready(self) -> Forums:
        if self._forums is None:
            raise TemporaryFailure("the chat app is not connected yet")
        return self._forums

    async def rights(self, chat_id: int) -> GroupRights | None:
        return await self._ready().rights(chat_id)

    async def open_topic(self, chat_id: int, name: str) -> int:
        return await self._ready().open_topic(chat_id, name)

    async def username(self) -> str:
        return await self._ready().username()


@dataclass(frozen=True)
class StaffServices:
    """What the handlers share: programs, catalogs, the bot's username (join links), the
    command registry and the chat app's forum supergroups (`forums`, filled in when the
    transport starts)."""

    programs: ProgramCatalog
    catalogs: Catalogs
    superadmins: tuple[int, ...]
    matchmaker: Matchmaker
    bot_username: list[str]  # filled in once the transport knows it (a one-item box)
    registry: Registry  # every command and button (bot.handlers.commands.REGISTRY)
    forums: LateForums = field(default_factory=LateForums)


@dataclass
class StaffCall:
    """One staff command or staff button being handled."""

    turn: Turn
    uow: UnitOfWork
    actor: Actor
    command: SlashCommand[StaffCall]
    args: str
    services: StaffServices
    callback_id: str | None = None
    message_id: int | None = None
    parsed: Any = None
    """The arguments as the command's declared shape read them (`read`)."""

    @property
    def t(self) -> Translator:
        return self.turn.t

    @property
    def now(self) -> datetime:
        return self.turn.now

    @property
    def programs(self) -> ProgramCatalog:
        return self.services.programs

    def say(self, text: str, buttons: Keyboard = ()) -> None:
        """Reply (a button press is acknowledged first)."""
        if self.callback_id is not None:
            self.turn.answer(self.callback_id)
        self.turn.say(text, buttons)

    def show(self, text: str, buttons: Keyboard = ()) -> None:
        """Replace the pressed message (a page turn), or reply to a command."""
        if self.callback_id is not None and self.message_id is not None:
            self.turn.answer(self.callback_id)
            self.turn.edit(self.message_id, text, buttons)
        else:
            self.say(text, buttons)

    def refuse(self, text: str) -> Refused:
        """Say why the command cannot run; raise the result."""
        if self.callback_id is not None:
            self.turn.answer(self.callback_id, text, alert=True)
        else:
            self.turn.say(text)
        return Refused(text)

    def usage(self, problem: str = "") -> Refused:
        """A usage line, after what was wrong with the arguments."""
        line = self.t._("Usage: {usage}", usage=usage_line(self.command, self.t))
        return self.refuse(f"{problem}\n{line}" if problem else line)

    def read(self, args: str) -> None:
        """Read `args` with the command's declared shape (`SlashCommand.args`) before its
        handler runs; a bad shape is refused with the usage line (after what was wrong)."""
        self.args = args
        try:
            self.parsed = self.command.args(args)
        except UnreadableArguments:
            raise self.usage(
                self.t._("I couldn't read the arguments (an unclosed quote?).")
            ) from None
        except BadShape as bad:
            raise self.usage(self.t._(bad.problem) if bad.problem else "") from None

    def words(self) -> list[str]:
        """The arguments as read by the command's shape (shell-like words: "Mia Rossi" in
        quotes stays one; or `Fields`)."""
        assert isinstance(self.parsed, list), "read before the handler runs"
        return self.parsed

    async def audit(self, action: str, program: str | None, target: str, detail: str = "") -> None:
        """Write the action to the audit log (the organisation of `program`)."""
        found = self.programs.get(program) if program else None
        await self.audit_org(action, found.organisation if found else None, target, detail)

    async def audit_org(
        self, action: str, organisation: str | None, target: str, detail: str = ""
    ) -> None:
        """Write the action to the audit log of an organisation (None: the actor's own)."""
        await self.uow.staff.record(
            AuditEntry(
                at=self.now,
                actor_id=self.actor.user_id,
                organisation=organisation or self.actor.organisation,
                action=action,
                target=target,
                detail=detail[:500],
            )
        )

    def tell(self, person: Person, text: Callable[[Translator], str]) -> None:
        """A message to a person, in their language."""
        t = self.services.catalogs.translator(person.language)
        self.turn.effects.append(SendText(chat_id=person.chat_id, text=text(t)))

    # -- argument readers ------------------------------------------------------------------

    def program(self, word: str) -> Program:
        """A program of the actor's organisation, by code."""
        found = self.programs.get(word)
        if found is None or not self.actor.reaches(found):
            codes = ", ".join(self.actor.program_codes(self.programs)) or "—"
            raise self.usage(
                self.t._(
                    "There is no program “{code}” in your organisation (yours: {codes}).",
                    code=word,
                    codes=codes,
                )
            )
        return found

    def programs_of(self, words: Sequence[str]) -> list[Program]:
        """The program named by the first word, or all of the actor's programs."""
        if words:
            return [self.program(words[0])]
        return self.actor.programs(self.programs)

    async def person(self, word: str) -> Person:
        """Someone of the actor's programs, by Telegram id or display name."""
        codes = self.actor.program_codes(self.programs)
        found: list[Person] = []
        if (user_id := person_id(word)) is not None:
            person = await self.uow.persons.get(user_id)
            found = [person] if person is not None and person.program in codes else []
        else:
            wanted = word.casefold()
            people = await self.uow.staff.people(codes)
            found = [p for p in people if (p.display_name or "").casefold() == wanted]
        if not found:
            raise self.usage(
                self.t._(
                    "I can't find “{who}” among the people of your organisation's programs.",
                    who=word,
                )
            )
        if len(found) > 1:
            raise await self.ask_which(word, found)
        return found[0]

    async def ask_which(self, word: str, found: Sequence[Person]) -> Refused:
        """Several people have this name: ask which one, one button per candidate; a press
        runs the command again with that person (`bot.handlers.staff.alerts.pick_press`)."""
        choices = []
        for person in found:
            program = self.programs.get(person.program)
            name = program.name.get(self.t.language) if program else "—"
            choices.append((str(person.id), candidate_label(person, name, self.t)))
        text = self.t._("Several people are called “{who}”: which one do you mean?", who=word)
        return await self._pick(word, text, choices)

    async def _pick(self, word: str, text: str, choices: Sequence[tuple[str, str]]) -> Refused:
        """Ask which of `choices` (what replaces `word`, its button label) the command meant."""
        words = self.parsed if isinstance(self.parsed, list) else [word]
        token = secrets.token_hex(4)
        data = {"command": self.command.name, "words": words, "word": word}
        await self.uow.staff.save_draft(
            StaffDraft(
                user_id=self.actor.user_id,
                kind=DraftKind.USER,
                token=token,
                created_at=self.now,
                data=data,
            )
        )
        rows = tuple(
            (Button(label, data=f"{STAFF_PREFIX}user:pick:{token}:{value}"),)
            for value, label in choices
        )
        if self.callback_id is not None:
            self.turn.answer(self.callback_id)
        self.turn.say(text, rows)
        return Refused(text)

    async def pairs_of(self, person: Person) -> list[Pair]:
        """A person's pairs (not ended) in the actor's organisation's programs only."""
        pairs = await self.uow.pairs.of_person(person.id)
        return [p for p in pairs if self.actor.reaches(self.programs.get(p.program))]

    async def pair(self, word: str) -> Pair:
        """A pair of the actor's programs, by `#id`, or the one pair of a person (not ended)."""
        if (ref := pair_ref(word)) is not None:
            pair = await self.uow.pairs.get(ref)
            if pair is None or not self.actor.reaches(self.programs.get(pair.program)):
                raise self.usage(
                    self.t._("There is no pair {ref} in your organisation's programs.", ref=word)
                )
            return pair
        person = await self.person(word)
        pairs = await self.pairs_of(person)
        if not pairs:
            raise self.refuse(self.t._("{name} is not in a pair right now.", name=name_of(person)))
        if len(pairs) > 1:
            partners = {
                p.id: p
                for p in await self.uow.persons.get_many(q.partner_of(person.id) for q in pairs)
            }
            choices = [
                (
                    f"#{p.id}",
                    self.t._(
                        "with {name} · since {when}",
                        name=Html(name_of(partners.get(p.partner_of(person.id)))),
                        when=Html(f"{p.started_at:%Y-%m-%d}"),
                    ),
                )
                for p in pairs
            ]
            text = self.t._(
                "{name} is in several pairs: which one do you mean?", name=name_of(person)
            )
            raise await self._pick(word, text, choices)
        return pairs[0]


async def audit_lines(call: StaffCall, entries: Sequence[AuditEntry]) -> list[str]:
    """Audit entries as staff read them: when, who (by name), what (a command, or a case's
    event), on whom (a person by name, a pair by its two names: the log stores a person's id
    or a pair as `#<id>`), and the detail. Never an id."""
    pair_ids = {ref for e in entries if (ref := pair_ref(e.target)) is not None}
    pairs = {p.id: p for p in await call.uow.pairs.get_many(pair_ids)}
    ids = {e.actor_id for e in entries} | {int(e.target) for e in entries if e.target.isdigit()}
    ids |= {i for p in pairs.values() for i in (p.mentee_id, p.mentor_id)}
    people = {p.id: p for p in await call.uow.persons.get_many(ids)}
    someone = call.t._("a staff member")
    lines = []
    for e in entries:
        actor = people.get(e.actor_id)
        who = actor.display_name if actor is not None and actor.display_name else someone
        ref = pair_ref(e.target)
        if ref is not None:
            pair = pairs.get(ref)
            target = (
                couple(people.get(pair.mentee_id), people.get(pair.mentor_id), call.t)
                if pair is not None
                else call.t._("a pair no longer stored")
            )
        elif e.target.isdigit():
            target = name_of(people.get(int(e.target)))
        elif (report := re.fullmatch(r"report (\d+)", e.target)) is not None:
            target = call.t._("report #{id}", id=report[1])  # the number staff type back
        else:
            target = e.target
        action = e.action if " " in e.action else f"/{e.action}"
        line = f"{e.at:%Y-%m-%d %H:%M} · {esc(who)} · {esc(action)} → {esc(target)}"
        lines.append(line + (f" · {esc(e.detail)}" if e.detail else ""))
    return lines


async def staff_names(call: StaffCall, user_ids: Sequence[int]) -> str:
    """Staff members by name ("a staff member" for one who never chose a name)."""
    people = {p.id: p for p in await call.uow.persons.get_many(user_ids)}
    return ", ".join(
        name_of(people[i])
        if i in people and people[i].display_name
        else call.t._("a staff member")
        for i in user_ids
    )
