"""/pairs: every pair of the staff member's programs, ended ones too, a page at a time, with
filter buttons (needing attention, quiet, ended, all) and, for each pair, buttons to open the
mentee's case file, pause or resume it, end it (a reason is asked first) and say how to write to
its two people. Names and words only, never a pair's number.

Buttons: `st:pairs:<program|*>:<page>:<filter>` (pages and filters), `st:pairs:msg:<pair>`,
`st:user:<person>`, `st:pause|resume:<pair>`, `st:unpair:<pair>` (asks the reason) and
`st:unpair:<pair>:<reason>` (ends it), each authorised again like its command.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.effects import Button, Keyboard
from bot.core.health import HealthBucket, health
from bot.core.models import Pair, PairStatus, Person
from bot.core.parsing.arguments import typed_name
from bot.core.programs import Program
from bot.handlers.staff.kit import StaffCall
from bot.i18n import Html, Translator
from bot.messages.case_file import day, program_name
from bot.messages.reasons import END_REASONS
from bot.messages.staff import (
    STAFF_PREFIX,
    bucket_label,
    couple,
    esc,
    name_of,
    page_buttons,
    page_footer,
    paginate,
    status_of,
)

PAGE = 10
FILTERS = ("attention", "quiet", "ended", "all")


def filter_label(key: str, t: Translator) -> str:
    """A filter's button label."""
    return {
        "attention": t._("⚠️ Needing attention"),
        "quiet": t._("💤 Quiet"),
        "ended": t._("⏹ Ended"),
        "all": t._("All"),
    }[key]


def _title(key: str, n: int, t: Translator) -> str:
    return {
        "attention": t._("<b>Pairs needing attention</b> ({n})", n=n),
        "quiet": t._("<b>Quiet pairs</b> ({n})", n=n),
        "ended": t._("<b>Ended pairs</b> ({n})", n=n),
        "all": t._("<b>Pairs</b> ({n})", n=n),
    }[key]


async def pairs(call: StaffCall) -> None:
    await _page(call, call.words()[:1], 0, "all")


async def pairs_press(call: StaffCall, rest: list[str]) -> None:
    if rest[:1] == ["msg"] and len(rest) == 2 and rest[1].isdigit():
        await _how_to_write(call, int(rest[1]))
        return
    if len(rest) not in (2, 3) or not rest[1].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    wanted = rest[2] if len(rest) == 3 else "all"
    if wanted not in FILTERS:
        call.turn.answer_stale(call.callback_id or "")
        return
    await _page(call, [] if rest[0] == "*" else [rest[0]], int(rest[1]), wanted)


def _keep(pair: Pair, bucket: HealthBucket, program: Program, now: datetime, key: str) -> bool:
    if key == "ended":
        return pair.status is PairStatus.ENDED
    if pair.status is PairStatus.ENDED:
        return key == "all"
    if key == "attention":
        return bucket is not HealthBucket.ON_TRACK
    if key == "quiet":
        quiet = program.safety.health.quiet_check_in
        return now - (pair.last_activity_at or pair.started_at) >= quiet
    return True


async def _found(
    call: StaffCall, programs: dict[str, Program], key: str
) -> list[tuple[Pair, HealthBucket]]:
    found = []
    for item in await call.uow.staff.pairs_of(list(programs)):
        program = programs[item.program]
        ratings = (
            await call.uow.safety.ratings(item.id) if item.status is not PairStatus.ENDED else []
        )
        bucket = health(item, ratings, item.last_activity_at, call.now, program.safety.health)
        if _keep(item, bucket, program, call.now, key):
            found.append((item, bucket))
    # current pairs first (the least healthy first), then ended ones, oldest first
    order = {HealthBucket.AT_RISK: 0, HealthBucket.NEEDS_CHECK_IN: 1, HealthBucket.ON_TRACK: 2}
    found.sort(key=lambda f: (f[0].status is PairStatus.ENDED, order[f[1]], f[0].id))
    return found


