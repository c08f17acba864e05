"""Every slash-command, declared once: who may use it, its arguments and its help line.

The Telegram menus (everyone's, and each staff member's own, `setMyCommands` with a chat scope)
and `/help` for each role are generated from here; the staff router (`bot.handlers.staff.router`)
refuses a command to anyone whose `Access` is below the command's. To add a command, add an
entry (and its handler): strings are English msgids, translated when shown.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.staff import Access
from bot.i18n import N_, Catalogs, Translator


@dataclass(frozen=True)
class UserCommand:
    """A slash-command: its help line, the least `access` it needs, and its arguments (`usage`,
    e.g. "MENTEE MENTOR"; English msgids, translated when shown)."""

    name: str
    description: str
    access: Access = Access.EVERYONE
    usage: str = ""


COMMANDS: tuple[UserCommand, ...] = (
    UserCommand("start", N_("Begin, or continue where you left off")),
    UserCommand("help", N_("What I can do")),
    UserCommand("findmentor", N_("Ask for a mentor (mentees)")),
    UserCommand("switch", N_("Choose which mentee your messages go to (mentors)")),
    UserCommand("progress", N_("Where you are in your program's curriculum")),
    UserCommand("steps", N_("Reread your curriculum steps, with their links and check-ins")),
    UserCommand("resources", N_("Useful links and documents of your program")),
    UserCommand("training", N_("Volunteer training (for mentors)")),
    UserCommand("report", N_("Tell the program team about a problem")),
    UserCommand("block", N_("Block your partner and end the mentorship at once")),
    UserCommand("end", N_("End your mentorship")),
    UserCommand("language", N_("Change the language")),
    UserCommand("privacy", N_("What we keep about you, and why")),
    UserCommand("mydata", N_("Get a file with everything we keep about you")),
    UserCommand("forgetme", N_("Erase your data and end your mentorships")),
    UserCommand("cancel", N_("Stop the current question")),
    UserCommand("restart", N_("Start the sign-up again from the beginning")),
)


C, A = Access.COORDINATOR, Access.ADMIN

STAFF_COMMANDS: tuple[UserCommand, ...] = (
    UserCommand(
        "pending", N_("Mentors waiting for approval, with their training"), C, N_("[PROGRAM]")
    ),
    UserCommand("approve", N_("Approve a mentor"), C, N_("PERSON")),
    UserCommand("reject", N_("Turn down a mentor, telling them why"), C, N_("PERSON REASON")),
    UserCommand("pair", N_("Pair a mentee with a mentor"), C, N_("MENTEE MENTOR")),
    UserCommand("unpair", N_("End a pair"), C, N_("PAIR [REASON]")),
    UserCommand(
        "match",
        N_("Draft pairs for a whole program, then publish"),
        C,
        N_("PROGRAM | publish | discard"),
    ),
    UserCommand("pairs", N_("Pairs with their health and last activity"), C, N_("[PROGRAM]")),
    UserCommand("user", N_("A person's profile, status, pair and progress"), C, N_("PERSON")),
    UserCommand("pause", N_("Pause a pair's curriculum"), C, N_("PAIR")),
    UserCommand("resume", N_("Resume a pair's curriculum"), C, N_("PAIR")),
    UserCommand("push", N_("Send a pair's next step now"), C, N_("PAIR")),
    UserCommand(
        "reports", N_("Open reports; resolve one with a note"), C, N_("[resolve ID NOTE]")
    ),
    UserCommand(
        "broadcast",
        N_("Message a program's mentees, mentors or both"),
        C,
        N_("PROGRAM mentees|mentors|all TEXT"),
    ),
    UserCommand("stats", N_("Program figures and a chart"), C, N_("[PROGRAM]")),
    UserCommand("program", N_("Your programs and their join links"), C),
    UserCommand("audit", N_("What staff did, newest first"), C),
    UserCommand(
        "locked",
        N_("People locked by the age check; lift a lock with a reason"),
        C,
        N_("[PROGRAM]"),
    ),
    UserCommand("ageoverride", N_("Lift a wrong age-check lock"), C, N_("PERSON REASON")),
    UserCommand("ban", N_("Stop serving a person"), A, N_("PERSON REASON")),
    UserCommand("unban", N_("Serve a banned person again"), A, N_("PERSON")),
    UserCommand("export", N_("Pairs and progress as a CSV file"), A, N_("[PROGRAM]")),
    UserCommand(
        "staff",
        N_("Add, remove or list staff"),
        A,
        N_("add PERSON admin|coordinator [ORGANISATION] | remove PERSON | list"),
    ),
)
"""Commands for staff, by the least role that may use them."""

ALL_COMMANDS: tuple[UserCommand, ...] = COMMANDS + STAFF_COMMANDS
BY_NAME = {c.name: c for c in ALL_COMMANDS}
ALWAYS_ALLOWED = frozenset({"help", "privacy", "language", "mydata", "forgetme", "cancel"})
"""What someone age-locked or banned may still use: their privacy rights, /help, /language,
and /cancel (the /forgetme prompt offers it)."""


def usage_line(command: UserCommand, t: Translator) -> str:
    """The command with its arguments (e.g. /pair MENTEE MENTOR), in the reader's language."""
    return (
        f"/{command.name} {t._(command.usage)}".rstrip() if command.usage else f"/{command.name}"
    )


def commands_for(access: Access) -> list[UserCommand]:
    """Everyone's commands, then the staff commands this access level may use."""
    return [*COMMANDS, *(c for c in STAFF_COMMANDS if c.access <= access)]


def staff_menu(t: Translator, access: Access) -> list[tuple[str, str]]:
    """A staff member's own command menu, in their language."""
    return [(c.name, t._(c.description)) for c in commands_for(access)]


def menus(catalogs: Catalogs) -> Mapping[str | None, Sequence[tuple[str, str]]]:
    """Command menus per language (None = the default language), for setMyCommands."""
    out: dict[str | None, Sequence[tuple[str, str]]] = {}
    for language in (None, *catalogs.languages):
        t = catalogs.translator(language or catalogs.default)
        out[language] = [(c.name, t._(c.description)) for c in COMMANDS]
    return out


def help_text(t: Translator, access: Access = Access.EVERYONE) -> str:
    """The /help message for someone of this access level."""
    lines = [t._("<b>What I can do</b>")]
    lines += [f"/{c.name} — {t._(c.description)}" for c in COMMANDS]
    staff = [c for c in STAFF_COMMANDS if c.access <= access]
    if staff:
        lines += ["", t._("<b>Staff commands</b>")]
        lines += [f"{html.escape(usage_line(c, t))} — {t._(c.description)}" for c in staff]
    return "\n".join(lines)
