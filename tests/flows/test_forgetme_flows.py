"""/forgetme as transcripts over in-memory storage: the confirmation (stale, forged and typed
presses erase nothing), the under-age lock, held reports, telling staff and starting afresh."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.core import effects as fx
from bot.core.engine import button_data
from bot.core.models import (
    AgeStatus,
    PairStatus,
    Report,
    ReportStatus,
    Role,
)
from bot.core.privacy import Retention
from bot.core.staff import StaffMember, StaffRole
from bot.i18n import Catalogs
from bot.services.matchmaking import Matchmaker
from bot.services.privacy import retention_round
from tests.dialog import Dialog, answers, texts
from tests.factories import onboarded_person
from tests.flows.privacy_world import ANNA, DAY, MARCO, STAFF, paired, privacy_bot

# --- /forgetme ---------------------------------------------------------------------------------


async def test_forgetme_erases_ends_the_pair_tells_the_partner_and_alerts_staff() -> None:
    bot = privacy_bot()
    anna, marco, staff, pair_id = await paired(bot)
    await anna.say("/forgetme")
    anna.hears("Erase your data?", "Your mentorship ends now")
    assert ANNA in bot.store.persons, "nothing is erased before the button"
    await anna.press("Yes, erase my data")
    assert anna.heard == [
        "Done: everything we kept about you has been erased. Thank you for taking part. If you "
        "ever write to me again, you will start afresh."
    ]
    assert texts(marco.new_effects()) == ["Your mentorship has ended."]
    alert = texts(staff.new_effects())
    assert len(alert) == 1 and "#1 (College First Year)" in alert[0]
    assert "Annabel" not in alert[0] and str(ANNA) not in alert[0]
    store = bot.store
    assert ANNA not in store.persons and ANNA not in store.flows
    pair = store.pairs[pair_id]
    assert pair.status is PairStatus.ENDED and pair.mentor_id == MARCO
    assert pair.mentee_id < 0 and pair.ended_by == pair.mentee_id
    stand_in = store.persons[pair.mentee_id]
    assert stand_in.display_name is None and stand_in.birth_year is None
    assert not [s for s in store.schedule.values() if s.person_id == ANNA]
    assert not store.relay, "the pair's relayed-message records are gone"
    searched = repr(
        (store.persons, store.flows, store.pairs, store.schedule, store.relay, store.reports)
    ) + json.dumps([r.item.payload for r in store.outbox if r.item.chat_id != ANNA])
    for value in ("Annabel", "Quill", "Europe/Lisbon", "1994", f"id={ANNA}"):
        assert value not in searched, value
    # she writes again: a new person, from the start
    await anna.say("/start")
    anna.hears("Which language")
    assert store.persons[ANNA].display_name is None


async def test_keeping_the_data_changes_nothing() -> None:
    bot = privacy_bot()
    anna, marco, _staff, pair_id = await paired(bot)
    await anna.say("/forgetme")
    await anna.press("No, keep my data")
    assert anna.heard == ["Nothing has been erased."]
    assert bot.store.persons[ANNA].display_name == "Annabel Quill"
    assert bot.store.pairs[pair_id].status is PairStatus.ACTIVE
    assert not marco.new_effects()


async def test_stale_forged_and_typed_confirmations_erase_nothing() -> None:
    bot = privacy_bot()
    anna, marco, _staff, pair_id = await paired(bot)
    await anna.say("/forgetme")
    old = anna.last_keyboard().buttons[0][0].data
    await anna.say("/forgetme")  # a new prompt: the first one's buttons are stale now
    flow = bot.store.flows[ANNA]
    stale = await anna.press("", data=old)
    assert answers(stale) == ["This button is no longer active. Please use the latest message."]
    forged = await anna.press("", data=button_data(flow.token, "everything"))
    assert answers(forged) == [
        "That option isn't available. Please use the buttons of the latest message."
    ]
    assert "please use the buttons" in anna.last_keyboard().text, "the prompt says to press"
    # issue 13, defect 2: a matched person's typed label is a message to the partner, not a press
    typed = await anna.say("Yes, erase my data")
    assert typed == [], "nothing to Anna: her words went to Marco"
    assert [type(e) for e in marco.new_effects()] == [fx.CopyMessage]
    assert bot.store.flows[ANNA].token == flow.token, "the prompt stays, its buttons still work"
    assert bot.store.persons[ANNA].display_name == "Annabel Quill"
    assert bot.store.pairs[pair_id].status is PairStatus.ACTIVE
    assert not marco.new_effects()
    # the latest prompt still works
    await anna.press("Yes, erase my data")
    assert ANNA not in bot.store.persons
    # and a press on any earlier prompt afterwards does nothing
    after = await anna.press("", data=old)
    assert answers(after) == ["This button is no longer active. Please use the latest message."]
    fresh = bot.store.persons[ANNA]  # any event from her now is a new person's first
    assert fresh.display_name is None and fresh.onboarded_at is None


async def test_forgetme_with_nothing_stored_stores_nothing() -> None:
    bot = privacy_bot()
    stranger = Dialog(bot, 999)
    await stranger.say("/forgetme")
    assert stranger.heard == ["We don't keep anything about you, so there is nothing to erase."]
    assert 999 not in bot.store.persons


async def test_an_under_age_person_keeps_only_the_lock() -> None:
    bot = privacy_bot()
    now = bot.clock.now()
    bot.store.persons[720] = replace(
        onboarded_person(720, Role.MENTEE, "college", now),
        age_status=AgeStatus.MINOR,
        onboarded_at=None,
        display_name="Kid Name",
        birth_year=2012,
    )
    kid = Dialog(bot, 720)
    await kid.say("/forgetme")
    await kid.press("Yes, erase my data")
    kept = bot.store.persons[720]
    assert kept.age_status is AgeStatus.MINOR
    assert (kept.display_name, kept.birth_year, kept.role, kept.program) == (None,) * 4
    await kid.say("/start")
    kid.hears("only for people aged 18 and over")  # the age check cannot be retried


async def test_an_open_report_is_held_then_released_by_the_retention_round() -> None:
    bot = privacy_bot(Retention(relay_days=30, report_days=60))
    anna, marco, staff, pair_id = await paired(bot)
    async with bot.store.uow() as uow:
        about = await uow.safety.add_report(
            Report(
                reporter_id=MARCO,
                pair_id=pair_id,
                reported_id=ANNA,
                reason="inappropriate",
                text="Marco's words",
                created_at=bot.clock.now(),
            )
        )
        mine = await uow.safety.add_report(
            Report(reporter_id=ANNA, pair_id=pair_id, reason="other", created_at=bot.clock.now())
        )
        await uow.commit()
    await anna.say("/forgetme")
    await anna.press("Yes, erase my data")
    anna.hears("a safeguarding report that names you is still open", at=1)
    anna.hears("then for 60 more days", at=1)
    alert = texts(staff.new_effects())[0]
    assert "report #1, report #2" in alert
    assert set(bot.store.held) == {about.id, mine.id}
    assert bot.store.reports[about.id].reported_id == ANNA, "kept while open"
    for report in (about, mine):  # staff resolve both
        bot.store.reports[report.id] = replace(
            report, status=ReportStatus.RESOLVED, resolved_at=bot.clock.now()
        )
    bot.clock.advance(59 * DAY)
    purged = await retention_round(bot.store.uow, bot.clock, Retention(30, 60))
    assert purged.reports == 0 and set(bot.store.held) == {about.id, mine.id}
    bot.clock.advance(2 * DAY)
    purged = await retention_round(bot.store.uow, bot.clock, Retention(30, 60))
    assert purged.reports == 2
    assert mine.id not in bot.store.reports, "her own report goes"
    kept = bot.store.reports[about.id]
    # issue 13: a resolved report keeps its words only REPORT_RETENTION_DAYS (60 here), as
    # /privacy says; his report stays, without her and now without its words (was: kept)
    assert kept.reported_id is None and kept.text == "" and kept.reason == "inappropriate", (
        "his report stays, without her"
    )
    assert not bot.store.held


async def test_a_mentor_asked_about_a_forgotten_mentee_is_told_it_is_withdrawn() -> None:
    bot = privacy_bot()
    now = bot.clock.now()
    bot.store.persons[ANNA] = onboarded_person(ANNA, Role.MENTEE, "college", now)
    bot.store.persons[MARCO] = onboarded_person(MARCO, Role.MENTOR, "college", now)
    async with bot.store.uow() as uow:
        person = bot.store.persons[ANNA]
        outcome = await Matchmaker(bot.programs, Catalogs("en")).ask(uow, person, now)
        await uow.outbox.add(outcome.effects, now)
        await uow.commit()
    assert [p.mentor_id for p in bot.store.proposals.values()] == [MARCO]
    anna = Dialog(bot, ANNA)
    before = [e for e in bot.store.pending_effects() if fx.chat_of(e) == MARCO]
    assert "Time zone" in texts(before)[0], "the proposal shows her anonymised profile"
    await anna.say("/forgetme")
    await anna.press("Yes, erase my data")
    after = [e for e in bot.store.pending_effects() if fx.chat_of(e) == MARCO]
    assert texts(after) == [
        "The person we asked you about is no longer looking for a mentor, so there is nothing "
        "to decide. Thank you!"
    ], "the proposal about her is gone, unsent"
    assert not bot.store.proposals and not bot.store.requests


async def test_a_held_report_with_no_program_reaches_super_admins_and_is_released() -> None:
    """A report filed outside any pair by someone who is then forgotten has no program left:
    super-admins still list and resolve it, and the retention round releases it."""
    bot = privacy_bot(Retention(relay_days=30, report_days=60))
    now = bot.clock.now()
    bot.store.persons[ANNA] = onboarded_person(ANNA, Role.MENTEE, "college", now)
    async with bot.store.uow() as uow:
        report = await uow.safety.add_report(
            Report(reporter_id=ANNA, reason="other", text="about nobody", created_at=now)
        )
        await uow.commit()
    anna, staff = Dialog(bot, ANNA), Dialog(bot, STAFF)
    await anna.say("/forgetme")
    await anna.press("Yes, erase my data")
    assert ANNA not in bot.store.persons and set(bot.store.held) == {report.id}
    staff.new_effects()
    [listed] = await staff.say("/reports")
    assert "Open reports</b> (1)" in listed and "about nobody" in listed
    [resolved] = await staff.say(f"/reports resolve {report.id} handled")
    assert resolved == f"Report {report.id} is resolved."
    bot.clock.advance(61 * DAY)
    purged = await retention_round(bot.store.uow, bot.clock, Retention(30, 60))
    assert purged.reports == 1 and report.id not in bot.store.reports


async def test_forgetme_tells_the_staff_of_the_organisation_of_each_ended_pair() -> None:
    bot = privacy_bot()
    coordinator = 905
    bot.store.staff.members[coordinator] = StaffMember(
        user_id=coordinator,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=bot.clock.now(),
    )
    anna, _marco, _staff, _pair_id = await paired(bot)
    async with bot.store.uow() as uow:
        await uow.outbox.add(
            [fx.SendText(chat_id=coordinator, text="Annabel Quill asked for help")],
            bot.clock.now(),
        )
        await uow.commit()
    await anna.say("/forgetme")
    await anna.press("Yes, erase my data")
    told = texts([e for e in bot.store.pending_effects() if fx.chat_of(e) == coordinator])
    assert len(told) == 1 and "#1 (College First Year)" in told[0], told
    assert "Annabel" not in told[0], "the pending message naming her is dropped"