def _line(
    item: Pair, bucket: HealthBucket, people: dict[int, Person], program: Program, t: Translator
) -> str:
    names = (
        f"{esc(name_of(people.get(item.mentee_id)))} ↔ {esc(name_of(people.get(item.mentor_id)))}"
    )
    where = esc(program_name(program, t))
    if item.status is PairStatus.ENDED:
        dates = t._("{start} – {end}", start=day(item.started_at, t), end=day(item.ended_at, t))
        return f"• {names} · {where} · {status_of(item, t)} · {dates}"
    last = t._("last activity {when}", when=day(item.last_activity_at or item.started_at, t))
    return f"• {names} · {where} · {status_of(item, t)} · {bucket_label(bucket, t)} · {last}"


def _buttons(item: Pair, people: dict[int, Person], t: Translator) -> tuple[Button, ...]:
    mentee, mentor = people.get(item.mentee_id), people.get(item.mentor_id)
    label = Html(couple(mentee, mentor, t))  # a button label is plain text
    row = [Button(t._("📂 {pair}", pair=label), f"{STAFF_PREFIX}user:{item.mentee_id}")]
    if item.status is PairStatus.ACTIVE:
        row.append(Button(t._("⏸ Pause"), f"{STAFF_PREFIX}pause:{item.id}"))
    elif item.status is PairStatus.PAUSED:
        row.append(Button(t._("▶️ Resume"), f"{STAFF_PREFIX}resume:{item.id}"))
    if item.status is not PairStatus.ENDED:
        row.append(Button(t._("⏹ End"), f"{STAFF_PREFIX}unpair:{item.id}"))
        row.append(Button(t._("💬 Message"), f"{STAFF_PREFIX}pairs:msg:{item.id}"))
    return tuple(row)


def _filters(key: str, program: str, t: Translator) -> tuple[Button, ...]:
    return tuple(
        Button(
            ("• " if f == key else "") + filter_label(f, t), f"{STAFF_PREFIX}pairs:{program}:0:{f}"
        )
        for f in FILTERS
    )


async def _page(call: StaffCall, words: list[str], page: int, key: str) -> None:
    programs = {p.code: p for p in call.programs_of(words)}
    found = await _found(call, programs, key)
    program = words[0] if words else "*"
    filters: Keyboard = (_filters(key, program, call.t),)
    if not found:
        empty = call.t._("There are no pairs yet.") if key == "all" else call.t._("No pair here.")
        call.show(empty, filters)
        return
    title = _title(key, len(found), call.t)
    _, page, pages = paginate([""] * len(found), page, title, call.t)
    shown = found[page * PAGE : (page + 1) * PAGE]
    ids = {x for item, _ in shown for x in (item.mentee_id, item.mentor_id)}
    people = {p.id: p for p in await call.uow.persons.get_many(ids)}
    lines = [_line(item, b, people, programs[item.program], call.t) for item, b in shown]
    text = "\n".join([title, *lines, page_footer(page, pages, call.t)]).rstrip()
    rows = tuple(_buttons(item, people, call.t) for item, _ in shown)
    turn = tuple(
        tuple(Button(b.text, f"{b.data}:{key}") for b in row)
        for row in page_buttons("pairs", program, page, pages, call.t)
    )
    call.show(text, rows + turn + filters)


async def _how_to_write(call: StaffCall, pair_id: int) -> None:
    found = await call.pair(f"#{pair_id}")
    people = {p.id: p for p in await call.uow.persons.get_many([found.mentee_id, found.mentor_id])}
    lines = [
        call.t._(
            "To write to {name}, send: /msg {word} your message.", name=name_of(p), word=_word(p)
        )
        for p in (people.get(found.mentee_id), people.get(found.mentor_id))
        if p is not None
    ]
    lines.append(call.t._("They read it as from the program team, never from their partner."))
    call.say("\n".join(lines))


def _word(person: Person) -> str:
    return typed_name(person.display_name or "")  # as /msg reads it: the name first


def end_reason_buttons(pair_id: int, t: Translator) -> Keyboard:
    """The reasons staff can give for ending a pair, and a way back."""
    rows = tuple(
        (Button(t._(label), f"{STAFF_PREFIX}unpair:{pair_id}:{code}"),)
        for code, label in END_REASONS.items()
    )
    return rows + ((Button(t._("✖ Keep the pair"), f"{STAFF_PREFIX}unpair:{pair_id}:keep"),),)
