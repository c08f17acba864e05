"""The anonymous relay as transcripts over in-memory fakes: what each chat receives."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core import effects as fx
from bot.core.events import BotBlocked, MediaKind
from bot.core.models import PairStatus, Role
from bot.services.relay import ALBUM_WINDOW
from flows import relay as relay_flow
from tests.handlers.relay_world import STAFF, Chat, Received, ScreenCall, World, recording_screen


def paired() -> tuple[World, Chat, Chat]:
    world = World()
    ana = world.person(100, Role.MENTEE, "Ana")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    return world, ana, bo


def copies(received: list[Received]) -> list[fx.CopyMessage]:
    return [r.effect for r in received if isinstance(r.effect, fx.CopyMessage)]


async def test_text_goes_both_ways_as_a_copy_and_is_linked() -> None:
    world, ana, bo = paired()
    first = await ana.say("Hello Bo!")
    assert ana.new() == [], "the writer gets no noise"
    [copy] = copies(bo.new())
    assert (copy.chat_id, copy.from_chat_id, copy.message_id) == (200, 100, first)
    assert copy.caption is None and copy.relay is not None and copy.relay.pair_id == 1
    [link] = world.store.relay
    assert (link.source_chat_id, link.source_message_id, link.target_chat_id) == (100, first, 200)
    assert world.pair_of(1).last_activity_at == world.clock.now()
    answer = await bo.say("Hi Ana")
    [back] = copies(ana.new())
    assert (back.chat_id, back.from_chat_id, back.message_id) == (100, 200, answer)
    assert len(world.store.relay) == 2


@pytest.mark.parametrize(
    "kind",
    [
        MediaKind.PHOTO,
        MediaKind.VIDEO,
        MediaKind.VIDEO_NOTE,
        MediaKind.VOICE,
        MediaKind.AUDIO,
        MediaKind.DOCUMENT,
        MediaKind.STICKER,
        MediaKind.ANIMATION,
    ],
)
async def test_every_media_kind_is_copied_as_it_is(kind: MediaKind) -> None:
    world, ana, bo = paired()
    caption = None if kind in (MediaKind.STICKER, MediaKind.VIDEO_NOTE) else "look"
    sent = await ana.send(kind, caption)
    received = bo.new()
    assert [type(r.effect) for r in received] == [fx.CopyMessage]
    [copy] = copies(received)
    assert (copy.message_id, copy.caption) == (sent, None), "the caption travels as it is"
    assert len(world.store.relay) == 1


async def test_replies_are_threaded_on_the_other_side() -> None:
    world, ana, bo = paired()
    question = await ana.say("Which courses should I pick?")
    copy_in_bo = bo.new()[0].message_id
    await bo.say("Start with maths", reply_to=copy_in_bo)
    [answer] = copies(ana.new())
    assert answer.reply_to_message_id == question, "Ana sees Bo's answer under her question"
    await ana.say("Thanks!", reply_to=question)  # replying to her own message
    [thanks] = copies(bo.new())
    assert thanks.reply_to_message_id == copy_in_bo
    await ana.say("unrelated", reply_to=99)  # a message that was never relayed
    [plain] = copies(bo.new())
    assert plain.reply_to_message_id is None


async def test_edits_are_mirrored_on_every_copy() -> None:
    world, ana, bo = paired()
    text = await ana.say("See you on Mnoday")
    photo = await ana.send(MediaKind.PHOTO, "my <desk>")
    text_copy, photo_copy = (r.message_id for r in bo.new())
    await ana.edit(text, text="See you on Monday & Tuesday")
    await ana.edit(photo, caption="my new <desk>")
    edits = [r.effect for r in bo.new()]
    assert edits == [
        fx.EditText(chat_id=200, message_id=text_copy, text="See you on Monday &amp; Tuesday"),
        fx.EditCaption(chat_id=200, message_id=photo_copy, caption="my new &lt;desk&gt;"),
    ]
    unrelayed = world.next_id(100)
    await ana.edit(unrelayed, text="never relayed")
    assert bo.new() == []


async def test_an_album_arrives_in_one_call_and_what_follows_waits_for_it() -> None:
    world, ana, bo = paired()
    ids = [
        await ana.send(MediaKind.PHOTO, "trip" if i == 0 else None, album="g1") for i in range(3)
    ]
    after = await ana.say("Nice, no?")
    assert bo.new() == [], "gathered for a moment"
    world.clock.advance(ALBUM_WINDOW.total_seconds() + 0.1)
    await world.deliver()
    received = bo.new()
    assert [type(r.effect) for r in received] == [fx.CopyMessages, fx.CopyMessage]
    album = received[0].effect
    assert isinstance(album, fx.CopyMessages) and album.message_ids == tuple(ids)
    assert copies(received)[0].message_id == after, "the text comes after the album"
    assert [k.source_message_id for k in world.store.relay] == [*ids, after]
    assert len({k.target_message_id for k in world.store.relay}) == 4


async def test_activity_is_kept_to_the_minute_and_an_album_item_always_records_it() -> None:
    world, ana, bo = paired()
    await ana.say("one")
    assert len(copies(bo.new())) == 1
    start = world.clock.now()
    world.clock.advance(20)
    await bo.say("two")
    assert world.pair_of(1).last_activity_at == start, "within the minute: not written again"
    world.clock.advance(30)
    photo = await ana.send(MediaKind.PHOTO, album="g3")
    assert world.pair_of(1).last_activity_at == world.clock.now(), "an album item records it"
    world.clock.advance(0.5)
    text = await ana.say("and this")
    assert bo.new() == [], "the album, and the text after it, wait for the window"
    world.clock.advance(ALBUM_WINDOW.total_seconds())
    await world.deliver()
    received = bo.new()
    assert [type(r.effect) for r in received] == [fx.CopyMessages, fx.CopyMessage]
    album = received[0].effect
    assert isinstance(album, fx.CopyMessages) and album.message_ids == (photo,)
    assert copies(received)[0].message_id == text, "the text waited for the album"
    world.clock.advance(61)
    await bo.say("later")
    assert world.pair_of(1).last_activity_at == world.clock.now()


async def test_an_album_item_after_the_album_left_starts_a_new_one() -> None:
    world, ana, bo = paired()
    await ana.send(MediaKind.PHOTO, album="g2")
    world.clock.advance(2)
    await world.deliver()
    late = await ana.send(MediaKind.VIDEO, album="g2")
    world.clock.advance(2)
    await world.deliver()
    albums = [r.effect for r in bo.new() if isinstance(r.effect, fx.CopyMessages)]
    assert [a.message_ids for a in albums][-1] == (late,)


def mentor_of_two() -> tuple[World, Chat, Chat, Chat]:
    world = World()
    ana = world.person(100, Role.MENTEE, "Ana")
    cy = world.person(101, Role.MENTEE, "Cy <3")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    world.pair(cy, bo)
    return world, ana, cy, bo


async def test_a_mentor_of_two_sees_whose_message_it_is() -> None:
    world, ana, cy, bo = mentor_of_two()
    await ana.say("I passed <b>maths</b>!")
    await cy.send(MediaKind.PHOTO, "my room")
    await cy.send(MediaKind.DOCUMENT)
    await ana.send(MediaKind.STICKER)
    received = bo.new()
    shown = [(type(r.effect).__name__, r.text) for r in received]
    assert shown == [
        ("SendText", "<b>Ana</b>: I passed &lt;b&gt;maths&lt;/b&gt;!"),
        ("CopyMessage", "<b>Cy &lt;3</b>: my room"),
        ("CopyMessage", "<b>Cy &lt;3</b>"),
        ("SendText", "<b>Ana</b>:"),
        ("CopyMessage", ""),
    ]
    assert len(world.store.relay) == 4, "the name line is not a relayed message"
    long = "x" * 4094  # with "Ana: " in front, longer than a message may be
    await ana.say(long)
    header, copy = bo.new()
    assert header.text == "<b>Ana</b>:" and isinstance(copy.effect, fx.CopyMessage)
    assert copies(ana.new()) == [], "the mentee's side is never labelled"
    first = next(k for k in world.store.relay if k.source_chat_id == 100)
    await ana.edit(first.source_message_id, text="I passed maths & physics!")
    [edit] = [r.effect for r in bo.new()]
    assert edit == fx.EditText(
        chat_id=200,
        message_id=first.target_message_id,
        text="<b>Ana</b>: I passed maths &amp; physics!",
    )
    album = [await ana.send(MediaKind.PHOTO, album="a") for _ in range(2)]
    world.clock.advance(2)
    await world.deliver()
    header, photos = bo.new()
    assert header.text == "<b>Ana</b>:" and isinstance(photos.effect, fx.CopyMessages)
    assert photos.effect.message_ids == tuple(album)


async def test_a_mentor_answers_by_reply_and_by_choosing() -> None:
    world, ana, cy, bo = mentor_of_two()
    await ana.say("hello from Ana")
    await cy.say("hello from Cy")
    from_ana, from_cy = (r.message_id for r in bo.new())
    await bo.say("Hi Cy", reply_to=from_cy)
    assert [c.reply_to_message_id for c in copies(cy.new())] == [1]
    assert copies(ana.new()) == []
    held = await bo.say("Who gets this?")
    prompt = bo.texts()
    assert "Who is this message for?" in prompt[0]
    assert copies(ana.new()) == copies(cy.new()) == []
    await bo.press("Ana")
    assert "Your messages now go to Ana" in bo.texts()[-1]
    [copy] = copies(ana.new())
    assert copy.message_id == held, "the held message is relayed once chosen"
    assert bo.me.active_pair_id == 1
    await bo.say("and this too")
    assert len(copies(ana.new())) == 1 and copies(cy.new()) == []
    await bo.command("switch")
    assert "Who do you want to write to?" in bo.texts()[0]
    await bo.press("Cy")
    assert bo.me.active_pair_id == 2
    await bo.say("now for Cy")
    assert len(copies(cy.new())) == 1
    await bo.say("back to Ana", reply_to=from_ana)
    assert len(copies(ana.new())) == 1 and bo.me.active_pair_id == 2


async def test_several_held_messages_go_in_one_copy_once_chosen() -> None:
    world, ana, _cy, bo = mentor_of_two()
    first = await bo.say("one")
    photos = [await bo.send(MediaKind.PHOTO, album="a1") for _ in range(2)]
    assert len(bo.texts()) == 1, "asked once"
    await bo.press("Ana")
    [batch] = [r.effect for r in ana.new() if isinstance(r.effect, fx.CopyMessages)]
    assert batch.message_ids == (first, *photos)
    assert len([k for k in world.store.relay if k.target_chat_id == 100]) == 3


async def test_switch_with_one_mentee_or_none() -> None:
    world, ana, bo = paired()
    await bo.command("switch")
    assert "You're talking with Ana" in bo.texts()[0]
    lonely = world.person(300, Role.MENTOR, "Di")
    await lonely.command("switch")
    assert "don't have a mentee yet" in lonely.texts()[0]
    await lonely.press_data("rl:switch:1")
    assert lonely.me.active_pair_id is None, "not her pair: nothing changes"


async def test_a_contact_is_held_back_until_confirmed() -> None:
    world, ana, bo = paired()
    contact = await ana.send(MediaKind.CONTACT)
    warning = ana.texts()
    assert "shares a phone number" in warning[0]
    assert bo.new() == []
    await ana.press("Don't send")
    assert "didn't send" in ana.texts()[-1] and bo.new() == []
    location = await ana.send(MediaKind.LOCATION)
    assert "shares your location" in ana.texts()[0]
    await ana.say("meanwhile, a normal message")
    assert len(copies(bo.new())) == 1, "messages keep flowing while the question waits"
    await ana.press("Send anyway")
    [copy] = copies(bo.new())
    assert copy.message_id == location != contact
    assert world.store.flows.get(100) is None


async def test_a_mentor_of_two_chooses_then_confirms_a_location() -> None:
    world, ana, _cy, bo = mentor_of_two()
    location = await bo.send(MediaKind.LOCATION)
    assert "Who is this message for?" in bo.texts()[0]
    await bo.press("Ana")
    assert "shares your location" in bo.texts()[-1]
    assert copies(ana.new()) == []
    await bo.press("Send anyway")
    assert [c.message_id for c in copies(ana.new())] == [location]


async def test_a_paused_pair_sends_nothing() -> None:
    world, ana, bo = paired()
    world.store.pairs[1] = replace(world.pair_of(1), status=PairStatus.PAUSED)
    await ana.say("are you there?")
    assert "paused right now" in ana.texts()[0]
    assert bo.new() == []


async def test_people_without_a_pair_are_told_what_happens() -> None:
    world = World()
    mentee = world.person(100, Role.MENTEE, "Ana")
    mentor = world.person(200, Role.MENTOR, "Bo")
    await mentee.say("hello?")
    assert "/findmentor" in mentee.texts()[0]
    await mentee.command("findmentor")
    mentee.new()
    await mentee.send(MediaKind.PHOTO)
    assert "waiting for a mentor" in mentee.texts()[0]
    await mentor.say("hello?")
    assert "don't have a mentee yet" in mentor.texts()[0]


async def test_a_partner_who_blocked_the_bot_pauses_the_pair() -> None:
    world, ana, bo = paired()
    await world.conversations.recipient_blocked(200)
    await world.deliver()
    assert world.pair_of(1).status is PairStatus.PAUSED
    assert world.store.persons[200].blocked_bot
    told = ana.texts()
    assert told == ["Your mentorship is paused for now; the program team will be in touch."]
    alert = [r.text for r in world.inbox[STAFF]]
    assert len(alert) == 1 and "Bo blocked the bot. Their mentorship with Ana in " in alert[0]
    assert "200" not in alert[0], "staff read names, never raw ids"
    await world.conversations.recipient_blocked(200)  # a second 403: nothing new
    await world.deliver()
    assert ana.new() == [] and len(world.inbox[STAFF]) == 1
    await ana.say("still there?")
    assert "paused" in ana.texts()[0]


async def test_blocking_the_bot_pauses_the_pair_too() -> None:
    world, ana, bo = paired()
    await world.handle(BotBlocked(**ana._base()))
    assert world.pair_of(1).status is PairStatus.PAUSED
    assert "paused for now" in bo.texts()[0]


async def test_the_screen_sees_each_message_and_never_stops_it() -> None:
    calls: list[ScreenCall] = []
    world = World(screen=recording_screen(calls))
    ana = world.person(100, Role.MENTEE, "Ana")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    await ana.say("I feel in danger")
    await ana.send(MediaKind.PHOTO, "caption")
    await ana.send(MediaKind.STICKER)
    assert calls == [(100, 1, "I feel in danger"), (100, 1, "caption"), (100, 1, "")]
    assert ana.texts() == ["SCREEN: resources"]
    assert len(copies(bo.new())) == 3


def test_the_relay_flow_has_stable_state_ids() -> None:
    assert relay_flow.FLOW.name == "relay"
    assert set(relay_flow.FLOW.states) == {"relay.choose_partner", "relay.confirm_share"}
