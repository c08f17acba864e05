"""The commands everyone can use, declared once: the Telegram menu and /help come from here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.i18n import N_, Catalogs, Translator


@dataclass(frozen=True)
class UserCommand:
    """A slash-command with its help line (an English msgid, translated when shown)."""

    name: str
    description: str


COMMANDS: tuple[UserCommand, ...] = (
    UserCommand("start", N_("Begin, or continue where you left off")),
    UserCommand("help", N_("What I can do")),
    UserCommand("findmentor", N_("Ask for a mentor (mentees)")),
    UserCommand("switch", N_("Choose which mentee your messages go to (mentors)")),
    UserCommand("progress", N_("Where you are in your program's curriculum")),
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


def menus(catalogs: Catalogs) -> Mapping[str | None, Sequence[tuple[str, str]]]:
    """Command menus per language (None = the default language), for setMyCommands."""
    out: dict[str | None, Sequence[tuple[str, str]]] = {}
    for language in (None, *catalogs.languages):
        t = catalogs.translator(language or catalogs.default)
        out[language] = [(c.name, t._(c.description)) for c in COMMANDS]
    return out


def help_text(t: Translator) -> str:
    """The /help message."""
    lines = [t._("<b>What I can do</b>")]
    lines += [f"/{c.name} — {t._(c.description)}" for c in COMMANDS]
    return "\n".join(lines)
