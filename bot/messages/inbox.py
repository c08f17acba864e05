"""What the staff inbox says: topic names, the case card's first lines and buttons, the program
team's messages as a person reads them, a person's messages as staff read them, and the staff
group's setup (what rights are missing and how to give them)."""

from __future__ import annotations

import html

from bot.core.cases import Case, CaseKind
from bot.core.effects import Button, CopyMessage, Effect, Keyboard, SendText
from bot.core.events import MediaMessage, TextMessage
from bot.core.models import GroupRights, Person, Role
from bot.core.parsing.arguments import typed_name
from bot.core.turn import Turn
from bot.i18n import Translator

CASE_PREFIX = "st:msg:"  # the case buttons belong to /msg (authorised like it)
TOPIC_NAME_MAX = 128  # Telegram's limit for a forum topic's name
MAX_TEXT = 4096  # Telegram's limits: a message's text, a caption (visible characters)
MAX_CAPTION = 1024
PIECE = 3800  # a person's words per message, leaving room for the name or header around them
ICONS = {
    CaseKind.CRISIS: "🆘",
    CaseKind.REPORT: "📝",
    CaseKind.TEAM: "💬",
    CaseKind.APPROVAL: "🕓",
}


def esc(text: str) -> str:
    """Escape text people typed, for HTML messages."""
    return html.escape(text, quote=False)


def kind_words(kind: CaseKind, t: Translator) -> str:
    """What opened the case, in words."""
    if kind is CaseKind.CRISIS:
        return t._("crisis")
    if kind is CaseKind.REPORT:
        return t._("report")
    if kind is CaseKind.TEAM:
        return t._("talk to the team")
    return t._("waiting for approval")


def pseudonym(person: Person | None, t: Translator) -> str:
    """How staff name a person in the inbox (plain text)."""
    if person is None or not person.display_name:
        return t._("someone no longer registered")
    return person.display_name


def staff_name(turn: Turn) -> str:
    """How a staff member is named to other staff: their pseudonym, else their Telegram first
    name."""
    name = turn.person.display_name or turn.event.user.first_name
    return name or turn.t._("a staff member")


def topic_name(kind: CaseKind, person: Person, t: Translator) -> str:
    """The case's topic: "🆘 Tiger-42 · crisis" (plain text, within Telegram's limit)."""
    name = f"{ICONS[kind]} {pseudonym(person, t)} · {kind_words(kind, t)}"
    return name[:TOPIC_NAME_MAX]


def close_button(case: Case, t: Translator) -> Button:
    return Button(t._("🔒 Close case"), f"{CASE_PREFIX}close:{case.id}")


def case_buttons(case: Case, t: Translator) -> Keyboard:
    """What staff can do from the case's first message: open the case file, close the case."""
    return ((Button(t._("📂 Case file"), f"st:user:{case.person_id}"), close_button(case, t)),)


def case_head(case: Case, person: Person, program: str, t: Translator) -> str:
    """The first lines of a case: who, which program, what opened it, and how to answer."""
    role = t._("mentor") if person.role is Role.MENTOR else t._("mentee")
    name, kind = esc(pseudonym(person, t)), esc(kind_words(case.kind, t))
    return "\n".join(
        [
            f"{ICONS[case.kind]} <b>{name}</b> · {kind}",
            t._("{role} in {program}", role=role, program=esc(program)),
            "",
        ]
    )


def answer_hint(case: Case, name: str, t: Translator) -> str:
    """How staff answer the person, where the case lives."""
    if case.in_topic:
        return t._(
            "<i>Whatever you write in this topic (not a command) goes to the person, signed "
            "“Program team”. Their answers come back here. Closing the topic closes the case.</i>"
        )
    return t._(
        "<i>To answer: /msg {name} and your message. Their answers come back to you.</i>",
        name=esc(typed_name(name)),
    )


def team_header(t: Translator) -> str:
    """The label of every message of the program team (never their partner's)."""
    return t._("🏛 <b>Program team</b>")


def reply_hint(t: Translator) -> str:
    return t._("<i>Reply to this message to answer the program team.</i>")


def team_text(text: str, t: Translator) -> str:
    """A staff member's words as the person reads them."""
    return f"{team_header(t)}\n{esc(text)}\n\n{reply_hint(t)}"


def team_caption(caption: str | None, t: Translator) -> str:
    """The caption of a staff member's photo, file… as the person reads it."""
    return f"{team_header(t)}\n{esc(caption)}" if caption else team_header(t)


