"""Staff commands about people, end to end: /pending with training results and its approve
buttons, /approve, /reject (the person is told why), /user (never relayed contents), /ban and
/unban, /ageoverride. Each action is in the audit log."""

from __future__ import annotations

from dataclasses import replace

from bot.core.models import AgeStatus, PairStatus, Person, Role
from bot.core.staff import StaffMember, StaffRole
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, User, seed_pair, seed_person
from tests.e2e.staff_world import (
    ADMIN_A,
    COORD_A,
    MIA,
    NED,
    ONA,
    SUPER,
    World,
    staff_bot,
    world,
)

__all__ = ["staff_bot", "world"]  # the fixtures


async def said(client: SandboxClient, chat: int, text: str) -> str:
    found = await client.wait_for_messages(
        chat, lambda m: text in (m.text or ""), timeout=REPLY_TIMEOUT
    )
    return found[0].text or ""


async def test_pending_shows_training_and_a_button_approves(
    world: World, client: SandboxClient
) -> None:
    listing = await world.ask(COORD_A, "/pending")
    assert (
        "Ona" in listing
        and "1503" not in listing
        and "training passed" in listing
        and "Ned" not in listing
    )
    coordinator = User(client, COORD_A)
    [done] = await coordinator.press("Approve Ona")
    assert "Ona is approved" in (done.text or "")
    await said(client, ONA, "approved you as a mentor")
    ona = await world.bot.person(ONA)
    assert ona is not None and ona.approved_at is not None
    assert "No mentor is waiting" in await world.ask(COORD_A, "/pending college")
    assert "already approved" in await world.ask(COORD_A, "/approve Ona")
    assert (await world.audit())[0].action == "approve"


async def test_reject_tells_the_mentor_why(world: World, client: SandboxClient) -> None:
    reply = await world.ask(ADMIN_A, '/reject Ona "We need mentors who speak Italian"')
    assert "told that they are not approved" in reply
    told = await said(client, ONA, "Their reason")
    assert "We need mentors who speak Italian" in told
    assert "No mentor is waiting" in await world.ask(ADMIN_A, "/pending")
    [entry] = await world.audit()
    assert (entry.action, entry.actor_id, entry.organisation) == (
        "reject",
        ADMIN_A,
        "college-mentors",
    )
    assert entry.detail == "We need mentors who speak Italian" and entry.target == "Ona"


async def test_user_shows_profile_pair_and_progress_never_messages(
    world: World, client: SandboxClient
) -> None:
    pair = await seed_pair(world.bot, MIA, NED, "college")
    await client.send_text(MIA, "my secret plans for the weekend")
    await said(client, NED, "my secret plans")
    profile = await world.ask(COORD_A, "/user Mia")
    assert "<b>Mia</b> · mentee" in profile and "College First Year" in profile
    assert "with Ned (mentor)" in profile and "step 0 of 24" in profile
    assert f"#{pair.id}" not in profile and "1501" not in profile  # names, never ids
    assert "secret" not in profile
    assert "Approved on" in await world.ask(COORD_A, f"/user {NED}")


async def test_ban_ends_pairs_and_unban_restores(world: World, client: SandboxClient) -> None:
    pair = await seed_pair(world.bot, MIA, NED, "college")
    reply = await world.ask(ADMIN_A, "/ban Mia abusive messages")
    assert "Mia is banned; 1 pair ended" in reply
    await said(client, NED, "Your mentorship has ended")
    await said(client, MIA, "closed your access")
    assert "closed your access" in await world.ask(MIA, "hello?")
    assert "closed your access" in await world.ask(MIA, "/findmentor")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        stored = await uow.pairs.get(pair.id)
    assert stored is not None and stored.status is PairStatus.ENDED
    assert "can use the service again" in await world.ask(ADMIN_A, "/unban Mia")
    await said(client, MIA, "restored your access")
    assert "not banned" in await world.ask(ADMIN_A, "/unban Mia")
    assert "What I can do" in await world.ask(MIA, "/help")
    assert [e.action for e in await world.audit()] == ["unban", "ban"]


async def test_age_override_lifts_a_wrong_lock(world: World, client: SandboxClient) -> None:
    locked = await seed_person(world.bot, client, 1700, role=Role.MENTEE, program="college")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        await uow.persons.update(replace(locked, age_status=AgeStatus.MINOR))
        await uow.commit()
    assert "only for people aged 18" in await world.ask(1700, "/start")
    assert "not locked" in await world.ask(ADMIN_A, f"/ageoverride {MIA} checked")
    reply = await world.ask(ADMIN_A, "/ageoverride 1700 ID checked at the office: born 1990")
    assert "age lock of Person 1700 is lifted" in reply
    await said(client, 1700, "reviewed your age check")
    person = await world.bot.person(1700)
    assert person is not None and person.age_status is AgeStatus.ADULT
    [entry] = await world.audit()
    assert entry.action == "ageoverride" and "office" in entry.detail
    # someone who never chose a program belongs to no organisation: super-admins only
    await client.create_user("Kid", id=1800)
    async with world.bot.core.conversations.uows() as uow:
        now = world.bot.core.clock.now()
        await uow.persons.add(
            Person(
                id=1800,
                chat_id=1800,
                language="en",
                created_at=now,
                updated_at=now,
                age_status=AgeStatus.MINOR,
            )
        )
        await uow.commit()
    assert "only a super-admin" in await world.ask(ADMIN_A, "/ageoverride 1800 checked")
    assert "is lifted" in await world.ask(SUPER, "/ageoverride 1800 checked")
    assert "Which language" in await world.ask(1800, "/start")  # signing up works again


async def test_staff_cannot_be_banned_by_an_admin_and_a_ban_never_locks_staff_out(
    world: World, client: SandboxClient
) -> None:
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:  # Ned mentors and coordinates
        await uow.staff.save_member(
            StaffMember(
                user_id=NED,
                organisation="college-mentors",
                role=StaffRole.COORDINATOR,
                added_at=world.bot.core.clock.now(),
            )
        )
        await uow.commit()
    assert "only a super-admin can ban staff" in await world.ask(ADMIN_A, "/ban Ned spam")
    assert await world.audit() == []
    assert "Ned is banned" in await world.ask(SUPER, "/ban Ned spam")
    await said(client, NED, "closed your access")
    assert "Mentors waiting for approval" in await world.ask(NED, "/pending")
