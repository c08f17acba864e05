"""The relay's promise as a property (issue 13): random sequences of what people and staff do
(match, plain messages and replies from both sides, /end, /block, blocking and unblocking the
bot, staff pause, resume and end, a second mentee, the training, /restart, choosing who a
message is for, /forgetme, the retention purge of relay records, texts that are a button's label
typed while a flow waits for buttons) and, after every step, every relayed message has reached
exactly the partner of the pair it belongs to, once, in order, or was refused with a message to
the writer: never anyone else.

A small model says where each message belongs, from the rules alone: a reply to a relayed
message belongs to that message's pair (delivered only while it is active, otherwise refused);
anything else goes to the writer's only active pair, or their chosen one, or is held until they
choose (asked once); with no active pair it is refused. A reply to a message the bot can no
longer place (a bot message, or a relayed one whose record was erased or purged) is refused when
the writer has ever had another pair than the one it would go to, never guessed. The bot runs
over the in-memory fakes (`tests.handlers.relay_world`), each seed a different sequence; a failure
prints its seed and the steps so far. MENTORBOT_PROPERTY_SEEDS=<n> runs more seeds.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from bot.core import effects as fx
from bot.core.events import BotBlocked, BotUnblocked
from bot.core.models import Pair, PairStatus, Role
from bot.core.privacy import Retention
from bot.services.pairs import end_pair, pause_pair, resume_pair
from bot.services.privacy import retention_round
from tests.fakes.clock import FakeClock
from tests.handlers.relay_world import Chat, Received, World

SEEDS = int(os.environ.get("MENTORBOT_PROPERTY_SEEDS", "40"))
STEPS = 70
MENTEES = {100: "Ana", 101: "Cy", 102: "Ed", 103: "Fay"}
MENTORS = {200: "Bo", 201: "Di"}
CAPACITY = 3  # the world's mentors take three mentees
COURSE = "volunteer-training"
LABELS = ("1", "2", "3", "4", "5", "Skip", "Close", "Confirm", "Cancel")  # typed, not pressed
# relay links purged, open conversations left alone
RETENTION = Retention(relay_days=30, report_days=60, flow_idle=timedelta(days=3650))

Key = tuple[int, int, int]  # (writer, the chat it reached, pair)


@dataclass
class Model:
    """What should have happened, from the rules alone."""

    pairs: dict[int, Pair] = field(default_factory=dict)
    belongs: dict[tuple[int, int], int] = field(default_factory=dict)  # (chat, msg) -> pair
    expected: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(list))
    held: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    options: dict[int, set[int]] = field(default_factory=dict)  # pairs offered to choose from
    unplaced: set[tuple[int, int]] = field(default_factory=set)  # links erased or purged
    gone: set[int] = field(default_factory=set)  # erased with /forgetme: they write no more

    def open_pairs(self, person: int) -> list[Pair]:
        return [
            p for p in self.pairs.values() if p.member(person) and p.status is not PairStatus.ENDED
        ]

    def active_pairs(self, person: int) -> list[Pair]:
        return [p for p in self.open_pairs(person) if p.status is PairStatus.ACTIVE]

    def route(self, writer: int, reply_to: int | None, chosen: int | None) -> Pair | str:
        """The pair a message goes to, or "refused", or "held"."""
        placed = (writer, reply_to) in self.belongs and (writer, reply_to) not in self.unplaced
        if reply_to is not None and placed:
            pair = self.pairs[self.belongs[(writer, reply_to)]]
            return pair if pair.status is PairStatus.ACTIVE else "refused"
        usual = self.usual(writer, chosen)
        ever = sum(1 for p in self.pairs.values() if p.member(writer))
        if reply_to is not None and isinstance(usual, Pair) and ever > 1:
            return "refused"  # it might belong to another conversation: never guessed
        return usual

    def usual(self, writer: int, chosen: int | None) -> Pair | str:
        running = self.active_pairs(writer)
        if not running:
            return "refused"
        if len(running) == 1:
            return running[0]
        chosen_pair = next((p for p in running if p.id == chosen), None)
        return chosen_pair if chosen_pair is not None else "held"


class Run:
    """One random sequence: the world, the model, and the checks."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.world = World()
        self.model = Model()
        self.chats: dict[int, Chat] = {}
        self.log: list[str] = [f"seed {seed}"]
        for user_id, name in MENTEES.items():
            self.chats[user_id] = self.world.person(user_id, Role.MENTEE, name)
        for user_id, name in MENTORS.items():
            self.chats[user_id] = self.world.person(user_id, Role.MENTOR, name)
        self.seen: dict[int, int] = defaultdict(int)  # chat -> inbox entries already read
        for mentee, mentor in ((100, 200), (101, 200), (102, 201)):  # a mentor of two, at once
            pair = self.world.pair(self.chats[mentee], self.chats[mentor])
            self.model.pairs[pair.id] = pair

    # -- reading what Telegram received ------------------------------------------------------

    def fresh(self, chat: int) -> list[Received]:
        inbox = self.world.inbox[chat]
        new = inbox[self.seen[chat] :]
        self.seen[chat] = len(inbox)
        return new

    def relayed(self) -> dict[Key, list[int]]:
        """Every relayed copy so far, as source message ids by (writer, chat, pair)."""
        found: dict[Key, list[int]] = defaultdict(list)
        for chat, inbox in self.world.inbox.items():
            for received in inbox:
                tag = getattr(received.effect, "relay", None)
                if tag is not None and not isinstance(received.effect, fx.EditText):
                    found[(tag.sender_id, chat, tag.pair_id)].extend(tag.source_message_ids)
        return found

    def learn_copies(self, new: dict[int, list[Received]]) -> None:
        """The model learns the message ids the copies got in each chat (they belong to the
        pair of the message they copy), to reply to them later."""
        for chat, received in new.items():
            for item in received:
                tag = getattr(item.effect, "relay", None)
                if tag is None or isinstance(item.effect, fx.EditText):
                    continue
                for offset, _ in enumerate(tag.source_message_ids):
                    self.model.belongs[(chat, item.message_id + offset)] = tag.pair_id

    def bot_messages(self, chat: int) -> list[int]:
        """Ids of messages the bot sent to this chat that belong to no pair."""
        return [
            r.message_id
            for r in self.world.inbox[chat]
            if isinstance(r.effect, fx.SendText) and r.effect.relay is None
        ]

    async def settle(self) -> dict[int, list[Received]]:
        self.world.clock.advance(2)
        await self.world.deliver()
        new = {chat: self.fresh(chat) for chat in list(self.world.inbox)}
        self.learn_copies(new)
        return new

    def check(self) -> None:
        """Every relayed message reached exactly who the model says, once, in order."""
        actual = {k: v for k, v in self.relayed().items() if v}
        expected = {k: v for k, v in self.model.expected.items() if v}
        assert actual == expected, "\n".join(self.log)
        for pair_id, pair in self.model.pairs.items():
            assert self.world.pair_of(pair_id).status is pair.status, "\n".join(self.log)

    # -- what people and staff do ------------------------------------------------------------

    def pick(self, ids: list[int]) -> int:
        return self.rnd.choice(ids)

    def deliver(self, writer: int, pair: Pair, message_ids: list[int]) -> None:
        partner = pair.partner_of(writer)
        self.model.expected[(writer, partner, pair.id)].extend(sorted(message_ids))
        for message_id in message_ids:
            self.model.belongs[(writer, message_id)] = pair.id

    def here(self, people: dict[int, str]) -> list[int]:
        """Those not erased."""
        return [p for p in people if p not in self.model.gone]

    async def say(self, writer: int | None = None, reply: bool = True) -> None:
        if writer is None:
            writer = self.pick(self.here(MENTORS if self.rnd.random() < 0.5 else MENTEES))
        chat = self.chats[writer]
        mine = [k[1] for k in self.model.belongs if k[0] == writer]
        roll = self.rnd.random() if reply else 1.0
        reply_to = None
        if roll < 0.4 and mine:
            reply_to = self.pick(mine)
        elif roll < 0.5 and self.bot_messages(writer):
            reply_to = self.pick(self.bot_messages(writer))
        chosen = self.world.store.persons[writer].active_pair_id
        where = self.model.route(writer, reply_to, chosen)
        asked_before = bool(self.model.held[writer])
        text = self.rnd.choice(LABELS) if self.rnd.random() < 0.3 else f"m{len(self.log)}"
        message_id = await chat.say(text, reply_to=reply_to)
        shown = f"pair {where.id}" if isinstance(where, Pair) else where
        self.log.append(f"{writer} says {text!r} #{message_id} (reply to {reply_to}) -> {shown}")
        new = await self.settle()
        told = [r for r in new.get(writer, []) if getattr(r.effect, "relay", None) is None]
        if isinstance(where, Pair):
            self.deliver(writer, where, [message_id])
        elif where == "held":
            self.model.held[writer].append(message_id)
            self.model.options[writer] = {p.id for p in self.model.active_pairs(writer)}
            assert told or asked_before, "asked who it is for\n" + "\n".join(self.log)
        else:
            assert told, "a refused message is explained\n" + "\n".join(self.log)

    async def choose(self) -> None:
        writers = [w for w, held in self.model.held.items() if held]
        if not writers:
            return
        writer = self.pick(writers)
        chat = self.chats[writer]
        prompts = [
            r
            for r in self.world.inbox[writer]
            if isinstance(r.effect, fx.SendText) and "Who is this message for?" in r.effect.text
        ]
        effect = prompts[-1].effect
        assert isinstance(effect, fx.SendText)
        button = self.rnd.choice([b for row in effect.buttons for b in row])
        pair_id = int((button.data or "").rsplit(":", 1)[1])
        self.log.append(f"{writer} chooses pair {pair_id} for {self.model.held[writer]}")
        await chat.press_data(button.data or "", prompts[-1].message_id)
        new = await self.settle()
        if pair_id not in self.model.options.get(writer, set()):
            return  # an option no longer offered: nothing happens, still held
        held, self.model.held[writer] = self.model.held[writer], []
        pair = self.model.pairs[pair_id]
        if pair.status is PairStatus.ACTIVE:
            self.deliver(writer, pair, held)
        else:
            assert new.get(writer), "the writer is told\n" + "\n".join(self.log)

    async def match(self) -> None:
        free = [m for m in self.here(MENTEES) if not self.model.open_pairs(m)]
        mentors = [m for m in self.here(MENTORS) if len(self.model.open_pairs(m)) < CAPACITY]
        if not free or not mentors:
            return
        mentee, mentor = self.pick(free), self.pick(mentors)
        pair = self.world.pair(self.chats[mentee], self.chats[mentor])
        self.model.pairs[pair.id] = pair
        self.log.append(f"pair {pair.id}: {mentee} with {mentor}")

    async def end(self) -> None:
        open_pairs = [p for p in self.model.pairs.values() if p.status is not PairStatus.ENDED]
        if not open_pairs:
            return
        pair = self.rnd.choice(open_pairs)
        how = self.rnd.choice(["mentee", "mentor", "staff", "block"])
        self.log.append(f"pair {pair.id} ended by {how}")
        if how == "staff":
            async with self.world.store.uow() as uow:
                stored = await uow.pairs.get(pair.id)
                assert stored is not None
                await end_pair(uow, stored, 0, "staff", self.world.clock.now())
                await uow.commit()
        else:
            by_mentee = how == "mentee" or (how == "block" and self.rnd.random() < 0.5)
            person = pair.mentee_id if by_mentee else pair.mentor_id
            chat = self.chats[person]
            partner = MENTEES.get(pair.partner_of(person)) or MENTORS[pair.partner_of(person)]
            if how == "block":
                await chat.command("block")
                if len(self.model.open_pairs(person)) > 1:
                    await chat.press(partner)
                await chat.press("Yes, block")
            else:
                self.model.held[person] = []  # /end replaces the question of who it is for
                await chat.command("end")
                if len(self.model.open_pairs(person)) > 1:
                    await chat.press(partner)
                await chat.press("Not a good fit")
                chosen = self.world.store.persons[person].active_pair_id
                if isinstance(self.model.usual(person, chosen), Pair):
                    self.log.append(f"{person} writes while asked for a rating")
                    await self.say(person, reply=False)  # the rating waits, buttons only
                await chat.press("Skip")
        self.model.pairs[pair.id] = self.world.pair_of(pair.id)
        assert self.model.pairs[pair.id].status is PairStatus.ENDED, "\n".join(self.log)
        await self.settle()

    async def staff_pause_or_resume(self) -> None:
        pairs = [p for p in self.model.pairs.values() if p.status is not PairStatus.ENDED]
        if not pairs:
            return
        pair = self.rnd.choice(pairs)
        async with self.world.store.uow() as uow:
            if pair.status is PairStatus.ACTIVE:
                changed = await pause_pair(uow, pair.id, self.world.clock.now())
            else:
                changed = await resume_pair(
                    uow, self.world.bot.programs, pair.id, self.world.clock.now()
                )
            await uow.commit()
        self.model.pairs[pair.id] = changed
        self.log.append(f"staff: pair {pair.id} {changed.status}")

    async def block_the_bot(self) -> None:
        person = self.pick([*self.here(MENTEES), *self.here(MENTORS)])
        chat = self.chats[person]
        if self.rnd.random() < 0.5:
            await self.world.handle(BotUnblocked(**chat._base()))
            self.log.append(f"{person} unblocks the bot")
        else:
            await self.world.handle(BotBlocked(**chat._base()))
            self.log.append(f"{person} blocks the bot")
            for pair in self.model.active_pairs(person):
                self.model.pairs[pair.id] = self.world.pair_of(pair.id)
                assert self.model.pairs[pair.id].status is PairStatus.PAUSED
        await self.settle()

    async def training(self) -> None:
        if not self.here(MENTORS):
            return
        mentor = self.pick(self.here(MENTORS))
        chat = self.chats[mentor]
        self.model.held[mentor] = []  # /training replaces the question of who it is for
        await chat.command("training")
        module = self.rnd.randint(1, 6)
        await chat.press(f"{module}. ")
        await chat.press("Start the quiz")
        step = self.world.bot.programs.curricula[COURSE].steps[module - 1]
        for question in step.quiz[: self.rnd.randint(0, len(step.quiz))]:
            await chat.press(self.rnd.choice(question.options).label["en"])
        self.log.append(f"{mentor} in the training")
        await self.settle()

    async def restart(self) -> None:
        person = self.pick([*self.here(MENTEES), *self.here(MENTORS)])
        self.model.held[person] = []  # /restart drops the question of who it is for
        await self.chats[person].command("restart")
        self.log.append(f"{person} /restart")
        await self.settle()

    async def forget(self) -> None:
        """Someone erases their data: their pairs end and every relay record of those pairs
        goes (on both sides), so replies to those messages can no longer be placed."""
        mentees, mentors = self.here(MENTEES), self.here(MENTORS)
        people = [*(mentees if len(mentees) > 1 else []), *(mentors if len(mentors) > 1 else [])]
        if not people:
            return  # keep a mentee and a mentor to talk
        person = self.pick(people)
        mine = [p.id for p in self.model.pairs.values() if p.member(person)]
        self.model.held[person] = []
        await self.chats[person].command("forgetme")
        await self.chats[person].press("Yes, erase my data")
        self.log.append(f"{person} /forgetme (pairs {mine})")
        assert person not in self.world.store.persons, "\n".join(self.log)
        self.model.gone.add(person)
        for pair_id in mine:
            self.model.pairs[pair_id] = self.world.pair_of(pair_id)
            assert self.model.pairs[pair_id].status is PairStatus.ENDED, "\n".join(self.log)
        self.model.unplaced |= {k for k, p in self.model.belongs.items() if p in mine}
        await self.settle()

    async def purge(self) -> None:
        """The retention round, as if RELAY_RETENTION_DAYS had passed: every record goes."""
        later = FakeClock(self.world.clock.now() + timedelta(days=RETENTION.relay_days + 1))
        purged = await retention_round(self.world.store.uow, later, RETENTION)
        self.log.append(f"retention purge: {purged.relay_links} links")
        self.model.unplaced |= set(self.model.belongs)


OPERATIONS = (
    ("say", 10),
    ("match", 3),
    ("choose", 2),
    ("end", 1),
    ("staff_pause_or_resume", 1),
    ("block_the_bot", 1),
    ("training", 1),
    ("restart", 1),
    ("forget", 1),
    ("purge", 1),
)


@pytest.mark.parametrize("seed", range(SEEDS))
async def test_every_relayed_message_reaches_its_pair_once_in_order(seed: int) -> None:
    run = Run(seed)
    names = [name for name, _ in OPERATIONS]
    weights = [weight for _, weight in OPERATIONS]
    for _ in range(STEPS):
        operation = run.rnd.choices(names, weights)[0]
        await getattr(run, operation)()
        run.check()
