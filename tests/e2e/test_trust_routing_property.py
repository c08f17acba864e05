"""The routing property of `tests/handlers/test_routing_property.py`, shorter, end to end: real
aiogram and python-telegram-bot through the sandbox, random sequences of messages and replies
from both sides, matches, /end, staff pause/resume/end, blocking and unblocking the bot, the
training and /restart, checked after every step against the same model on what each chat shows
(every relayed word in exactly the chat the model says, once, in order) and on what is stored
(each relayed message linked to the pair the model says)."""

from __future__ import annotations

import asyncio
import random
import re
from collections import defaultdict
from collections.abc import Callable

import pytest

from bot.core.models import Pair, PairStatus, Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.services.pairs import end_pair, pause_pair, resume_pair
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, User, seed_pair, seed_person
from tests.handlers.test_routing_property import Model

MENTEES = {7_314_001: "Ana", 7_314_002: "Cy", 7_314_003: "Ed"}
MENTORS = {7_314_010: "Bo", 7_314_011: "Di"}
SEEDS = (1, 2, 3)
STEPS = 24
WORD = re.compile(r"w\d+x\d+")


class Sequence:
    """One random sequence through the sandbox, and the model it is checked against."""

    def __init__(self, seed: int, bot: BotProcess, client: SandboxClient) -> None:
        self.seed = seed
        self.rnd = random.Random(seed)
        self.bot = bot
        self.client = client
        self.model = Model()
        self.blocked: set[int] = set()
        self.words: dict[str, tuple[int, int]] = {}  # word -> (writer, message id)
        self.log: list[str] = [f"seed {seed}"]

    @property
    def trail(self) -> str:
        return "\n".join(self.log)

    async def start(self) -> None:
        for user_id, name in (*MENTEES.items(), *MENTORS.items()):
            role = Role.MENTEE if user_id in MENTEES else Role.MENTOR
            await seed_person(
                self.bot, self.client, user_id, role=role, program="college", name=name
            )
        mentees = list(MENTEES)
        await self.match(mentees[0], list(MENTORS)[0])
        await self.match(mentees[1], list(MENTORS)[0])

    # -- what the chats show -----------------------------------------------------------------

    async def shown(self) -> dict[tuple[int, int], list[str]]:
        """The relayed words each chat shows, by (writer, chat), in the order received."""
        found: dict[tuple[int, int], list[str]] = defaultdict(list)
        for chat in (*MENTEES, *MENTORS):
            for message in await self.client.bot_messages(chat):
                for word in WORD.findall(message.content):
                    found[(self.words[word][0], chat)].append(word)
        return found

    def expected(self) -> dict[tuple[int, int], list[str]]:
        by_id = {value: word for word, value in self.words.items()}
        found: dict[tuple[int, int], list[str]] = defaultdict(list)
        for (writer, chat, _pair), ids in self.model.expected.items():
            found[(writer, chat)].extend(by_id[(writer, i)] for i in ids)
        return {k: v for k, v in found.items() if v}

    async def check(self) -> None:
        assert await self.shown() == self.expected(), self.trail
        assert self.bot.core is not None
        async with self.bot.core.conversations.uows() as uow:
            for (writer, _chat, pair_id), ids in self.model.expected.items():
                for message_id in ids:
                    links = await uow.relay.copies_of(writer, message_id)
                    assert [k.pair_id for k in links] == [pair_id], self.trail
            for pair_id, pair in self.model.pairs.items():
                stored = await uow.pairs.get(pair_id)
                assert stored is not None and stored.status is pair.status, self.trail

    async def learn(self, chat: int) -> None:
        """The copies a chat shows belong to the pair of the message they copy."""
        for message in await self.client.bot_messages(chat):
            for word in WORD.findall(message.content):
                writer, source = self.words[word]
                self.model.belongs[(chat, message.message_id)] = self.model.belongs[
                    (writer, source)
                ]

    async def until(
        self, chat: int, predicate: Callable[[ChatMessage], bool], since: int | None = None
    ) -> None:
        await self.client.wait_for_messages(chat, predicate, since=since, timeout=REPLY_TIMEOUT)

    # -- what people and staff do ------------------------------------------------------------

    async def match(self, mentee: int, mentor: int) -> None:
        pair = await seed_pair(self.bot, mentee, mentor, "college")
        self.model.pairs[pair.id] = pair
        self.log.append(f"pair {pair.id}: {mentee} with {mentor}")

    def deliver(self, writer: int, pair: Pair, message_ids: list[int]) -> None:
        self.model.expected[(writer, pair.partner_of(writer), pair.id)].extend(sorted(message_ids))
        for message_id in message_ids:
            self.model.belongs[(writer, message_id)] = pair.id

    async def chosen_pair(self, writer: int) -> int | None:
        person = await self.bot.person(writer)
        return person.active_pair_id if person else None

    async def say(self) -> None:
        writers = [p for p in (*MENTEES, *MENTORS) if p not in self.blocked]
        writer = self.rnd.choice(writers)
        mine = [k[1] for k in self.model.belongs if k[0] == writer]
        others = [
            m.message_id
            for m in await self.client.bot_messages(writer)
            if not WORD.search(m.content)
        ]
        roll = self.rnd.random()
        reply_to = None
        if roll < 0.4 and mine:
            reply_to = self.rnd.choice(mine)
        elif roll < 0.5 and others:
            reply_to = self.rnd.choice(others)
        where = self.model.route(writer, reply_to, await self.chosen_pair(writer))
        asked_before = bool(self.model.held[writer])
        word = f"w{self.seed}x{len(self.log)}"
        sent = await self.client.send_text(writer, f"note {word}", reply_to_message_id=reply_to)
        self.words[word] = (writer, sent.message_id)
        shown = f"pair {where.id}" if isinstance(where, Pair) else where
        self.log.append(f"{writer} says {word} (reply to {reply_to}) -> {shown}")
        if isinstance(where, Pair):
            self.deliver(writer, where, [sent.message_id])
            partner = where.partner_of(writer)
            await self.until(partner, lambda m: word in m.content)
            await self.linked(writer, sent.message_id)
            await self.learn(partner)
        elif where == "held":
            self.model.held[writer].append(sent.message_id)
            self.model.options[writer] = {p.id for p in self.model.active_pairs(writer)}
            if asked_before:
                await self.held_in_flow(writer, sent.message_id)
            else:
                await self.until(writer, lambda m: "Who is this message for?" in m.content)
        else:
            await self.until(writer, lambda m: True, since=sent.message_id)

    async def linked(self, chat: int, message_id: int) -> None:
        assert self.bot.core is not None
        for _ in range(int(REPLY_TIMEOUT / 0.05)):
            async with self.bot.core.conversations.uows() as uow:
                if await uow.relay.copies_of(chat, message_id):
                    return
            await asyncio.sleep(0.05)
        raise AssertionError(f"#{message_id} never linked\n{self.trail}")

    async def held_in_flow(self, writer: int, message_id: int) -> None:
        for _ in range(int(REPLY_TIMEOUT / 0.05)):
            flow = await self.bot.flow(writer)
            if flow is not None and message_id in flow.data.get("held", []):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"#{message_id} never held\n{self.trail}")

    async def choose(self) -> None:
        writers = [w for w, held in self.model.held.items() if held and w not in self.blocked]
        if not writers:
            return
        writer = self.rnd.choice(writers)
        prompts = [
            m
            for m in await self.client.bot_messages(writer)
            if "Who is this message for?" in m.content and m.buttons
        ]
        button = self.rnd.choice([b for row in prompts[-1].buttons for b in row])
        pair_id = int((button.callback_data or "").rsplit(":", 1)[1])
        self.log.append(f"{writer} chooses pair {pair_id}")
        since = (await self.client.messages(writer))[-1].message_id
        await self.client.press(writer, prompts[-1].message_id, callback_data=button.callback_data)
        if pair_id not in self.model.options.get(writer, set()):
            await asyncio.sleep(0.3)
            return
        held, self.model.held[writer] = self.model.held[writer], []
        pair = self.model.pairs[pair_id]
        if pair.status is PairStatus.ACTIVE:
            self.deliver(writer, pair, held)
            for message_id in held:
                await self.linked(writer, message_id)
            await self.learn(pair.partner_of(writer))
        else:
            await self.until(writer, lambda m: True, since=since)

    async def new_pair(self) -> None:
        free = [m for m in MENTEES if not self.model.open_pairs(m) and m not in self.blocked]
        mentors = [m for m in MENTORS if len(self.model.open_pairs(m)) < 3]
        mentors = [m for m in mentors if m not in self.blocked]
        if free and mentors:
            await self.match(self.rnd.choice(free), self.rnd.choice(mentors))

    async def end(self) -> None:
        pairs = [p for p in self.model.pairs.values() if p.status is not PairStatus.ENDED]
        pairs = [p for p in pairs if not ({p.mentee_id, p.mentor_id} & self.blocked)]
        if not pairs:
            return
        pair = self.rnd.choice(pairs)
        by_staff = self.rnd.random() < 0.5
        self.log.append(f"pair {pair.id} ended by {'staff' if by_staff else 'the mentee'}")
        assert self.bot.core is not None
        if by_staff:
            async with self.bot.core.conversations.uows() as uow:
                stored = await uow.pairs.get(pair.id)
                assert stored is not None
                await end_pair(uow, stored, 0, "staff", self.bot.core.clock.now())
                await uow.commit()
        else:
            mentee = User(self.client, pair.mentee_id)
            self.model.held[pair.mentee_id] = []
            await mentee.say("/end")
            await mentee.press("Not a good fit")
            await mentee.press("Skip", expect=2)
        async with self.bot.core.conversations.uows() as uow:
            stored = await uow.pairs.get(pair.id)
        assert stored is not None and stored.status is PairStatus.ENDED
        self.model.pairs[pair.id] = stored

    async def pause_or_resume(self) -> None:
        pairs = [p for p in self.model.pairs.values() if p.status is not PairStatus.ENDED]
        pairs = [p for p in pairs if not ({p.mentee_id, p.mentor_id} & self.blocked)]
        if not pairs:
            return
        pair = self.rnd.choice(pairs)
        assert self.bot.core is not None
        async with self.bot.core.conversations.uows() as uow:
            now = self.bot.core.clock.now()
            if pair.status is PairStatus.ACTIVE:
                changed = await pause_pair(uow, pair.id, now)
            else:
                changed = await resume_pair(uow, self.bot.core.programs, pair.id, now)
            await uow.commit()
        self.model.pairs[pair.id] = changed
        self.log.append(f"staff: pair {pair.id} {changed.status}")

    async def block_or_unblock(self) -> None:
        if self.blocked and self.rnd.random() < 0.6:
            person = self.rnd.choice(sorted(self.blocked))
            self.blocked.discard(person)
            await self.client.unblock(person)
            self.log.append(f"{person} unblocks the bot")
            for _ in range(int(REPLY_TIMEOUT / 0.05)):
                found = await self.bot.person(person)
                if found is not None and not found.blocked_bot:
                    return
                await asyncio.sleep(0.05)
            raise AssertionError(self.trail)
        person = self.rnd.choice([p for p in (*MENTEES, *MENTORS) if p not in self.blocked])
        self.blocked.add(person)
        await self.client.block(person)
        self.log.append(f"{person} blocks the bot")
        for _ in range(int(REPLY_TIMEOUT / 0.05)):
            found = await self.bot.person(person)
            if found is not None and found.blocked_bot:
                break
            await asyncio.sleep(0.05)
        assert self.bot.core is not None
        async with self.bot.core.conversations.uows() as uow:
            for pair in self.model.active_pairs(person):
                stored = await uow.pairs.get(pair.id)
                assert stored is not None and stored.status is PairStatus.PAUSED, self.trail
                self.model.pairs[pair.id] = stored

    async def training(self) -> None:
        mentors = [m for m in MENTORS if m not in self.blocked]
        if not mentors:
            return
        mentor = self.rnd.choice(mentors)
        self.model.held[mentor] = []
        sent = await self.client.send_text(mentor, "/training")
        [menu] = await self.client.wait_for_messages(
            mentor, lambda m: "Pick a module" in m.content, since=sent.message_id
        )
        number = self.rnd.randint(1, 6)
        button = next(b for row in menu.buttons for b in row if b.text.startswith(f"{number}. "))
        await self.client.press(mentor, menu.message_id, callback_data=button.callback_data)
        await self.until(mentor, lambda m: f"Module {number} of 6" in m.content, menu.message_id)
        self.log.append(f"{mentor} in the training")

    async def restart(self) -> None:
        people = [p for p in (*MENTEES, *MENTORS) if p not in self.blocked]
        person = User(self.client, self.rnd.choice(people))
        self.model.held[person.id] = []
        await person.say("/restart", expect=2)
        self.log.append(f"{person.id} /restart")


OPERATIONS = (
    ("say", 10),
    ("choose", 2),
    ("new_pair", 2),
    ("end", 1),
    ("pause_or_resume", 1),
    ("block_or_unblock", 1),
    ("training", 1),
    ("restart", 1),
)


@pytest.mark.parametrize("seed", SEEDS)
async def test_relayed_messages_reach_their_pair_through_the_sandbox(
    client: SandboxClient, bot: BotProcess, seed: int
) -> None:
    sequence = Sequence(seed, bot, client)
    await sequence.start()
    names = [name for name, _ in OPERATIONS]
    weights = [weight for _, weight in OPERATIONS]
    for _ in range(STEPS):
        await getattr(sequence, sequence.rnd.choices(names, weights)[0])()
        await sequence.check()
    await asyncio.sleep(0.5)  # anything late would show now
    await sequence.check()
