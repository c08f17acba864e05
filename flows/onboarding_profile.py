"""Onboarding's last questions: where the person is (their time zone), when they want messages,
the name their match sees; then their answers to check and confirm. Part of
`flows/onboarding.py`.

```mermaid
stateDiagram-v2
    [*] --> timezone: matching questions answered
    timezone --> timezone: unknown place (asked again, with suggestions if any)
    timezone --> hour: a place or time zone (typed, or a suggestion pressed)
    hour --> hour: not a time of day (hint, with examples)
    hour --> display_name: an hour (pressed, typed, or the one nearest a typed time)
    display_name --> display_name: too short or long, a link, a username or a number (hint)
    display_name --> confirm: a name
    confirm --> program: start over (asked again unless it came with the link)
    confirm --> [*]: confirmed (profile saved)
```
State ids (`onboarding.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from bot.core.effects import Button
from bot.core.flow import Choice, Context, Outcome, Prompt, State
from bot.core.models import Role
from bot.core.parsing.hours import nearest_hour, parse_time
from bot.core.parsing.timezones import resolve_time_zone
from bot.core.programs import ChoiceQuestion, Program
from bot.i18n import Html
from bot.messages.matching import FIND_MENTOR
from flows.choices import rows
from flows.onboarding_ids import (
    CONFIRM,
    DISPLAY_NAME,
    HOUR,
    PROGRAM,
    TIMEZONE,
    program_of,
    role_of,
)

HOURS = (8, 12, 18, 20)
_NAME_FORBIDDEN = re.compile(r"@|https?:|www\.|t\.me/|\d{5,}|[<>\n]", re.IGNORECASE)


class TimezoneState(State):
    id = TIMEZONE
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        suggestions = ctx.data.get("tz_suggestions") or []
        text = ctx.t._(
            "Which city are you in? Type its name (or a time zone such as Europe/Rome). "
            "We use it to send you messages at a good time."
        )
        if suggestions:
            text += "\n\n" + ctx.t._("Did you mean one of these?")
        options = [Choice(str(i), zone) for i, zone in enumerate(suggestions)]
        return Prompt(text, rows(options, per_row=1))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        match = resolve_time_zone(text)
        if match.zone:
            return self._chosen(ctx, match.zone)
        data = {**ctx.data, "tz_suggestions": list(match.suggestions)}
        hint = ctx.t._(
            "I don't know that place. Please type a bigger city near you, or your "
            "offset from UTC such as UTC+2."
        )
        if match.suggestions:
            hint = ctx.t._("I'm not sure which place you mean.")
        return Outcome.again(hint, data=data)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return self._chosen(ctx, ctx.data["tz_suggestions"][int(value)])

    def _chosen(self, ctx: Context, zone: str) -> Outcome:
        data = {k: v for k, v in ctx.data.items() if k != "tz_suggestions"}
        return Outcome.go(HOUR, data={**data, "time_zone": zone}, chosen=zone)


class HourState(State):
    id = HOUR
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        options = [Choice(str(h), f"{h:02d}:00") for h in HOURS]
        return Prompt(
            ctx.t._(
                "At what time of day would you like to receive program "
                "messages? Tap one, or type a time such as 19:00 or 7pm."
            ),
            rows(options, per_row=4),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return Outcome.go(DISPLAY_NAME, data={**ctx.data, "hour": int(value)})

    def on_text(self, ctx: Context, text: str) -> Outcome:
        time = parse_time(text)
        if time is None:
            return Outcome.hint(
                ctx.t._(
                    "I couldn't read that as a time of day. Please type it like 19:00, 7pm, "
                    "7 pm, 19.30 or 19h30."
                )
            )
        hour = nearest_hour(time)
        if time.minute == 0:
            return self.on_choice(ctx, str(hour))
        said = ctx.t._(
            "Program messages come on the hour, so yours will come at {hour}, the closest "
            "to {time}.",
            hour=f"{hour:02d}:00",
            time=str(time),
        )
        return Outcome.go(DISPLAY_NAME, say=said, data={**ctx.data, "hour": hour})


class DisplayNameState(State):
    id = DISPLAY_NAME
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "Last question: what name should your match see? Type your first "
                "name or a nickname. <b>They will see only this</b>, "
                "never your Telegram name, username or phone number."
            )
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        name = " ".join(text.split())
        if not 2 <= len(name) <= 32 or _NAME_FORBIDDEN.search(text):
            return Outcome.hint(
                ctx.t._(
                    "Please choose a name of 2 to 32 characters, without links, @usernames or "
                    "phone numbers."
                )
            )
        return Outcome.go(CONFIRM, data={**ctx.data, "display_name": name})


class ConfirmState(State):
    id = CONFIRM

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            summary(ctx),
            ((Choice("ok", ctx.t._("Confirm")), Choice("redo", ctx.t._("Start over"))),),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == "redo":
            keep = {k: v for k, v in ctx.data.items() if k == "link_program"}
            if "link_program" in keep:
                keep["program"] = keep["link_program"]
            return Outcome.go(PROGRAM, data=keep)
        d = ctx.data
        role = role_of(ctx)
        person = replace(
            ctx.person,
            role=role,
            program=d["program"],
            display_name=d["display_name"],
            goals=tuple(d.get("goals", ())),
            interests=tuple(d.get("interests", ())),
            experiences=tuple(d.get("experiences", ())),
            languages=tuple(d.get("languages", ())),
            time_zone=d["time_zone"],
            preferred_hour=int(d["hour"]),
            capacity=int(d["capacity"]) if role is Role.MENTOR else None,
            onboarded_at=ctx.now,
        )
        program = program_of(ctx)
        program_name = program.name.get(ctx.t.language) if program else ""
        if role is Role.MENTOR:
            done = _mentor_welcome(ctx, program, d["display_name"], program_name)
        else:
            done = ctx.t._(
                "You're all set, {name}! You're registered in {program}. Tap the button below "
                "(or send /findmentor) and we'll look for a mentor who shares your goals.",
                name=d["display_name"],
                program=program_name,
            )
            find = ((Button(text=ctx.t._("🔎 Find a mentor"), data=FIND_MENTOR),),)
            return Outcome.done(done, buttons=find, person=person, chosen=ctx.t._("Confirmed"))
        return Outcome.done(done, person=person, chosen=ctx.t._("Confirmed"))


def _mentor_welcome(ctx: Context, program: Program | None, name: str, program_name: str) -> str:
    """What comes next for a new mentor, as their program has it: the training (if it has one),
    then the team's review (if it approves mentors) — never a step the program doesn't have."""
    trains = program is None or program.training is not None
    reviews = program is None or program.mentor_approval
    if trains and reviews:
        return ctx.t._(
            "Thank you for volunteering, {name}! You're registered as a mentor in "
            "{program}. Next, please complete the short volunteer training with "
            "/training, at your own pace; then the program team will review your profile "
            "and contact you here.",
            name=name,
            program=program_name,
        )
    if trains:
        return ctx.t._(
            "Thank you for volunteering, {name}! You're registered as a mentor in {program}. "
            "Next, please complete the short volunteer training with /training, at your own "
            "pace; once you've passed it, mentees can be proposed to you here.",
            name=name,
            program=program_name,
        )
    if reviews:
        return ctx.t._(
            "Thank you for volunteering, {name}! You're registered as a mentor in {program}. "
            "The program team will review your profile and contact you here.",
            name=name,
            program=program_name,
        )
    return ctx.t._(
        "Thank you for volunteering, {name}! You're registered as a mentor in {program}. "
        "Mentees can now be proposed to you: I'll write to you here when one is.",
        name=name,
        program=program_name,
    )


def summary(ctx: Context) -> str:
    """The answers so far, for the person to check."""
    program = program_of(ctx)
    lang = ctx.t.language
    d = ctx.data

    def labels(field: str) -> str:
        if program is None:
            return ""
        question: ChoiceQuestion = getattr(program.profile, field)
        chosen = [o.label.get(lang) for o in question.options if o.id in d.get(field, ())]
        return html.escape(", ".join(chosen)) or "—"

    role = ctx.t._("Mentor") if role_of(ctx) is Role.MENTOR else ctx.t._("Mentee")
    lines = [
        ctx.t._("Please check your answers:"),
        ctx.t._("<b>Name your match sees:</b> {value}", value=d.get("display_name", "")),
        ctx.t._("<b>Role:</b> {value}", value=role),
        ctx.t._("<b>Program:</b> {value}", value=program.name.get(lang) if program else ""),
        ctx.t._("<b>Goals:</b> {value}", value=Html(labels("goals"))),
        ctx.t._("<b>Interests:</b> {value}", value=Html(labels("interests"))),
        ctx.t._("<b>Experiences:</b> {value}", value=Html(labels("experiences"))),
        ctx.t._("<b>Languages:</b> {value}", value=Html(labels("languages"))),
    ]
    if role_of(ctx) is Role.MENTOR:
        lines.append(ctx.t._("<b>Mentees at a time:</b> {value}", value=d.get("capacity", "")))
    lines += [
        ctx.t._("<b>Time zone:</b> {value}", value=d.get("time_zone", "")),
        ctx.t._("<b>Messages at:</b> {value}", value=f"{int(d.get('hour', 0)):02d}:00"),
    ]
    return "\n".join(lines)
