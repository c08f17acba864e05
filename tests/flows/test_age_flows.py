"""The age check and its staff side as transcripts (issue 13, defect 8): an under-age date is
shown back before the lock, in the person's language; the full date is never kept in the flow
data; staff of the program's organisation list locks and lift one with a typed reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core.models import AgeStatus, Pair, Person, Role
from bot.core.staff import StaffMember, StaffRole
from tests.dialog import Bot, Dialog
from tests.factories import onboarded_person

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
COORDINATOR, OTHER = 901, 902
KID, ROOTS_KID = 5, 6


async def at_the_date(bot: Bot, user_id: int = 100, language: str = "English") -> Dialog:
    d = Dialog(bot, user_id)
    await d.say("/start college")
    await d.press(language)
    await d.press("d'accordo" if language == "Italiano" else "I agree")
    return d


async def test_an_adult_date_goes_straight_on_and_an_under_age_one_is_shown_back() -> None:
    bot = Bot()
    d = await at_the_date(bot)
    today = bot.clock.now().date()
    await d.say(f"14/05/{today.year - 15}")
    d.hears_only(f"<b>14 May {today.year - 15}</b> — is that right?", "can't be changed")
    flow = bot.store.flows[100]
    assert flow.state == "onboarding.birthdate_check"
    assert flow.data == {
        "program": "college",
        "link_program": "college",
        "minor_year": today.year - 15,
    }
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.UNKNOWN
    assert person.birth_year is None
    # shown again (after /help), the full date is no longer known: the year only
    await d.say("/help")
    d.hears(f"Born in <b>{today.year - 15}</b> — is that right?", at=1)
    # a date typed here replaces the one to confirm: under age again, then an adult's
    await d.say(f"2 March {today.year - 16}")
    d.hears_only(f"2 March {today.year - 16}")
    assert bot.store.flows[100].data["minor_year"] == today.year - 16
    await d.say("23/04/2001")
    d.hears_only("Would you like a mentor")
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.ADULT
    assert person.birth_year == 2001 and "minor_year" not in bot.store.flows[100].data


async def test_change_asks_again_and_decides_nothing() -> None:
    bot = Bot()
    d = await at_the_date(bot)
    await d.say("01/01/2012")
    await d.press("Change")
    d.hears("Please type your date of birth.")
    assert bot.store.flows[100].state == "onboarding.birthdate"
    assert "minor_year" not in bot.store.flows[100].data
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.UNKNOWN
    await d.say("something else")
    d.hears("couldn't read that as a date")


async def test_a_restart_at_the_check_decides_nothing() -> None:
    bot = Bot()
    d = await at_the_date(bot)
    await d.say("01/01/2012")
    await d.say("/restart")
    d.hears("Which language", at=1)
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.UNKNOWN
    await d.say("hello")  # the check's buttons are gone with it
    d.hears("Please choose one of the buttons")


async def test_the_check_speaks_the_persons_language_and_the_lock_has_an_owner() -> None:
    bot = Bot()
    d = await at_the_date(bot, language="Italiano")
    await d.say("14 maggio 2012")
    d.hears_only("<b>14 maggio 2012</b>: è corretto?")
    buttons = [b.text for row in d.last_keyboard().buttons for b in row]
    assert buttons == ["Sì, è corretta", "Cambia"]
    await d.press("Sì")
    d.hears("riferimento: <code>100</code>")
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.MINOR
    assert person.birth_year == 2012 and person.program == "college"
    assert 100 not in bot.store.flows


def locked_person(user_id: int, program: str | None) -> Person:
    return Person(
        id=user_id,
        chat_id=user_id,
        language="en",
        created_at=T0,
        updated_at=T0,
        age_status=AgeStatus.MINOR,
        birth_year=2011,
        age_checked_at=T0,
        program=program,
    )


@pytest.fixture
def bot() -> Bot:
    bot = Bot()
    for user_id, org in ((COORDINATOR, "college-mentors"), (OTHER, "new-roots")):
        bot.store.staff.members[user_id] = StaffMember(
            user_id=user_id,
            organisation=org,
            role=StaffRole.COORDINATOR if user_id == COORDINATOR else StaffRole.ADMIN,
            added_at=T0,
        )
    bot.store.persons[KID] = locked_person(KID, "college")
    bot.store.persons[ROOTS_KID] = locked_person(ROOTS_KID, "rebuild")
    bot.store.persons[7] = locked_person(7, None)  # locked before programs were asked
    return bot


async def test_staff_list_their_organisations_locks_and_lift_one_with_a_reason(bot: Bot) -> None:
    staff = Dialog(bot, COORDINATOR)
    await staff.say("/locked")
    listing = staff.hears_only("(1)", f"reference {KID} · College First Year · born in 2011")
    assert f"reference {ROOTS_KID}" not in listing and "reference 7" not in listing
    await staff.press("Lift lock")
    staff.hears_only("type the reason")
    assert bot.store.flows[COORDINATOR].state == "agelift.reason"
    await staff.say("ok")
    staff.hears_only("a few words")
    assert bot.person(KID).is_age_locked  # type: ignore[union-attr]
    await staff.say("  saw her passport:   born 2001 ")
    assert staff.heard == [f"The age lock of reference {KID} is lifted."]
    person = bot.person(KID)
    assert person is not None and person.age_status is AgeStatus.ADULT
    assert person.birth_year is None  # the typed year was wrong
    assert COORDINATOR not in bot.store.flows
    [entry] = bot.store.staff.audit.values()
    assert (entry.action, entry.actor_id, entry.organisation, entry.detail) == (
        "ageoverride",
        COORDINATOR,
        "college-mentors",
        "saw her passport: born 2001",
    )
    kid = Dialog(bot, KID)
    await kid.say("/start")
    assert len(kid.heard) == 2
    kid.hears("reviewed your age check")
    kid.hears("Which language", at=1)


async def test_a_lock_of_no_program_or_another_organisation_is_out_of_reach(bot: Bot) -> None:
    staff = Dialog(bot, COORDINATOR)
    await staff.say(f"/ageoverride {ROOTS_KID} checked")
    staff.hears("can't find")
    await staff.say("/ageoverride 7 checked")
    staff.hears("only a super-admin")
    await staff.press("", data=f"st:locked:lift:{ROOTS_KID}")
    assert "can't find" in staff.toast()
    assert COORDINATOR not in bot.store.flows
    other = Dialog(bot, OTHER)
    await other.say("/locked college")
    other.hears("no program “college” in your organisation")
    await other.say("/locked")
    listing = other.hears_only(f"reference {ROOTS_KID}")
    assert f"reference {KID}" not in listing
    mentee = Dialog(bot, 1)
    await mentee.say("/locked")
    mentee.hears("only for program staff")
    assert all(bot.person(i).is_age_locked for i in (KID, ROOTS_KID, 7))  # type: ignore[union-attr]
    assert not bot.store.staff.audit


async def test_the_reason_is_authorised_again_and_cancel_lifts_nothing(bot: Bot) -> None:
    staff = Dialog(bot, COORDINATOR)
    await staff.say("/locked")
    await staff.press("Lift lock")
    await staff.say("/cancel")
    staff.hears("Cancelled")
    await staff.say("/locked")
    await staff.press("Lift lock")
    del bot.store.staff.members[COORDINATOR]  # removed from the staff meanwhile
    await staff.say("checked the ID card")
    staff.hears_only("only for program staff")
    assert bot.person(KID).is_age_locked and not bot.store.staff.audit  # type: ignore[union-attr]
    assert COORDINATOR not in bot.store.flows
    # a lock lifted meanwhile by someone else: the answer says so
    bot.store.staff.members[COORDINATOR] = StaffMember(
        user_id=COORDINATOR,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=T0,
    )
    await staff.say("/locked")
    await staff.press("Lift lock")
    bot.store.persons[KID] = replace(bot.store.persons[KID], age_status=AgeStatus.ADULT)
    await staff.say("checked the ID card")
    staff.hears_only("is not locked by the age check")


async def test_a_paired_staff_members_reason_is_not_relayed_to_their_mentee(bot: Bot) -> None:
    bot.store.persons[COORDINATOR] = onboarded_person(COORDINATOR, Role.MENTOR, "college", T0)
    bot.store.persons[1] = onboarded_person(1, Role.MENTEE, "college", T0)
    bot.store.pairs[9] = Pair(
        id=9, program="college", mentee_id=1, mentor_id=COORDINATOR, started_at=T0
    )
    staff = Dialog(bot, COORDINATOR)
    await staff.say("/locked")
    await staff.press("Lift lock")
    await staff.say("checked the ID card")
    assert staff.heard == [f"The age lock of reference {KID} is lifted."]
    mentee = Dialog(bot, 1)
    await mentee.say("/cancel")
    assert mentee.heard == [
        "There's nothing to cancel right now. /help shows what I can do."
    ]  # the mentee received nothing before this answer
