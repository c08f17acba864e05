"""Every slash-command and every kind of button, declared once.

A command: its name, its help line (an English msgid, translated when shown), its handler, who
may use it (`access`; staff commands are refused by `bot.handlers.staff.router` to anyone below
it, with one check, `Actor.allows`), its arguments (`usage`), its menu, and whether the age lock
and a ban let it through. A staff command's own buttons (`st:<name>:…`) are declared with it
(`press`) and authorised like it, and so are what runs when its preview is confirmed (`confirm`)
and the typed answer that completes its conversation (`answer`). A kind of button (`Callback`):
its data prefix and handler.

The dispatcher (`bot.handlers.dispatch`), the staff router, the Telegram menus (everyone's, per
language, and each staff member's own) and `/help` for each role all read `REGISTRY`. To add a
command, add one line here (and write its handler); to add a button, add its `Callback`.
"""

from __future__ import annotations

from bot.core.parsing.arguments import Fields, NameAndText, Words, nothing
from bot.core.staff import Access
from bot.handlers import entry
from bot.handlers.registry import (
    Answer,
    Callback,
    Group,
    PersonCall,
    Registry,
    SlashCommand,
    usage_line,
)
from bot.handlers.staff import alerts as staff_alerts
from bot.handlers.staff import cases as staff_cases
from bot.handlers.staff import drafts as staff_drafts
from bot.handlers.staff import figures as staff_figures
from bot.handlers.staff import locks as staff_locks
from bot.handlers.staff import org as staff_org
from bot.handlers.staff import pair_list as staff_pair_list
from bot.handlers.staff import pairs as staff_pairs
from bot.handlers.staff import panel as staff_panel
from bot.handlers.staff import people as staff_people
from bot.handlers.staff import reports as staff_reports
from bot.handlers.staff.kit import StaffCall
from bot.i18n import N_
from bot.messages.matching import FIND_MENTOR, PROPOSAL_PREFIX
from bot.messages.relay import RELAY_PREFIX
from bot.messages.safety import SAFETY_PREFIX
from bot.messages.staff import STAFF_PREFIX
from bot.messages.steps import CHECKIN_PREFIX, DOCUMENT_PREFIX, STEPS_PREFIX
from flows import age_lift, reject_reason

__all__ = ["REGISTRY", "usage_line"]

Everyone = SlashCommand[PersonCall]
Staff = SlashCommand[StaffCall]


async def _privacy(c: PersonCall) -> None:
    c.bot.privacy.notice(c.turn)


async def _training(c: PersonCall) -> None:
    c.turn.set_flow(None)
    await c.bot.pair_commands.training(c.turn, c.uow)


async def _find_mentor_press(c: PersonCall) -> None:
    c.turn.answer(c.press.callback_id)
    await c.bot.matching.find_mentor(c.turn, c.uow)


COMMANDS: tuple[Everyone, ...] = (
    Everyone("start", N_("Begin, or continue where you left off"), entry.start),
    Everyone("help", N_("What I can do"), entry.help_, always_allowed=True),
    Everyone(
        "findmentor",
        N_("Ask for a mentor (mentees)"),
        lambda c: c.bot.matching.find_mentor(c.turn, c.uow),
    ),
    Everyone(
        "partner",
        N_("Your mentor's or mentee's profile"),
        lambda c: c.bot.matching.partner(c.turn, c.uow),
    ),
    Everyone(
        "switch",
        N_("Choose which mentee your messages go to (mentors)"),
        lambda c: c.bot.relay.switch(c.turn, c.uow),
    ),
    Everyone(
        "progress",
        N_("Where you are in your program's curriculum"),
        lambda c: c.bot.pair_commands.progress(c.turn, c.uow),
    ),
    Everyone(
        "steps",
        N_("Reread your curriculum steps, with their links and check-ins"),
        lambda c: c.bot.steps.command(c.turn, c.uow),
    ),
    Everyone(
        "resources",
        N_("Useful links and documents of your program"),
        lambda c: c.bot.pair_commands.resources(c.turn, c.uow),
    ),
    Everyone("training", N_("Volunteer training (for mentors)"), _training),
    Everyone(
        "report",
        N_("Tell the program team about a problem"),
        lambda c: c.bot.safety.report(c.turn, c.uow),
    ),
    Everyone(  # the staff inbox: a "talk to the team" case (bot.handlers.inbox)
        "team",
        N_("Write to the program team (your partner won't see it)"),
        lambda c: c.bot.inbox.team_command(c),
    ),
    Everyone(
        "block",
        N_("Block your partner and end the mentorship at once"),
        lambda c: c.bot.safety.block(c.turn, c.uow),
    ),
    Everyone("end", N_("End your mentorship"), lambda c: c.bot.safety.end(c.turn, c.uow)),
    Everyone("language", N_("Change the language"), entry.language, always_allowed=True),
    Everyone("privacy", N_("What we keep about you, and why"), _privacy, always_allowed=True),
    Everyone(
        "mydata",
        N_("Get a file with everything we keep about you"),
        lambda c: c.bot.privacy.export(c.turn, c.uow),
        always_allowed=True,
    ),
    Everyone(
        "forgetme",
        N_("Erase your data and end your mentorships"),
        lambda c: c.bot.privacy.forget(c.turn, c.uow),
        always_allowed=True,
    ),
    Everyone("cancel", N_("Stop the current question"), entry.cancel, always_allowed=True),
    Everyone("restart", N_("Start the sign-up again from the beginning"), entry.restart),
)
"""Everyone's commands, in the order of their menu and of /help."""


