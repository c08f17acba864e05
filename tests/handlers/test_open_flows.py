"""Open flows never swallow a paired person's messages (issue 13, defect 2): a flow that waits
only for buttons lets the text go to the partner and stays where it was; a finished flow closes
itself; only a state that explicitly waits for typed input takes the next text."""

from __future__ import annotations

from bot.core import effects as fx
from bot.core.events import MediaKind
from bot.core.models import ModuleResult, PairStatus, Role
from tests.handlers.relay_world import Chat, Received, World

COURSE = "volunteer-training"


def relayed(received: list[Received]) -> list[fx.Effect]:
    return [r.effect for r in received if getattr(r.effect, "relay", None) is not None]


def paired() -> tuple[World, Chat, Chat]:
    world = World()
    ana = world.person(100, Role.MENTEE, "Ana")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    return world, ana, bo


def passed_all_but_the_last(world: World, person_id: int) -> None:
    course = world.bot.programs.curricula[COURSE]
    for step in course.steps[:-1]:
        world.store.training[(person_id, COURSE, step.id)] = ModuleResult(
            person_id=person_id,
            curriculum=COURSE,
            module_id=step.id,
            correct=3,
            total=3,
            passed=True,
            completed_at=world.clock.now(),
        )


async def answer_quiz(world: World, chat: Chat, number: int, *, right: bool = True) -> None:
    module = world.bot.programs.curricula[COURSE].steps[number - 1]
    await chat.press(f"{number}. ")
    await chat.press("Start the quiz")
    for question in module.quiz:
        option = next(o for o in question.options if (o.id == question.answer) == right)
        await chat.press(option.label["en"])


async def test_the_training_menu_lets_messages_through_and_stays_open() -> None:
    world, ana, bo = paired()
    await bo.command("training")
    await answer_quiz(world, bo, 1, right=False)
    assert world.store.flows[200].state == "training.menu"
    token = world.store.flows[200].token
    bo.new()
    sent = await bo.say("Sorry Ana, I was doing the training")
    [copy] = relayed(ana.new())
    assert isinstance(copy, fx.CopyMessage) and copy.message_id == sent
    assert bo.texts() == [], "no 'please choose one of the buttons'"
    flow = world.store.flows[200]
    assert (flow.state, flow.token) == ("training.menu", token), "the flow stays where it was"
    await bo.press("Close")  # its buttons still work
    assert 200 not in world.store.flows


async def test_the_training_closes_itself_once_every_module_is_passed() -> None:
    world, ana, bo = paired()
    passed_all_but_the_last(world, 200)
    await bo.command("training")
    await answer_quiz(world, bo, 6)
    said = bo.texts()
    assert any("completed the volunteer training" in t for t in said)
    assert "/training" in said[-1]
    assert 200 not in world.store.flows, "no menu left open to press Close on"
    assert world.store.persons[200].training_passed_at is not None
    await bo.say("done with the training!")
    assert len(relayed(ana.new())) == 1


async def test_restart_waits_for_buttons_and_lets_messages_through() -> None:
    world, ana, bo = paired()
    await ana.command("restart")
    assert world.store.flows[100].state == "onboarding.language"
    ana.new()
    await ana.say("hello Bo")
    await ana.send(MediaKind.PHOTO, "a photo")
    assert len(relayed(bo.new())) == 2
    assert ana.texts() == []
    assert world.store.flows[100].state == "onboarding.language"
    await ana.say("English")  # a button's label, typed: a message to Bo too (issue 13, defect 2)
    assert len(relayed(bo.new())) == 1
    assert world.store.flows[100].state == "onboarding.language"
    await ana.press("English")  # pressed, it is the answer
    assert world.store.flows[100].state == "onboarding.consent"
    assert relayed(bo.new()) == []


async def test_a_button_label_typed_by_a_matched_person_is_relayed_not_pressed() -> None:
    world, ana, bo = paired()
    await ana.command("end")
    await ana.press("Not a good fit")
    state = world.store.flows[100].state
    token = world.store.flows[100].token
    for label in ("2", "Skip"):
        ana.new()
        sent = await ana.say(label)
        [copy] = relayed(bo.new())
        assert isinstance(copy, fx.CopyMessage) and copy.message_id == sent
        assert ana.texts() == []
        assert (world.store.flows[100].state, world.store.flows[100].token) == (state, token)
    assert [p.status for p in world.store.pairs.values()] == [PairStatus.ACTIVE]
    await ana.press("2")  # the buttons still work
    assert [p.status for p in world.store.pairs.values()] == [PairStatus.ENDED]


async def test_a_state_waiting_for_typed_input_takes_the_text() -> None:
    world, ana, bo = paired()
    await ana.command("report")
    await ana.press("Something else")  # the reason
    assert world.store.flows[100].state == "report.details"
    assert "type what happened" in ana.texts()[-1], "its question says to type"
    await ana.say("my words for the team")
    assert relayed(bo.new()) == [], "the report's details are not relayed"
    assert world.store.flows[100].state == "report.pause", "the text was the answer"


async def test_a_mentor_of_two_chooses_and_the_training_comes_back() -> None:
    world = World()
    ana = world.person(100, Role.MENTEE, "Ana")
    cy = world.person(101, Role.MENTEE, "Cy")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    world.pair(cy, bo)
    await bo.command("training")
    training = world.store.flows[200]
    menu = bo.new()[-1]
    held = await bo.say("for whom?")
    assert "Who is this message for?" in bo.texts()[0]
    await bo.press("Cy")
    [copy] = relayed(cy.new())
    assert isinstance(copy, fx.CopyMessage) and copy.message_id == held
    assert relayed(ana.new()) == []
    flow = world.store.flows[200]
    assert (flow.flow, flow.state, flow.token) == ("training", "training.menu", training.token)
    assert isinstance(menu.effect, fx.SendText)
    close = next(b for row in menu.effect.buttons for b in row if b.text == "Close")
    await bo.press_data(close.data or "", menu.message_id)
    assert 200 not in world.store.flows


async def test_an_unpaired_person_is_still_asked_to_use_the_buttons() -> None:
    world = World()
    bo = world.person(200, Role.MENTOR, "Bo")
    await bo.command("training")
    bo.new()
    await bo.say("hello?")
    assert bo.texts()[0] == "Please choose one of the buttons below."
    assert world.store.flows[200].state == "training.menu"
