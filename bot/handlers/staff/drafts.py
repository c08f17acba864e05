"""Staff commands that are confirmed before they act: /broadcast and /match.

Each stores a `StaffDraft` (one per staff member; `/cancel` drops it) and shows a preview with a
confirm button carrying the draft's token, so an old or made-up button changes nothing. The
router (`bot.handlers.staff.router`) checks the token and the presser's role again, then calls the
confirmation here.

/broadcast: preview → confirm → a `broadcasts` row and one outbox item per recipient, sent by
the rate-limited sender, with a progress message that climbs to the total
(`bot.services.broadcasts`). /match: an optimal batch draft for a program's unpaired mentees
(`bot.services.batch_matching`), shown with scores; `/match publish` (or the button) starts the
pairs, `/match discard` drops it.

```mermaid
stateDiagram-v2
    [*] --> previewed: /broadcast PROGRAM AUDIENCE TEXT, /match PROGRAM
    previewed --> previewed: a new /broadcast or /match replaces the draft
    previewed --> done: confirm button (token matches, role checked again), /match publish
    previewed --> [*]: ✖ Cancel, /cancel, /match discard, or older than a day
    done --> [*]
```
"""

from __future__ import annotations

from typing import Any

from bot.core.matching import Profile, profile_of
from bot.core.models import Person, Role
from bot.core.programs import Program
from bot.core.staff import Broadcast, DraftKind
from bot.handlers.staff.confirming import ask_to_confirm
from bot.handlers.staff.kit import StaffCall
from bot.handlers.staff.pairs import form_pair, past_of
from bot.handlers.staff.router import expired_text
from bot.messages.staff import audience_label, esc, name_of
from bot.services.batch_matching import Assignment, assign
from bot.services.broadcasts import AUDIENCES, broadcast_effects, from_the_team, recipients
from bot.services.matches import current_load

MAX_BROADCAST = 4000
SHOWN_PAIRS = 30


async def broadcast(call: StaffCall) -> None:
    parts = call.words()
    program = call.program(parts[0])
    audience = parts[1].lower()
    if audience not in AUDIENCES:
        raise call.usage(call.t._("The audience must be mentees, mentors or all."))
    text = parts[2].strip()
    if len(text) > MAX_BROADCAST:
        raise call.usage(
            call.t.n_(
                "The message is too long (at most {n} character).",
                "The message is too long (at most {n} characters).",
                MAX_BROADCAST,
            )
        )
    people = await recipients(call.uow, program.code, audience)
    if not people:
        raise call.refuse(call.t._("Nobody in {program} would receive it.", program=program.code))
    preview = call.t.n_(
        "<b>Preview</b> — to {n} person ({audience}) of {program}:",
        "<b>Preview</b> — to {n} people ({audience}) of {program}:",
        len(people),
        audience=audience_label(audience, call.t),
        program=program.code,
    )
    await ask_to_confirm(
        call,
        DraftKind.BROADCAST,
        {"program": program.code, "audience": audience, "text": text},
        f"{preview}\n\n{from_the_team(program, esc(text), call.t)}",
        call.t.n_("📣 Send to {n} person", "📣 Send to {n} people", len(people)),
    )


async def send_broadcast(call: StaffCall, data: dict[str, Any]) -> None:
    program = call.program(str(data["program"]))
    audience = str(data["audience"])
    people = await recipients(call.uow, program.code, audience)
    if not people:
        raise call.refuse(call.t._("Nobody in {program} would receive it.", program=program.code))
    record = await call.uow.staff.add_broadcast(
        Broadcast(
            organisation=program.organisation,
            program=program.code,
            audience=audience,
            created_by=call.actor.user_id,
            staff_chat_id=call.turn.person.chat_id,
            total=len(people),
            created_at=call.now,
        )
    )
    call.turn.effects.extend(
        broadcast_effects(
            record, people, esc(str(data["text"])), program, call.services.catalogs, call.t
        )
    )
    await call.audit(
        "broadcast",
        program.code,
        audience_label(audience, call.t),
        call.t.n_("{n} person", "{n} people", len(people)),
    )
    if call.callback_id is not None:
        call.turn.answer(call.callback_id, call.t._("Sending…"))
        call.turn.edit(
            call.message_id,
            call.t.n_(
                "📣 Broadcast confirmed: {n} person.",
                "📣 Broadcast confirmed: {n} people.",
                len(people),
            ),
        )


async def match(call: StaffCall) -> None:
    word = call.words()[0].lower()
    if word in ("publish", "discard"):
        draft = await call.uow.staff.draft(call.actor.user_id)
        if draft is None or draft.kind is not DraftKind.MATCH:
            raise call.refuse(
                call.t._("There is no matching draft. Make one with /match PROGRAM.")
            )
        await call.uow.staff.delete_draft(call.actor.user_id)
        if word == "publish" and draft.expired(call.now):
            raise call.refuse(expired_text(call))
        if word == "discard":
            await call.audit("match discard", str(draft.data.get("program")), "draft")
            call.say(call.t._("The matching draft is discarded; nothing changed."))
        else:
            await publish(call, draft.data)
        return
    await _draft(call, call.program(word).code)


