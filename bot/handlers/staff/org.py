"""Staff commands about the organisation: /staff, /program (join links, the staff group),
/audit.

`/staff add|remove` also gives or takes away the person's own command menu (`SetCommands`, a
chat-scoped `setMyCommands`), so staff see their commands in Telegram's menu and others never do.
`/program staffgroup`, typed in a supergroup, checks the bot's rights there (topics on, an
administrator who may manage topics and pin), says what is missing and how to fix it, else
stores the group as the program's staff inbox and gives the group the staff commands' menu.
"""

from __future__ import annotations

from bot.core.cases import StaffGroup
from bot.core.effects import Effect, SetCommands
from bot.core.errors import DeliveryError
from bot.core.parsing.arguments import page_number, whole_number
from bot.core.ports import UnitOfWork
from bot.core.programs import Program
from bot.core.staff import (
    Access,
    StaffMember,
    StaffRole,
    actor_for,
    organisations,
)
from bot.handlers.staff.kit import StaffCall, StaffServices, audit_lines, staff_names
from bot.handlers.staff.router import menu_of
from bot.i18n import Translator
from bot.messages.inbox import missing_rights
from bot.messages.staff import esc, name_of, page_buttons, page_footer, paginate, role_label


async def menu_effect(
    uow: UnitOfWork, services: StaffServices, user_id: int, member: StaffMember | None
) -> SetCommands:
    """The chat-scoped menu for a user: their staff commands, or none (everyone's menu)."""
    actor = actor_for(user_id, services.superadmins, member)
    person = await uow.persons.get(user_id) if actor.is_staff else None
    catalogs = services.catalogs
    t = catalogs.translator(person.language if person else catalogs.default)
    return menu_of(actor, user_id, t, services.registry)


async def all_menus(uow: UnitOfWork, services: StaffServices) -> list[Effect]:
    """Every staff member's and super-admin's menu (queued at start-up), from the registry."""
    members = {m.user_id: m for m in await uow.staff.members(None)}
    ids = sorted(set(members) | set(services.superadmins))
    return [await menu_effect(uow, services, i, members.get(i)) for i in ids]


async def staff(call: StaffCall) -> None:
    words = call.words()
    action = words[0].lower() if words else ""
    if action == "list" and len(words) == 1:
        await _list(call)
    elif action == "add" and len(words) in (3, 4):
        await _add(call, words[1], words[2].lower(), words[3] if len(words) == 4 else None)
    elif action == "remove" and len(words) == 2:
        await _remove(call, words[1])
    else:
        raise call.usage()


async def _user_id(call: StaffCall, word: str) -> int:
    number = whole_number(word)
    return number if number is not None else (await call.person(word)).id


async def _add(call: StaffCall, who: str, role_word: str, org: str | None) -> None:
    t = call.t
    try:
        role = StaffRole(role_word)
    except ValueError:
        raise call.usage(t._("The role must be admin or coordinator.")) from None
    known = organisations(call.programs)
    if call.actor.is_superadmin:
        if org is None or org not in known:
            raise call.usage(t._("Please name the organisation: {orgs}.", orgs=", ".join(known)))
    else:
        if org is not None and org != call.actor.organisation:
            raise call.refuse(t._("You can only add staff to your own organisation."))
        org = call.actor.organisation
    assert org is not None
    user_id = await _user_id(call, who)
    if user_id in call.services.superadmins:
        raise call.refuse(t._("{id} is a super-admin already.", id=user_id))
    current = await call.uow.staff.member(user_id)
    if current is not None and not call.actor.is_superadmin and current.organisation != org:
        raise call.refuse(t._("{id} is staff of another organisation.", id=user_id))
    member = StaffMember(
        user_id=user_id,
        organisation=org,
        role=role,
        added_at=call.now,
        added_by=call.actor.user_id,
    )
    await call.uow.staff.save_member(member)
    await call.audit_org("staff add", org, str(user_id), role_label(role, call.t))
    call.turn.effects.append(await menu_effect(call.uow, call.services, user_id, member))
    person = await call.uow.persons.get(user_id)
    if person is not None:
        call.tell(
            person,
            lambda pt: pt._(
                "You are now {role} of {organisation} in mentorbot. /help lists your staff "
                "commands.",
                role=role_label(role, pt),
                organisation=org,
            ),
        )
    call.say(
        t._(
            "✅ {id} is now {role} of {organisation}.",
            id=user_id,
            role=role_label(role, t),
            organisation=org,
        )
    )


