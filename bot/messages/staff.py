"""What staff read: names with their ids, a pair's status, roles, audiences and health in words,
paginated lists with their ◀ / ▶ buttons (`st:<command>:<key>:<page>`), and HTML escaping of
what people typed. Pure builders, like the rest of `bot/messages`; the staff commands that use
them live in `bot/handlers/staff/`."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.core.effects import Button, Keyboard
from bot.core.health import HealthBucket
from bot.core.models import Pair, PairStatus, Person, Role
from bot.core.staff import StaffRole
from bot.i18n import N_, Html, Translator

STAFF_PREFIX = "st:"
PAGE_SIZE = 10
ROLE_LABELS = {
    Role.MENTEE: N_("mentee"),
    Role.MENTOR: N_("mentor"),
    StaffRole.ADMIN: N_("admin"),
    StaffRole.COORDINATOR: N_("coordinator"),
}
AUDIENCE_LABELS = {"mentees": N_("mentees"), "mentors": N_("mentors"), "all": N_("all")}


def name_of(person: Person | None, fallback: int | None = None) -> str:
    """A person's name (the pseudonym they chose), for staff: never their id ("—" for someone
    no longer registered or without a name; `fallback` is accepted for callers that had an id
    only)."""
    del fallback  # an id is never shown
    if person is None:
        return "—"
    return person.display_name or "—"


def couple(mentee: Person | None, mentor: Person | None, t: Translator) -> str:
    """A pair as staff read it: "Mia and Ned", the mentee first (plain text)."""
    return t._("{mentee} and {mentor}", mentee=Html(name_of(mentee)), mentor=Html(name_of(mentor)))


def candidate_label(person: Person, program: str, t: Translator) -> str:
    """One of several people with the same name, as a button label (plain text):
    pseudonym · program · role · when they joined."""
    joined = t._("joined {when}", when=Html(f"{person.created_at:%Y-%m-%d}"))
    role = role_label(person.role, t)
    return " · ".join([person.display_name or "—", program, role, joined])


def status_of(pair: Pair, t: Translator) -> str:
    """A pair's status in words."""
    return {
        PairStatus.ACTIVE: t._("active"),
        PairStatus.PAUSED: t._("paused"),
        PairStatus.ENDED: t._("ended"),
    }[pair.status]


def role_label(role: Role | StaffRole | None, t: Translator) -> str:
    """A person's or a staff member's role in words ("—" when none yet)."""
    return t._(ROLE_LABELS[role]) if role is not None else "—"


def audience_label(audience: str, t: Translator) -> str:
    """A broadcast audience (`mentees`, `mentors`, `all`) in words."""
    label = AUDIENCE_LABELS.get(audience)
    return t._(label) if label is not None else audience


def page_buttons(command: str, key: str, page: int, pages: int, t: Translator) -> Keyboard:
    """◀ / ▶ buttons that turn the page of a list (`st:<command>:<key>:<page>`)."""
    row: list[Button] = []
    if page > 0:
        row.append(Button(t._("◀ Previous"), data=f"{STAFF_PREFIX}{command}:{key}:{page - 1}"))
    if page + 1 < pages:
        row.append(Button(t._("Next ▶"), data=f"{STAFF_PREFIX}{command}:{key}:{page + 1}"))
    return (tuple(row),) if row else ()


def paginate(lines: Sequence[str], page: int, title: str, t: Translator) -> tuple[str, int, int]:
    """One page of a list: the text, the page shown (clamped) and the number of pages."""
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    return "\n".join([title, *shown, page_footer(page, pages, t)]).rstrip(), page, pages


def page_footer(page: int, pages: int, t: Translator) -> str:
    """ "Page 2 of 5" under a list of several pages ("" when there is one)."""
    return t._("Page {page} of {pages}", page=page + 1, pages=pages) if pages > 1 else ""


def esc(text: str) -> str:
    """Escape text people typed, for HTML messages."""
    return html.escape(text, quote=False)


def bucket_label(bucket: HealthBucket, t: Translator) -> str:
    """A health bucket in words, with its colour."""
    return {
        HealthBucket.ON_TRACK: t._("🟢 on track"),
        HealthBucket.NEEDS_CHECK_IN: t._("🟡 needs check-in"),
        HealthBucket.AT_RISK: t._("🔴 at risk"),
    }[bucket]


def who(person: Person, t: Translator) -> str:
    """How staff read a locked person: their name if they chose one, else their reference
    (the number the refusal gave them to quote)."""
    if person.display_name:
        return name_of(person)
    return t._("reference {id}", id=person.id)
