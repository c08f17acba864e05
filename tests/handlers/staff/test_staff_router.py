"""The staff router as transcripts over the in-memory fakes: every staff command has a handler,
/help follows the role, a coordinator's press on an admin-only button and a stale confirmation
change nothing, staff of another organisation cannot reach this one's people."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core.effects import EditText, SendText, SetCommands
from bot.core.models import AgeStatus, Pair, PairStatus, ProposalStatus, Report, Role
from bot.core.staff import Access, PersonFlag, StaffMember, StaffRole, actor_for
from bot.handlers.commands import COMMANDS, REGISTRY, STAFF_COMMANDS
from bot.handlers.registry import Registry
from bot.handlers.staff.router import StaffRouter
from tests.dialog import Bot, Dialog, answers
from tests.factories import onboarded_person
from tests.fakes.forums import FakeForums

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
ADMIN, COORDINATOR, OTHER = 900, 901, 902


@pytest.fixture
def bot() -> Bot:
    bot = Bot()
    staff = bot.store.staff
    for user_id, org, staff_role in (
        (ADMIN, "college-mentors", StaffRole.ADMIN),
        (COORDINATOR, "college-mentors", StaffRole.COORDINATOR),
        (OTHER, "new-roots", StaffRole.ADMIN),
    ):
        staff.members[user_id] = StaffMember(
            user_id=user_id, organisation=org, role=staff_role, added_at=T0
        )
    for user_id, role in ((1, Role.MENTEE), (2, Role.MENTOR)):
        bot.store.persons[user_id] = onboarded_person(
            user_id, role, "college", T0, approved_at=None, display_name=f"P{user_id}"
        )
    return bot


def test_every_staff_command_has_a_handler_and_usage(bot: Bot) -> None:
    router = bot.conversations._dispatcher.staff  # type: ignore[attr-defined]
    assert isinstance(router, StaffRouter)
    assert {c.name for c in STAFF_COMMANDS} <= set(router.handlers)
    assert all(c.description for c in STAFF_COMMANDS)
    everyone = COMMANDS + STAFF_COMMANDS
    assert len({c.name for c in everyone}) == len(everyone), "command names are unique"
    with pytest.raises(ValueError, match="without a handler"):
        Registry(staff=(replace(STAFF_COMMANDS[0], run=None),))  # type: ignore[arg-type]
    assert StaffRouter(router.services).handlers.keys() == router.handlers.keys()


def test_access_levels_nest() -> None:
    coordinator = actor_for(
        5, (), StaffMember(user_id=5, organisation="a", role=StaffRole.COORDINATOR, added_at=T0)
    )
    assert coordinator.allows(Access.COORDINATOR) and not coordinator.allows(Access.ADMIN)
    assert actor_for(5, (5,), None).is_superadmin
    assert not actor_for(6, (5,), None).is_staff
    levels = [
        len(REGISTRY.for_access(a)) for a in (Access.EVERYONE, Access.COORDINATOR, Access.ADMIN)
    ]
    assert levels[0] < levels[1] < levels[2]


async def test_help_follows_the_role(bot: Bot) -> None:
    [mentee] = await Dialog(bot, 1).say("/help")
    [coordinator] = await Dialog(bot, COORDINATOR).say("/help")
    [admin] = await Dialog(bot, ADMIN).say("/help")
    assert "Staff commands" not in mentee
    assert "/pending [PROGRAM]" in coordinator and "/export" not in coordinator
    assert "/export [PROGRAM]" in admin and "/staff add PERSON" in admin


async def test_admin_only_button_refused_to_a_coordinator(bot: Bot) -> None:
    effects = await Dialog(bot, COORDINATOR).press("", data="st:export:college")
    assert any("needs the admin role" in (a or "") for a in answers(effects))
    assert bot.store.staff.audit == {}


async def test_stale_confirmation_changes_nothing(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    [preview] = await coordinator.say("/broadcast college all Hello")
    assert "Preview" in preview
    effects = await coordinator.press("", data="st:ok:00000000")
    assert any("no longer active" in (a or "") for a in answers(effects))
    assert bot.store.staff.broadcasts == {} and bot.store.staff.drafts  # still pending
    effects = await coordinator.press("Send to")
    assert any("Broadcast confirmed" in e.text for e in effects if isinstance(e, EditText))
    assert len(bot.store.staff.broadcasts) == 1 and not bot.store.staff.drafts


async def test_other_organisation_cannot_approve(bot: Bot) -> None:
    [reply] = await Dialog(bot, OTHER).say("/approve P2")
    assert "can't find “P2”" in reply and "Usage: /approve PERSON" in reply
    person = bot.person(2)
    assert person is not None and person.approved_at is None
    [done] = await Dialog(bot, COORDINATOR).say("/approve P2")
    assert "is approved" in done
    [entry] = bot.store.staff.audit.values()
    assert (entry.action, entry.actor_id, entry.organisation) == (
        "approve",
        COORDINATOR,
        "college-mentors",
    )


async def test_program_prints_the_real_join_link_never_a_placeholder(bot: Bot) -> None:
    admin = Dialog(bot, ADMIN)
    [reply] = await admin.say("/program")
    assert "your-bot" not in reply and "t.me/" not in reply, "Telegram not asked yet"
    assert "try again in a minute" in reply and "rebuild" not in reply
    router = bot.conversations._dispatcher.staff  # type: ignore[attr-defined]
    router.services.forums.fill(FakeForums(bot_username="mentor_demo_bot"))
    [reply] = await admin.say("/program")
    assert "https://t.me/mentor_demo_bot?start=college" in reply and "rebuild" not in reply
    [links] = await admin.say("/program link")
    assert "https://t.me/mentor_demo_bot?start=college" in links


async def test_open_reports_turn_pages(bot: Bot) -> None:
    for i in range(12):
        bot.store.reports[i + 1] = Report(
            id=i + 1, reporter_id=1, reported_id=2, reason=f"reason{i}", created_at=T0
        )
    coordinator = Dialog(bot, COORDINATOR)
    [first] = await coordinator.say("/reports")
    assert "Open reports</b> (12)" in first and "Page 1 of 2" in first and "reason11" not in first
    effects = await coordinator.press("Next")
    [second] = [e.text for e in effects if isinstance(e, EditText)]
    assert "Page 2 of 2" in second and "reason11" in second
    assert "Open reports</b> (0)" not in (await Dialog(bot, OTHER).say("/reports"))[0]
    assert "no open reports" in (await Dialog(bot, OTHER).say("/reports"))[0]


async def test_a_staff_menu_follows_the_language(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/language")
    effects = await coordinator.press("Italiano")
    [menu] = [e for e in effects if isinstance(e, SetCommands)]
    assert ("approve", "Persone · Approva un mentore") in menu.commands  # its group's word first
    assert not any(
        isinstance(e, SetCommands) for e in await Dialog(bot, 1).press("", data="lang:it")
    )


async def test_a_preview_older_than_a_day_cannot_be_confirmed(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/broadcast college all Hello")
    bot.clock.advance(25 * 3600)
    effects = await coordinator.press("Send to")
    [expired] = [e.text for e in effects if isinstance(e, EditText)]
    assert "more than a day old" in expired and "start again with /broadcast." in expired
    assert bot.store.staff.broadcasts == {} and not bot.store.staff.drafts
    await coordinator.say("/match college")
    bot.clock.advance(25 * 3600)
    [reply] = await coordinator.say("/match publish")
    assert "more than a day old" in reply and "/match" in reply
    assert bot.store.pairs == {}


SUPER = 950


def _with_superadmin(bot: Bot) -> None:
    router = bot.conversations._dispatcher.staff  # type: ignore[attr-defined]
    router.services = replace(router.services, superadmins=(SUPER,))
    for user_id in (COORDINATOR, SUPER):
        bot.store.persons[user_id] = onboarded_person(
            user_id, Role.MENTOR, "college", T0, display_name=f"S{user_id}"
        )


async def test_ban_refuses_super_admins_and_staff(bot: Bot) -> None:
    _with_superadmin(bot)
    admin = Dialog(bot, ADMIN)
    [reply] = await admin.say(f"/ban {SUPER} spam")
    assert "super-admin and can't be banned" in reply
    [reply] = await admin.say(f"/ban {COORDINATOR} spam")
    assert "only a super-admin can ban staff" in reply
    assert bot.store.staff.flags == {} and bot.store.staff.audit == {}
    [reply] = await Dialog(bot, SUPER).say(f"/ban {COORDINATOR} spam")
    assert "is banned" in reply
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/help")  # the ban notice arrives first
    [pending] = await coordinator.say("/pending")  # still staff: not locked out
    assert "closed your access" not in pending and "approval" in pending


async def test_a_banned_mentor_is_never_proposed_and_a_ban_moves_the_request_on(
    bot: Bot,
) -> None:
    for user_id in (4, 5):
        bot.store.persons[user_id] = onboarded_person(
            user_id, Role.MENTOR, "college", T0, display_name=f"M{user_id}"
        )
    bot.store.staff.flags[(4, "banned")] = PersonFlag(
        user_id=4, kind="banned", reason="spam", at=T0, by=ADMIN
    )
    await Dialog(bot, 1).say("/findmentor")
    [first] = bot.store.proposals.values()
    assert first.mentor_id == 5  # the banned mentor 4 (first in line otherwise) is not asked
    del bot.store.staff.flags[(4, "banned")]
    [reply] = await Dialog(bot, ADMIN).say("/ban M5 abuse")
    assert "M5 is banned" in reply
    withdrawn, moved = bot.store.proposals.values()
    assert (withdrawn.mentor_id, withdrawn.status) == (5, ProposalStatus.WITHDRAWN)
    assert (moved.mentor_id, moved.status) == (4, ProposalStatus.PENDING)
    banned = bot.person(5)
    assert banned is not None and banned.approved_at is None


async def test_a_pair_by_person_stays_in_the_callers_organisation(bot: Bot) -> None:
    bot.store.persons[3] = onboarded_person(3, Role.MENTOR, "rebuild", T0, display_name="P3")
    bot.store.pairs[7] = Pair(id=7, program="rebuild", mentee_id=1, mentor_id=3, started_at=T0)
    coordinator = Dialog(bot, COORDINATOR)
    [reply] = await coordinator.say("/pause P1")
    assert "not in a pair right now" in reply
    assert bot.store.pairs[7].status is PairStatus.ACTIVE
    [card] = await coordinator.say("/user P1")
    assert "Pair #7" not in card and "P3" not in card


async def test_names_with_an_ampersand_are_escaped_once(bot: Bot) -> None:
    bot.store.persons[2] = replace(bot.store.persons[2], display_name="Tom & Jerry")
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/pending")
    mine = [e for e in bot.store.pending_effects() if isinstance(e, SendText)]
    [effect] = [e for e in mine if e.chat_id == COORDINATOR]
    assert "• Tom &amp; Jerry — College First Year" in effect.text
    labels = [b.text for row in effect.buttons for b in row]
    assert "✅ Approve Tom & Jerry" in labels  # a button label is plain text
    bot.store.persons[4] = onboarded_person(4, Role.MENTOR, "college", T0, display_name="Ann & Co")
    admin = Dialog(bot, ADMIN)
    await admin.say("/match college")
    bot.store.persons[4] = replace(bot.store.persons[4], approved_at=None)
    [reply] = await admin.say("/match publish")
    assert "Ann &amp; Co is not approved" in reply and "&amp;amp;" not in reply


async def test_banned_and_age_locked_people_can_cancel_the_forgetme_prompt(bot: Bot) -> None:
    bot.store.staff.flags[(1, "banned")] = PersonFlag(
        user_id=1, kind="banned", reason="spam", at=T0, by=ADMIN
    )
    bot.store.persons[2] = replace(bot.store.persons[2], age_status=AgeStatus.MINOR)
    for user_id in (1, 2):
        person = Dialog(bot, user_id)
        [prompt] = await person.say("/forgetme")
        assert "Erase your data?" in prompt
        [reply] = await person.say("/cancel")
        assert "Cancelled" in reply
        assert user_id not in bot.store.flows


async def test_roles_statuses_and_audiences_are_translated(bot: Bot) -> None:
    bot.store.persons[3] = onboarded_person(3, Role.MENTOR, "college", T0, display_name="P3")
    bot.store.pairs[7] = Pair(id=7, program="college", mentee_id=1, mentor_id=3, started_at=T0)
    admin = Dialog(bot, ADMIN, language_code="it")
    await admin.say("/language")
    await admin.press("Italiano")
    [card] = await admin.say("/user P3")
    assert "mentore" in card and "· attiva ·" in card and "mentor ·" not in card
    [preview] = await admin.say("/broadcast college all Ciao")
    assert "(tutti)" in preview
    await admin.say("/cancel")
    [added] = await admin.say("/staff add 3 coordinator")
    assert "coordinatore" in added
    [listed] = await admin.say("/staff list")
    assert "— amministratore" in listed and "— coordinatore" in listed


async def test_a_ban_of_a_mentee_withdraws_the_proposal_made_for_them(bot: Bot) -> None:
    bot.store.persons[4] = onboarded_person(4, Role.MENTOR, "college", T0, display_name="M4")
    await Dialog(bot, 1).say("/findmentor")
    assert "is banned" in (await Dialog(bot, ADMIN).say("/ban P1 spam"))[0]
    [proposal] = bot.store.proposals.values()
    assert proposal.status is ProposalStatus.WITHDRAWN


async def test_publishing_a_draft_names_the_program_and_whoever_left(bot: Bot) -> None:
    bot.store.persons[2] = replace(bot.store.persons[2], approved_at=T0)
    admin = Dialog(bot, ADMIN)
    [draft] = await admin.say("/match college")
    assert "Matching draft for College First Year" in draft and "P1" in draft
    del bot.store.persons[1]  # the mentee left before the draft was published
    [reply] = await admin.say("/match publish")
    assert "0 pairs started in College First Year" in reply
    assert "someone who left and P2: one of them is no longer signed up" in reply
    assert bot.store.pairs == {}