async def _remove(call: StaffCall, who: str) -> None:
    t = call.t
    user_id = await _user_id(call, who)
    member = await call.uow.staff.member(user_id)
    if member is None or (
        not call.actor.is_superadmin and member.organisation != call.actor.organisation
    ):
        raise call.refuse(t._("{id} is not staff of your organisation.", id=user_id))
    if user_id == call.actor.user_id:
        raise call.refuse(t._("You can't remove yourself; ask another admin."))
    await call.uow.staff.remove_member(user_id)
    await call.audit_org(
        "staff remove", member.organisation, str(user_id), role_label(member.role, call.t)
    )
    call.turn.effects.append(SetCommands(chat_id=user_id))
    call.say(
        t._(
            "{id} is no longer staff of {organisation}.",
            id=user_id,
            organisation=member.organisation,
        )
    )


async def _list(call: StaffCall) -> None:
    members = await call.uow.staff.members(
        None if call.actor.is_superadmin else call.actor.organisation
    )
    people = {p.id: p for p in await call.uow.persons.get_many(m.user_id for m in members)}
    lines = [call.t._("<b>Staff</b>")]
    lines += [
        f"• {esc(name_of(people.get(m.user_id), m.user_id))} — {esc(m.organisation)} — "
        f"{role_label(m.role, call.t)}"
        for m in members
    ]
    if call.actor.is_superadmin:
        lines.append(
            call.t._("Super-admins: {ids}", ids=await staff_names(call, call.services.superadmins))
        )
    elif not members:
        lines.append(call.t._("No staff yet."))
    call.say("\n".join(lines))


async def program(call: StaffCall) -> None:
    """/program: your programs and their join links; `link`: the links only; `staffgroup`:
    make the group it is typed in the program's staff inbox (`off`: stop)."""
    words = call.words()
    action = words[0].lower() if words else ""
    if not words:
        await _programs(call)
    elif action == "link" and len(words) <= 2:
        await _links(call, call.programs_of(words[1:]))
    elif action == "staffgroup" and len(words) <= 3:
        rest = words[1:]
        if rest and rest[0].lower() == "off":
            await _staffgroup_off(call, rest[1:])
        else:
            await _staffgroup(call, rest)
    else:
        raise call.usage()


async def _username(call: StaffCall) -> str | None:
    """The bot's username, from Telegram (getMe), else from the settings; None: unknown."""
    try:
        return await call.services.forums.username()
    except DeliveryError:
        return call.services.bot_username[0] if call.services.bot_username else None


def _join_link(code: str, bot: str | None, t: Translator) -> str:
    if bot is None:
        return t._("(I couldn't ask Telegram for my name just now: try again in a minute)")
    return f"https://t.me/{bot}?start={code}"


async def _programs(call: StaffCall) -> None:
    bot = await _username(call)
    lang = call.t.language
    groups = {
        g.program
        for g in await call.uow.cases.staff_groups(call.actor.program_codes(call.programs))
    }
    lines = [call.t._("<b>Your programs</b>")]
    for found in call.actor.programs(call.programs):
        people = await call.uow.staff.people([found.code])
        mentees = sum(1 for p in people if p.role and p.role.value == "mentee" and p.is_onboarded)
        mentors = sum(1 for p in people if p.role and p.role.value == "mentor" and p.is_onboarded)
        inbox = (
            call.t._("cases in the staff group")
            if found.code in groups
            else call.t._("cases in your private chats (/program staffgroup sets a group)")
        )
        lines.append(
            f"• <b>{esc(found.name.get(lang))}</b> (<code>{found.code}</code>, "
            f"{esc(found.organisation)})\n  "
            + call.t._(
                "mentees: {mentees}, mentors: {mentors} · join link: {link}",
                mentees=mentees,
                mentors=mentors,
                link=_join_link(found.code, bot, call.t),
            )
            + f"\n  {inbox}"
        )
    call.say("\n".join(lines))


async def _links(call: StaffCall, programs: list[Program]) -> None:
    bot = await _username(call)
    lang = call.t.language
    lines = [call.t._("<b>Join links</b> (share one: it opens the bot in that program)")]
    lines += [f"• {esc(p.name.get(lang))}: {_join_link(p.code, bot, call.t)}" for p in programs]
    call.say("\n".join(lines))