async def _pool(
    call: StaffCall, program: Program
) -> tuple[list[Person], list[Profile], list[Profile]]:
    """The program's people, its unpaired mentees and its mentors (with their free places), as
    /match sees them: banned mentees left out, banned mentors not eligible."""
    code = program.code
    people = await call.uow.staff.people([code])
    banned = await call.uow.staff.banned(p.id for p in people)
    paired, active = current_load(await call.uow.staff.pairs_of([code]))  # one program each
    matchmaker = call.services.matchmaker
    mentees = [
        profile_of(p, at=call.now)
        for p in people
        if p.role is Role.MENTEE and p.is_onboarded and p.id not in paired and p.id not in banned
    ]
    mentors = [
        profile_of(
            p,
            at=call.now,
            active_pairs=active.get(p.id, 0),
            eligible=matchmaker.eligible(p, program) and p.id not in banned,
        )
        for p in people
        if p.role is Role.MENTOR and p.is_onboarded
    ]
    return people, mentees, mentors


async def _draft(call: StaffCall, code: str) -> None:
    program = call.program(code)
    people, mentees, mentors = await _pool(call, program)
    if not mentees:
        raise call.refuse(
            call.t._("Every mentee of {program} already has a mentor.", program=code)
        )
    past = {
        (c.mentee_id, c.mentor_id) for c in await call.uow.matching.history(p.id for p in mentees)
    }
    result = assign(mentees, mentors, excluded=past)
    await call.audit("match draft", code, f"{result.matched} of {len(mentees)} mentees")
    lines = _draft_lines(call, code, result, len(mentees), {p.id: p for p in people}, len(past))
    await ask_to_confirm(
        call,
        DraftKind.MATCH,
        {"program": code, "pairs": [[a, b, s] for a, b, s in result.pairs]},
        "\n".join(lines),
        call.t._("✅ Publish") if result.pairs else None,
    )


def _draft_lines(
    call: StaffCall,
    code: str,
    result: Assignment,
    total: int,
    names: dict[int, Person],
    left_out: int,
) -> list[str]:
    """The draft as staff read it: the pairs with their scores, who is left without a mentor
    and why, and how to publish it."""
    lines = [
        call.t.n_(
            "<b>Matching draft for {program}</b>: {matched} of {n} mentee paired, "
            "total score {score}.",
            "<b>Matching draft for {program}</b>: {matched} of {n} mentees paired, "
            "total score {score}.",
            total,
            program=call.program(code).name.get(call.t.language),
            matched=result.matched,
            score=f"{result.total_score:.2f}",
        )
    ]
    lines += [
        f"• {esc(name_of(names.get(a), a))} ↔ {esc(name_of(names.get(b), b))} · {s:.2f}"
        for a, b, s in result.pairs[:SHOWN_PAIRS]
    ]
    if result.matched > SHOWN_PAIRS:
        lines.append(call.t._("… and {n} more.", n=result.matched - SHOWN_PAIRS))
    if result.unassigned:
        lines.append(
            call.t.n_(
                "{n} mentee has no compatible mentor.",
                "{n} mentees have no compatible mentor.",
                len(result.unassigned),
            )
        )
    if left_out:
        lines.append(
            call.t.n_(
                "Left out: {n} couple who was paired before and ended, or whose mentor "
                "declined (/pair can still pair them, after showing why).",
                "Left out: {n} couples who were paired before and ended, or whose mentor "
                "declined (/pair can still pair them, after showing why).",
                left_out,
            )
        )
    lines.append(call.t._("Publish with /match publish, or drop it with /match discard."))
    return lines


async def publish(call: StaffCall, data: dict[str, Any]) -> None:
    program = call.program(str(data["program"]))
    made, skipped = 0, []
    raw = data.get("pairs")
    for mentee_id, mentor_id, _score in raw if isinstance(raw, list) else []:
        mentee = await call.uow.persons.get(int(mentee_id))
        mentor = await call.uow.persons.get(int(mentor_id))
        if mentee is None or mentor is None:
            left = call.t._("someone who left")
            skipped.append(
                call.t._(
                    "{a} and {b}: one of them is no longer signed up",
                    a=name_of(mentee) if mentee is not None else left,
                    b=name_of(mentor) if mentor is not None else left,
                )
            )
            continue
        if await past_of(call, mentee, mentor):  # ended or declined since the draft
            skipped.append(
                call.t._(
                    "{a} and {b} ended or declined before (see /pair).",
                    a=name_of(mentee),
                    b=name_of(mentor),
                )
            )
            continue
        result = await form_pair(call, mentee, mentor, program)
        if isinstance(result, str):
            skipped.append(result)
            continue
        made += 1
        await call.audit(
            "match publish",
            program.code,
            f"#{result.id}",
            f"{name_of(mentee)} + {name_of(mentor)}",
        )
    lines = [
        call.t.n_(
            "✅ {n} pair started in {program}.",
            "✅ {n} pairs started in {program}.",
            made,
            program=program.name.get(call.t.language),
        )
    ]
    if skipped:
        lines.append(call.t._("Not started ({n}):", n=len(skipped)))
        lines += [f"• {s}" for s in skipped[:20]]  # already escaped by t._
    if call.callback_id is not None:
        call.turn.answer(call.callback_id)
        call.turn.edit(call.message_id, call.t._("The matching draft was published."))
    call.turn.say("\n".join(lines))
