"""Every safeguarding alert's shape (one builder): one labelled message, in the safety lane for
crisis words and priority reports, or (too long) one message and one labelled document; names and
words escaped in HTML, plain in the document; times in the staff's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.effects import SendDocument, SendText
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.safety_alert import (
    MAX_TEXT,
    AlertKind,
    ContextLine,
    SafetyAlert,
    safety_alert,
    when,
)

AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def alert(words: str, *, paused: bool = False) -> SafetyAlert:
    return SafetyAlert(
        kind=AlertKind.CRISIS,
        report_id=7,
        pair_id=3,
        subject_id=11,
        subject="Mia <3",
        partner="Ned",
        summary=["<b>Mia &lt;3</b> wrote crisis words"],
        at=AT,
        pausable=not paused,
        urgent=True,
        lines=[
            ContextLine(at=AT, writer="Ned", reader="Mia <3"),
            ContextLine(at=AT, writer="Mia <3", reader="Ned", words=words),
        ],
    )


def test_one_labelled_message_per_staff_chat_in_the_safety_lane() -> None:
    t = Catalogs("en").translator("en")
    effects = safety_alert(Staff((1, 2)), alert("I want to kill myself & <b>"), t)
    assert [type(e) for e in effects] == [SendText, SendText]
    first = effects[0]
    assert isinstance(first, SendText) and first.safety and first.chat_id == 1
    # issue 13: times in the staff's language (was "04 May", an English abbreviation always)
    assert first.text.startswith("🚨 <b>Crisis alert #7</b> · 4 May 10:00 UTC")
    assert "<b>Mia &lt;3</b> wrote crisis words" in first.text
    assert first.text.endswith("Mia &lt;3 → Ned: «I want to kill myself &amp; &lt;b&gt;»")
    labels = [b.text for row in first.buttons for b in row]
    assert labels == [
        "⏸ Pause the pair",
        "📂 Open Mia <3's case",
        "💬 Show the messages",
        "✅ Mark handled",
    ]


def test_a_paused_pair_has_no_pause_button() -> None:
    t = Catalogs("en").translator("en")
    (only,) = safety_alert(Staff((1,)), alert("help", paused=True), t)
    assert isinstance(only, SendText)
    assert [b.data for row in only.buttons for b in row] == [
        "st:user:11",
        "st:reports:show:7",
        "st:reports:done:7",
    ]


def test_a_long_context_goes_in_a_labelled_document() -> None:
    t = Catalogs("en").translator("en")
    words = "kill myself " * (MAX_TEXT // 10)
    message, document = safety_alert(Staff((1,)), alert(words), t)
    assert isinstance(message, SendText) and isinstance(document, SendDocument)
    assert message.safety and document.safety and len(message.text) <= MAX_TEXT
    assert "in the file below" in message.text and message.buttons
    assert document.filename == "crisis-alert-7.txt"
    assert document.caption is not None and "Crisis alert #7" in document.caption
    body = document.content.decode()
    assert body.startswith("Crisis alert #7, 4 May 10:00 UTC: Mia <3 and Ned")
    assert "not messages to you" in body and words.strip() in body


def test_reports_and_blocks_use_the_same_labelled_message_and_lanes() -> None:
    t = Catalogs("en").translator("en")
    base = alert("hi")
    plain = replace(base, kind=AlertKind.REPORT, urgent=False, summary=["Reason: x"])
    (report,) = safety_alert(Staff((1,)), plain, t)
    assert isinstance(report, SendText) and not report.safety, "routine lane"
    assert report.text.startswith("⚠️ <b>Report #7</b> · 4 May 10:00 UTC\nReason: x")
    assert "not messages to you" in report.text and "Ned → Mia &lt;3" in report.text
    (urgent,) = safety_alert(Staff((1,)), replace(plain, urgent=True), t)
    assert isinstance(urgent, SendText) and urgent.safety
    assert urgent.text.startswith("🚨 <b>Priority report #7</b>")
    block = replace(plain, kind=AlertKind.BLOCK, pausable=False)
    (blocked,) = safety_alert(Staff((1,)), block, t)
    assert isinstance(blocked, SendText) and blocked.text.startswith("⚠️ <b>Block report #7</b>")
    assert [b.data for row in blocked.buttons for b in row][0] == "st:user:11"
    alone = replace(plain, pair_id=None, partner="", lines=[])
    (no_pair,) = safety_alert(Staff((1,)), alone, t)
    assert isinstance(no_pair, SendText)
    assert [b.data for row in no_pair.buttons for b in row] == ["st:user:11", "st:reports:done:7"]


def test_times_are_in_the_staffs_language() -> None:
    assert when(AT, "en") == "4 May 10:00 UTC"
    assert when(AT, "it") == "4 mag 10:00 UTC"
    it = Catalogs("en").translator("it")
    (text,) = safety_alert(Staff((1,)), alert("ciao"), it)
    assert isinstance(text, SendText) and "4 mag 10:00 UTC" in text.text
