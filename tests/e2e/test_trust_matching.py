"""Issue 13, defect 7: a couple that ended (any reason) or whose mentor declined is never proposed
or suggested again; staff who /pair them see the history in words and confirm first."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.core.models import PairStatus, ProposalStatus, Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import CallbackAnswer
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, User, seed_pair, seed_person
from tests.e2e.staff_world import COORD_A, MIA, NED, ONA, START, World, staff_bot, world

__all__ = ["staff_bot", "world"]  # the fixtures

LIA, BEN, CAL = 1301, 1302, 1303
GOALS = ("financial_aid", "study_habits")


async def said(client: SandboxClient, chat: int, text: str) -> str:
    found = await client.wait_for_messages(
        chat, lambda m: text in (m.text or ""), timeout=REPLY_TIMEOUT
    )
    return found[-1].text or ""


async def answer(client: SandboxClient, chat: int, count: int) -> CallbackAnswer:
    """The `count`-th callback answer of a chat, once it has come."""
    for _ in range(200):
        answers = await client.callback_answers(chat)
        if len(answers) >= count:
            return answers[count - 1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no callback answer #{count} in chat {chat}")


async def end_as_not_a_good_fit(user: User) -> None:
    """The whole /end conversation: "Not a good fit", then skip the feedback."""
    await user.say("/end")
    await user.press("Not a good fit")
    ended = await user.press("Skip", expect=2)
    assert "has ended" in (ended[0].text or "")
    assert "ask for a new mentor with /findmentor" in (ended[1].text or "")


async def test_findmentor_never_proposes_an_ended_or_declining_mentor_again(
    client: SandboxClient, bot: BotProcess
) -> None:
    await seed_person(bot, client, LIA, role=Role.MENTEE, program="college", goals=GOALS)
    await seed_person(bot, client, BEN, role=Role.MENTOR, program="college", goals=GOALS)
    await seed_person(bot, client, CAL, role=Role.MENTOR, program="college", goals=GOALS[:1])
    first = await seed_pair(bot, LIA, BEN, "college")
    lia, cal = User(client, LIA), User(client, CAL)
    await end_as_not_a_good_fit(lia)
    # Ben is still the best fit on paper, and free: Cal is asked instead
    reply = await lia.say("/findmentor")
    assert "We've asked a mentor" in (reply[0].text or "")
    await said(client, CAL, "would like a mentor")
    await cal.press("Decline")
    await cal.press("No time right now", expect=0)
    # nobody left but the two who ended or declined: the mentee waits in the queue, kindly
    waiting = await said(client, LIA, "No mentor is free right now")
    assert "number 1 in the queue" in waiting
    await lia.say("/findmentor")  # asking again asks no one
    await asyncio.sleep(0.5)  # a matching round (every 0.2 s) proposes no one either
    offers = [m for m in await client.bot_messages(BEN) if "would like a mentor" in (m.text or "")]
    assert offers == [], "the mentor of the ended pair is never asked again"
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        request = await uow.matching.open_request(LIA)
        assert request is not None
        proposals = await uow.matching.proposals_for(request.id)
        history = await uow.matching.history([LIA])
        pairs = await uow.pairs.of_person(LIA)
    assert [(p.mentor_id, p.status, p.reason) for p in proposals] == [
        (CAL, ProposalStatus.DECLINED, "busy")
    ]
    assert [(c.mentor_id, c.outcome.value, c.by, c.reason) for c in history] == [
        (BEN, "ended", LIA, "fit"),
        (CAL, "declined", CAL, "busy"),
    ]
    assert pairs == [], f"pair #{first.id} stays ended and no new pair was made"


async def end_pair_of(world: World, client: SandboxClient) -> int:
    """Mia and Ned were a pair; Mia ended it as "Not a good fit"."""
    pair = await seed_pair(world.bot, MIA, NED, "college")
    await end_as_not_a_good_fit(User(client, MIA))
    return pair.id


async def test_match_leaves_out_and_pair_confirms_an_ended_couple(
    world: World, client: SandboxClient
) -> None:
    ended_id = await end_pair_of(world, client)
    draft = await world.ask(COORD_A, "/match college")
    assert "0 of 1 mentee paired" in draft and "Ned" not in draft.split("\n", 1)[1]
    assert "Left out: 1 couple who was paired before and ended" in draft
    assert not (await client.bot_messages(COORD_A))[-1].buttons, "nothing to publish"
    await world.ask(COORD_A, "/match discard")

    asked = await world.ask(COORD_A, "/pair Mia Ned")
    assert "Mia and Ned were matched before" in asked
    assert "• ended on 4 May 2026 by the mentee: “Not a good fit”" in asked
    assert "Pair them anyway?" in asked
    coordinator = User(client, COORD_A)
    preview = await coordinator.keyboard()
    assert [b.text for b in preview.buttons[0]] == ["✅ Pair them again", "✖ Cancel"]
    await coordinator.press("Cancel", expect=0)
    await said(client, COORD_A, "Cancelled: nothing was sent or changed.")
    # the cancelled preview's confirm button is stale now: it changes nothing
    await client.press(
        COORD_A, preview.message_id, callback_data=preview.buttons[0][0].callback_data, force=True
    )
    assert "no longer active" in ((await answer(client, COORD_A, 2)).text or "")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        assert [p.id for p in await uow.pairs.of_person(MIA)] == []
    assert await world.actions() == ["match discard", "match draft"]

    await world.ask(COORD_A, "/pair Mia Ned")
    await coordinator.press("Pair them again", expect=0)
    done = await said(client, COORD_A, "✅ Paired: ")
    assert "Mia with Ned" in done
    await said(client, MIA, "You're matched with <b>Ned</b>")
    await said(client, NED, "You're now the mentor of <b>Mia</b>")
    async with world.bot.core.conversations.uows() as uow:
        [again] = await uow.pairs.of_person(MIA)
        old = await uow.pairs.get(ended_id)
    assert again.mentor_id == NED and again.status is PairStatus.ACTIVE
    assert old is not None and old.status is PairStatus.ENDED
    entry = (await world.audit())[0]
    assert (entry.action, entry.target) == ("pair", f"#{again.id}")
    assert "confirmed after: ended on 4 May 2026" in entry.detail


async def test_pair_shows_a_decline_and_a_couple_without_history_pairs_at_once(
    world: World, client: SandboxClient
) -> None:
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:  # Ona approved, like Ned
        ona = await uow.persons.get(ONA)
        assert ona is not None
        await uow.persons.update(replace(ona, approved_at=START))
        await uow.commit()
    reply = await world.ask(MIA, "/findmentor")
    assert "We've asked a mentor" in reply
    async with world.bot.core.conversations.uows() as uow:
        request = await uow.matching.open_request(MIA)
        assert request is not None
        [proposal] = await uow.matching.proposals_for(request.id)
    asked, other = proposal.mentor_id, ({NED, ONA} - {proposal.mentor_id}).pop()
    name = {NED: "Ned", ONA: "Ona"}
    await said(client, asked, "would like a mentor")
    mentor = User(client, asked)
    await mentor.press("Decline")
    await mentor.press("Not a good fit for me", expect=0)
    await said(client, other, "would like a mentor")  # the other mentor is asked next
    draft = await world.ask(COORD_A, "/match college")
    assert f"Mia ↔ {name[other]}" in draft and f"↔ {name[asked]}" not in draft
    shown = await world.ask(COORD_A, f"/pair Mia {name[asked]}")
    assert "• declined on 4 May 2026 by the mentor: “Not a good fit for me”" in shown
    await world.ask(COORD_A, "/cancel")
    made = await world.ask(COORD_A, f"/pair Mia {name[other]}")  # no history: paired at once
    assert f"Mia with {name[other]}" in made
    async with world.bot.core.conversations.uows() as uow:
        [pair] = await uow.pairs.of_person(MIA)
    assert pair.mentor_id == other
