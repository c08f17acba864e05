"""Staff commands about the organisation: /staff, /program, /audit.

`/staff add|remove` also gives or takes away the person's own command menu (`SetCommands`, a
chat-scoped `setMyCommands`), so staff see their commands in Telegram's menu and others never do.
"""

from __future__ import annotations

from bot.core.effects import Effect, SetCommands
from bot.core.parsing.arguments import page_number, whole_number
from bot.core.ports import UnitOfWork
from bot.core.staff import StaffMember, StaffRole, actor_for, organisations
from bot.handlers.staff.kit import StaffCall, StaffServices
from bot.handlers.staff.router import menu_of
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
    await call.audit_org("staff add", org, str(user_id), role.value)
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
    await call.audit_org("staff remove", member.organisation, str(user_id), member.role.value)
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
            call.t._("Super-admins: {ids}", ids=", ".join(map(str, call.services.superadmins)))
        )
    elif not members:
        lines.append(call.t._("No staff yet."))
    call.say("\n".join(lines))


async def program(call: StaffCall) -> None:
    bot = call.services.bot_username[0] if call.services.bot_username else "<your-bot>"
    lang = call.t.language
    lines = [call.t._("<b>Your programs</b>")]
    for found in call.actor.programs(call.programs):
        people = await call.uow.staff.people([found.code])
        mentees = sum(1 for p in people if p.role and p.role.value == "mentee" and p.is_onboarded)
        mentors = sum(1 for p in people if p.role and p.role.value == "mentor" and p.is_onboarded)
        lines.append(
            f"• <b>{esc(found.name.get(lang))}</b> (<code>{found.code}</code>, "
            f"{esc(found.organisation)})\n  "
            + call.t._(
                "mentees: {mentees}, mentors: {mentors} · join link: {link}",
                mentees=mentees,
                mentors=mentors,
                link=f"https://t.me/{bot}?start={found.code}",
            )
        )
    if not call.services.bot_username:
        lines.append(
            call.t._("The operator can set BOT_USERNAME to show the bot's name in these links.")
        )
    call.say("\n".join(lines))


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
    lines = [
        f"{e.at:%Y-%m-%d %H:%M} · /{esc(e.action)} · {e.actor_id} → {esc(e.target)}"
        + (f" · {esc(e.detail)}" if e.detail else "")
        for e in entries
    ]
    title = call.t._("<b>Audit log</b> ({n} entries, newest first)", n=total)
    text, _, _ = paginate(lines, 0, title, call.t)
    text = "\n".join([text, page_footer(page, pages, call.t)]).rstrip()
    call.show(text, page_buttons("audit", "*", page, pages, call.t))