C, A = Access.COORDINATOR, Access.ADMIN

STAFF_COMMANDS: tuple[Staff, ...] = (
    Staff(
        "panel",
        N_("Your home: what waits for you today, with a button for each list"),
        staff_panel.panel,
        C,
        press=staff_panel.panel_press,
        args=nothing,
        group=Group.DAY,
    ),
    Staff(
        "pending",
        N_("Mentors waiting for approval, with their training"),
        staff_people.pending,
        C,
        N_("[PROGRAM]"),
        press=staff_people.pending_press,
        args=Words(),
        group=Group.DAY,
    ),
    Staff(
        "approve",
        N_("Approve a mentor"),
        staff_people.approve,
        C,
        N_("PERSON"),
        press=staff_people.approve_press,
        args=Words(1, 1),
        group=Group.PEOPLE,
    ),
    Staff(
        "reject",
        N_("Turn down a mentor, telling them why"),
        staff_people.reject,
        C,
        N_("PERSON REASON"),
        press=staff_people.reject_press,  # ✖️ Reject: a reason picked or typed
        answer=Answer(reject_reason.READY, staff_people.reject_answer),  # the typed reason
        args=NameAndText(N_("Please give the person and a reason (the person is told it).")),
        group=Group.PEOPLE,
    ),
    Staff(
        "pair",
        N_("Pair a mentee with a mentor"),
        staff_pairs.pair,
        C,
        N_("MENTEE MENTOR"),
        confirm=staff_pairs.pair_confirmed,  # pairing again a couple with a history
        args=Words(2, 2),
        group=Group.PAIRS,
    ),
    Staff(
        "unpair",
        N_("End a pair"),
        staff_pairs.unpair,
        C,
        N_("PAIR [REASON]"),
        press=staff_pairs.unpair_press,  # ⏹ End: the reason asked first
        args=Words(1),
        group=Group.PAIRS,
    ),
    Staff(
        "match",
        N_("Draft pairs for a whole program, then publish"),
        staff_drafts.match,
        C,
        N_("PROGRAM | publish | discard"),
        confirm=staff_drafts.publish,
        args=Words(1, 1),
        group=Group.PAIRS,
    ),
    Staff(
        "pairs",
        N_("Pairs with their health and last activity"),
        staff_pair_list.pairs,
        C,
        N_("[PROGRAM]"),
        press=staff_pair_list.pairs_press,
        args=Words(),
        group=Group.DAY,
    ),
    Staff(
        "user",
        N_("A person's profile, status, pair and progress"),
        staff_people.user,
        C,
        N_("PERSON"),
        press=staff_alerts.user_press,  # an alert's "open the case", a choice of person
        confirm=staff_alerts.pick_confirmed,  # (a choice is pressed, never confirmed)
        args=Words(1, 1),
        group=Group.PEOPLE,
    ),
    Staff(  # the staff inbox: write to someone as the program team (bot.handlers.staff.cases)
        "msg",
        N_("Write to someone as the program team; their answers come back to you"),
        staff_cases.msg,
        C,
        N_("PERSON TEXT"),
        press=staff_cases.msg_press,  # a case's "Close case"
        args=NameAndText(N_("Please give the person and the message.")),
        group=Group.PEOPLE,
    ),
    staff_people.NOTE,
    Staff(
        "pause",
        N_("Pause a pair's curriculum"),
        staff_pairs.pause,
        C,
        N_("PAIR"),
        press=staff_alerts.pause_press,  # an alert's "pause the pair"
        args=Words(1, 1),
        group=Group.PAIRS,
    ),
    Staff(
        "resume",
        N_("Resume a pair's curriculum"),
        staff_pairs.resume,
        C,
        N_("PAIR"),
        press=staff_pairs.resume_press,  # ▶️ Resume in /pairs and a case file
        args=Words(1, 1),
        group=Group.PAIRS,
    ),
    Staff(
        "push",
        N_("Send a pair's next step now"),
        staff_pairs.push,
        C,
        N_("PAIR"),
        args=Words(1, 1),
        group=Group.PAIRS,
    ),
    Staff(
        "reports",
        N_("Open reports; resolve one with a note"),
        staff_reports.reports,
        C,
        N_("[resolve ID NOTE]"),
        press=staff_alerts.reports_press,  # pages, and an alert's "show" and "done"
        args=Words(),
        group=Group.DAY,
    ),
    Staff(
        "broadcast",
        N_("Message a program's mentees, mentors or both"),
        staff_drafts.broadcast,
        C,
        N_("PROGRAM mentees|mentors|all TEXT"),
        confirm=staff_drafts.send_broadcast,
        args=Fields(3, problem=N_("Please give the program, the audience and the message.")),
        group=Group.PROGRAM,
    ),
    Staff(
        "stats",
        N_("Program figures and charts, over 30 days, 90 days or all time"),
        staff_figures.stats,
        C,
        N_("[PROGRAM]"),
        press=staff_figures.stats_press,  # the period buttons and the figures' CSV
        args=Words(0, 1),
        group=Group.FIGURES,
    ),
    Staff(
        "program",
        N_("Your programs and their join links"),
        staff_org.program,
        C,
        N_("[link [PROGRAM] | staffgroup [PROGRAM] | staffgroup off [PROGRAM]]"),
        args=Words(0, 3),
        group=Group.PROGRAM,
    ),
    Staff(
        "audit",
        N_("What staff did, newest first"),
        staff_org.audit,
        C,
        press=staff_org.audit_press,
        args=Words(0, 1),
        group=Group.ADMIN,
    ),
    Staff(
        "locked",
        N_("People locked by the age check; lift a lock with a reason"),
        staff_locks.locked,
        C,
        N_("[PROGRAM]"),
        press=staff_locks.locked_press,
        args=Words(0, 1),
        group=Group.PEOPLE,
    ),
    Staff(
        "ageoverride",
        N_("Lift a wrong age-check lock"),
        staff_locks.age_override,
        C,
        N_("PERSON REASON"),
        answer=Answer(age_lift.READY, staff_locks.lift_answer),  # the reason asked by "Lift lock"
        args=Words(2, problem=N_("Please give the person and a reason.")),
        group=Group.PEOPLE,
    ),
    Staff(
        "ban",
        N_("Stop serving a person"),
        staff_people.ban,
        A,
        N_("PERSON REASON"),
        args=Words(2, problem=N_("Please give the person and a reason.")),
        group=Group.ADMIN,
    ),
    Staff(
        "unban",
        N_("Serve a banned person again"),
        staff_people.unban,
        A,
        N_("PERSON"),
        args=Words(1, 1),
        group=Group.ADMIN,
    ),
    Staff(
        "export",
        N_("Pairs and progress as a CSV file"),
        staff_figures.export,
        A,
        N_("[PROGRAM]"),
        args=Words(0, 1),
        group=Group.FIGURES,
    ),
    Staff(
        "staff",
        N_("Add, remove or list staff"),
        staff_org.staff,
        A,
        N_("add PERSON admin|coordinator [ORGANISATION] | remove PERSON | list"),
        args=Words(),
        group=Group.ADMIN,
    ),
)
"""Commands for staff, by the least role that may use them, in the order of /help."""

