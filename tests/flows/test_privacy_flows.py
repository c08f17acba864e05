"""Privacy as transcripts over in-memory storage: /privacy and /mydata (/forgetme:
`test_forgetme_flows`)."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.core import effects as fx
from bot.core.cases import Case, CaseKind
from bot.core.models import (
    FlowState,
    Report,
)
from bot.core.privacy import Retention
from bot.core.staff import PersonFlag, StaffNote
from tests.dialog import Dialog
from tests.flows.privacy_world import ANNA, MARCO, STAFF, mydata, paired, privacy_bot

# --- /privacy ----------------------------------------------------------------------------------


async def test_privacy_tells_what_why_how_long_and_who_with_the_configured_retention() -> None:
    bot = privacy_bot(Retention(relay_days=45, report_days=120))
    out = await Dialog(bot, ANNA).say("/privacy")
    notice = out[0]
    for part in ("What we keep", "Why", "Who can see it", "How long", "/mydata", "/forgetme"):
        assert part in notice
    assert "45 days" in notice and "120 more days" in notice
    assert "never sees your Telegram id" in notice
    assert "(a ban), we keep that decision, its date and reason even after you erase" in notice


# --- /mydata -----------------------------------------------------------------------------------


async def test_mydata_holds_the_persons_data_and_none_of_the_partners() -> None:
    bot = privacy_bot()
    anna, _marco, _staff, pair_id = await paired(bot)
    async with bot.store.uow() as uow:
        await uow.safety.add_report(
            Report(
                reporter_id=ANNA,
                pair_id=pair_id,
                reported_id=MARCO,
                reason="other",
                text="Anna's own words",
                created_at=bot.clock.now(),
            )
        )
        await uow.commit()
    data = await mydata(bot, anna)
    raw = json.dumps(data)
    profile = data["profile"]
    assert isinstance(profile, dict)
    assert profile["display_name"] == "Annabel Quill" and profile["birth_year"] == 1994
    assert profile["telegram_user_id"] == ANNA and profile["time_zone"] == "Europe/Lisbon"
    assert data["mentorships"] == [
        {
            "mentorship": "mentorship 1",
            "program": "college",
            "your_role": "mentee",
            "partner": "your mentor",
            "status": "active",
            "started_at": bot.clock.now().isoformat(),
            "paused_at": None,
            "ended_at": None,
            "ended_by": None,
            "your_reason_for_ending": None,
            "last_message_at": None,
        }
    ]
    steps = data["curriculum_steps"]
    assert isinstance(steps, list) and len(steps) == 24, "her own side of each step only"
    assert "Anna's own words" in raw
    relayed = data["relayed_messages"]
    assert isinstance(relayed, dict)
    assert [(r["direction"], r["message_id_in_your_chat"]) for r in relayed["records"]] == [
        ("sent", 11),
        ("received", 22),
    ], "ids in her own chat only"
    for partners in ("Marco", "Zephyr", str(MARCO), "1971", "America/Toronto"):
        assert partners not in raw, partners


async def test_mydata_holds_staff_decisions_and_answers_in_progress_without_the_partner() -> None:
    bot = privacy_bot()
    anna, _marco, _staff, pair_id = await paired(bot)
    now = bot.clock.now()
    bot.store.staff.flags[(ANNA, "banned")] = PersonFlag(
        user_id=ANNA, kind="banned", reason="spam links", at=now, by=STAFF
    )
    bot.store.flows[ANNA] = FlowState(
        user_id=ANNA,
        flow="report",
        state="report.reason",
        data={"pairs": [[pair_id, "Marco Zephyr"]], "note": "half-typed words"},
        token="abc",
        updated_at=now,
    )
    await anna.say("/mydata")  # the report flow asks its question again, after the document
    [doc] = [e for e in bot.store.pending_effects() if isinstance(e, fx.SendDocument)]
    data = json.loads(doc.content)
    assert data["staff_decisions"] == [
        {"decision": "banned", "reason": "spam links", "at": now.isoformat()}
    ]
    flow = data["conversation_in_progress"]
    assert isinstance(flow, dict)
    assert flow["answers_so_far"] == {
        "pairs": [[pair_id, "your mentor"]],
        "note": "half-typed words",
    }
    raw = json.dumps(data)
    assert "Marco" not in raw and str(STAFF) not in raw


async def test_mydata_lists_her_cases_with_dates_and_ids_but_no_staff_side() -> None:
    bot = privacy_bot()
    anna, _marco, _staff, _pair_id = await paired(bot)
    now = bot.clock.now()
    group = -1_001_000_000_001
    async with bot.store.uow() as uow:
        team = await uow.cases.add(
            Case(ANNA, CaseKind.TEAM, "college", now, staff_chat_id=group, thread_id=77)
        )
        await uow.cases.close(team.id, now + timedelta(hours=2), STAFF)
        report = await uow.cases.add(Case(ANNA, CaseKind.REPORT, "college", now))
        await uow.cases.add(Case(MARCO, CaseKind.TEAM, "college", now))
        await uow.cases.note_message(team.id, ANNA, 31)
        await uow.cases.note_message(team.id, group, 78)
        await uow.cases.note_message(report.id, ANNA, 35)
        await uow.staff.add_note(
            StaffNote(
                person_id=ANNA, author_id=STAFF, author_name="Sam", text="staff eyes only", at=now
            )
        )
        await uow.commit()
    data = await mydata(bot, anna)
    raw = json.dumps(data)
    cases = data["conversations_with_the_team"]
    assert isinstance(cases, dict)
    assert "never what was written" in cases["note"]
    assert cases["records"] == [
        {
            "opened_by": "team",
            "program": "college",
            "status": "closed",
            "opened_at": now.isoformat(),
            "closed_at": (now + timedelta(hours=2)).isoformat(),
            "message_ids_in_your_chat": [31],
        },
        {
            "opened_by": "report",
            "program": "college",
            "status": "open",
            "opened_at": now.isoformat(),
            "closed_at": None,
            "message_ids_in_your_chat": [35],
        },
    ], "her own cases only, with ids in her own chat only"
    for staff_side in ("staff eyes only", "Sam", str(group), str(STAFF), "78"):
        assert staff_side not in raw, staff_side