def visible_length(text: str) -> int:
    """Telegram's length of a text (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def pieces(text: str, size: int = PIECE) -> list[str]:
    """The text in parts of at most `size` visible characters, cut at a line break or a space
    near the end of each part when there is one."""
    parts: list[str] = []
    rest = text
    while visible_length(rest) > size:
        cut, used = 0, 0
        for ch in rest:
            used += visible_length(ch)
            if used > size:
                break
            cut += 1
        space = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
        if space > cut - 300:
            cut = space + 1
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:]
    return [*parts, rest]


def team_messages(
    chat_id: int, message: TextMessage | MediaMessage, tag: str, t: Translator
) -> list[Effect]:
    """A staff member's message as the person receives it, signed "Program team": a long text
    in several messages; a caption too long with the header, in a text after the copy."""
    if isinstance(message, TextMessage):
        parts = pieces(message.text)
        texts = [f"{team_header(t)}\n{esc(p)}" for p in parts]
        texts[-1] += f"\n\n{reply_hint(t)}"
        return [SendText(chat_id=chat_id, text=text, tag=tag) for text in texts]
    caption = message.caption or ""
    fits = visible_length(caption) + 20 <= MAX_CAPTION
    copy = CopyMessage(
        chat_id=chat_id,
        from_chat_id=message.chat_id,
        message_id=message.message_id,
        caption=team_caption(caption if fits else None, t),
        tag=tag,
    )
    if fits:
        return [copy]
    return [copy, *team_messages(chat_id, _as_text(message, caption), tag, t)]


def person_messages(
    chat_id: int,
    thread_id: int | None,
    name: str,
    message: TextMessage | MediaMessage,
    tag: str | None,
) -> list[Effect]:
    """A person's message as staff read it in the case, after their name: a long text in
    several messages; a caption too long with the name, in a text after the copy."""
    if isinstance(message, TextMessage):
        return [
            SendText(chat_id=chat_id, text=from_person(name, p), thread_id=thread_id, tag=tag)
            for p in pieces(message.text)
        ]
    caption = message.caption or ""
    fits = visible_length(name) + visible_length(caption) + 2 <= MAX_CAPTION
    copy = CopyMessage(
        chat_id=chat_id,
        from_chat_id=message.chat_id,
        message_id=message.message_id,
        caption=from_person_caption(name, caption if fits else None),
        thread_id=thread_id,
        tag=tag,
    )
    if fits:
        return [copy]
    return [copy, *person_messages(chat_id, thread_id, name, _as_text(message, caption), tag)]


def _as_text(message: MediaMessage, caption: str) -> TextMessage:
    """A medium's caption as a text of its own (sent after the copy)."""
    return TextMessage(
        update_id=message.update_id,
        user=message.user,
        chat_id=message.chat_id,
        at=message.at,
        message_id=message.message_id,
        text=caption,
    )


def from_person(name: str, text: str) -> str:
    """A person's message as staff read it in the case: "<b>Tiger-42</b>: …"."""
    return f"<b>{esc(name)}</b>: {esc(text)}"


def from_person_caption(name: str, caption: str | None) -> str:
    return f"<b>{esc(name)}</b>: {esc(caption)}" if caption else f"<b>{esc(name)}</b>"


def ask_team(t: Translator) -> str:
    return t._(
        "What would you like to tell the program team? Write it in one message (your partner "
        "won't see it). /cancel stops."
    )


def sent_to_team(t: Translator) -> str:
    return t._("✉️ Sent to the program team. Their answer will arrive here.")


def closed_notice(name: str, t: Translator) -> str:
    return t._("🔒 Case closed by {name}.", name=esc(name))


def reopened_notice(name: str, t: Translator) -> str:
    return t._("🔓 Case reopened by {name}.", name=esc(name))


def missing_rights(rights: GroupRights | None, t: Translator) -> list[str]:
    """What the group lacks to hold cases, each with how to fix it (empty: all is well)."""
    if rights is None:
        return [t._("I am not a member of this group: add me to it first.")]
    missing: list[str] = []
    if not rights.is_forum:
        missing.append(t._("Topics are off: in the group's settings (Edit), turn on “Topics”."))
    if not rights.is_admin:
        missing.append(
            t._(
                "I am not an administrator: in the group's settings → Administrators → Add "
                "Administrator, choose me, with “Manage topics” and “Pin messages”."
            )
        )
    else:
        if not rights.can_manage_topics:
            missing.append(
                t._(
                    "I can't manage topics: in the group's settings → Administrators → me, "
                    "turn on “Manage topics”."
                )
            )
        if not rights.can_pin_messages:
            missing.append(
                t._(
                    "I can't pin messages: in the group's settings → Administrators → me, turn "
                    "on “Pin messages”."
                )
            )
    return missing