CALLBACKS: tuple[Callback, ...] = (
    Callback(entry.LANGUAGE_PREFIX, entry.language_press, allowed_under_age_lock=True),
    Callback(  # authorised by the staff router like the command the button belongs to
        STAFF_PREFIX,
        lambda c: c.bot.staff.press(c.turn, c.press, c.uow),
        allowed_under_age_lock=True,
    ),
    Callback(CHECKIN_PREFIX, lambda c: c.bot.pair_commands.checkin_press(c.turn, c.press, c.uow)),
    Callback(
        DOCUMENT_PREFIX, lambda c: c.bot.pair_commands.document_press(c.turn, c.press, c.uow)
    ),
    Callback(STEPS_PREFIX, lambda c: c.bot.steps.press(c.turn, c.press, c.uow)),
    Callback(PROPOSAL_PREFIX, lambda c: c.bot.matching.press(c.turn, c.press, c.uow)),
    Callback(SAFETY_PREFIX, lambda c: c.bot.safety.press(c.turn, c.press, c.uow)),
    Callback(RELAY_PREFIX, lambda c: c.bot.relay.press(c.turn, c.uow, c.press)),
    Callback(FIND_MENTOR, _find_mentor_press, whole=True, after_open_flow=True),
)
"""Every kind of button but the flows' own (`f:`, `bot.core.engine`)."""

REGISTRY = Registry(COMMANDS, STAFF_COMMANDS, CALLBACKS)