def _one_program(call: StaffCall, words: list[str]) -> Program:
    """The program named, or the actor's only one."""
    if words:
        return call.program(words[0])
    mine = call.actor.programs(call.programs)
    if len(mine) != 1:
        codes = ", ".join(p.code for p in mine) or "—"
        raise call.usage(call.t._("Please name the program: {codes}.", codes=codes))
    return mine[0]


async def _staffgroup(call: StaffCall, words: list[str]) -> None:
    t = call.t
    event = call.turn.event
    if not event.group:
        raise call.refuse(
            t._(
                "Type this command in the staff group itself: a Telegram supergroup with "
                "topics, where I am an administrator. Each case will get its own topic there."
            )
        )
    found = _one_program(call, words)
    try:
        rights = await call.services.forums.rights(event.chat_id)
    except DeliveryError:
        raise call.refuse(
            t._("I couldn't ask Telegram about this group just now: please try again.")
        ) from None
    missing = missing_rights(rights, t)
    if missing:
        raise call.refuse(
            "\n".join(
                [
                    t._(
                        "I can't keep the cases of {program} in this group yet:",
                        program=esc(found.name.get(t.language)),
                    ),
                    *(f"• {line}" for line in missing),
                    t._("Then send /program staffgroup {code} here again.", code=found.code),
                ]
            )
        )
    assert rights is not None
    await call.uow.cases.set_staff_group(
        StaffGroup(found.code, event.chat_id, call.actor.user_id, call.now)
    )
    await call.audit("staffgroup", found.code, found.name.get(t.language), rights.title)
    call.say(
        t._(
            "✅ This group now holds the cases of {program}: each alert, report, request to "
            "talk to the team and mentor waiting for approval gets its own topic here. What "
            "you write in a case's topic reaches the person, signed “Program team”.",
            program=esc(found.name.get(t.language)),
        )
    )
    menu = [
        (c.name, t._(c.description))
        for c in call.services.registry.staff
        if c.access <= Access.COORDINATOR
    ]
    call.turn.effects.append(SetCommands(chat_id=event.chat_id, commands=tuple(menu)))


async def _staffgroup_off(call: StaffCall, words: list[str]) -> None:
    t = call.t
    event = call.turn.event
    if not words and event.group:  # typed in the group: the program whose group this is
        codes = call.actor.program_codes(call.programs)
        mine = [
            g.program
            for g in await call.uow.cases.staff_groups(codes)
            if g.chat_id == event.chat_id
        ]
        words = mine[:1] if len(mine) == 1 else words
    found = _one_program(call, words)
    group = await call.uow.cases.staff_group(found.code)
    if group is None:
        raise call.refuse(
            t._("{program} has no staff group.", program=esc(found.name.get(t.language)))
        )
    await call.uow.cases.remove_staff_group(found.code)
    await call.audit("staffgroup off", found.code, found.name.get(t.language))
    left = await call.uow.cases.staff_groups([p.code for p in call.programs])
    if not any(g.chat_id == group.chat_id for g in left):
        call.turn.effects.append(SetCommands(chat_id=group.chat_id))
    call.say(
        t._(
            "The cases of {program} now go to your private chats (open topics stay in the group "
            "as a record).",
            program=esc(found.name.get(t.language)),
        )
    )


def _audit_orgs(call: StaffCall) -> list[str] | None:
    return None if call.actor.is_superadmin else [call.actor.organisation or ""]


async def audit(call: StaffCall) -> None:
    words = call.words()
    page = page_number(words[0]) if words else 0
    if page is None:
        raise call.usage()
    await _audit_page(call, page)


async def audit_press(call: StaffCall, rest: list[str]) -> None:
    if len(rest) != 2 or not rest[1].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    await _audit_page(call, int(rest[1]))


async def _audit_page(call: StaffCall, page: int) -> None:
    orgs = _audit_orgs(call)
    total = await call.uow.staff.audit_count(orgs)
    if total == 0:
        call.show(call.t._("The audit log is empty."))
        return
    pages = max(1, -(-total // 10))
    page = min(max(page, 0), pages - 1)
    entries = await call.uow.staff.audit(orgs, 10, page * 10)
    lines = await audit_lines(call, entries)
    title = call.t._("<b>Audit log</b> ({n} entries, newest first)", n=total)
    text, _, _ = paginate(lines, 0, title, call.t)
    text = "\n".join([text, page_footer(page, pages, call.t)]).rstrip()
    call.show(text, page_buttons("audit", "*", page, pages, call.t))
