"""The crisis alert's shape: one labelled message in the safety lane, or (too long) one message
and one labelled document; names and words escaped in HTML, plain in the document."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.effects import SendDocument, SendText
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.crisis_alert import MAX_TEXT, ContextLine, CrisisAlert, crisis_alert

AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def alert(words: str, *, paused: bool = False) -> CrisisAlert:
    return CrisisAlert(
        report_id=7,
        pair_id=3,
        program="College First Year",
        writer_id=11,
        writer="Mia <3",
        partner="Ned",
        phrases="kill myself",
        at=AT,
        paused=paused,
        lines=[
            ContextLine(at=AT, writer="Ned", reader="Mia <3"),
            ContextLine(at=AT, writer="Mia <3", reader="Ned", words=words),
        ],
    )


def test_one_labelled_message_per_staff_chat_in_the_safety_lane() -> None:
    t = Catalogs("en").translator("en")
    effects = crisis_alert(Staff((1, 2)), alert("I want to kill myself & <b>"), t)
    assert [type(e) for e in effects] == [SendText, SendText]
    first = effects[0]
    assert isinstance(first, SendText) and first.safety and first.chat_id == 1
    assert first.text.startswith("🚨 <b>Crisis alert #7</b> · 04 May 10:00 UTC")
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
    (only,) = crisis_alert(Staff((1,)), alert("help", paused=True), t)
    assert isinstance(only, SendText)
    assert [b.data for row in only.buttons for b in row] == [
        "st:user:11",
        "st:reports:show:7",
        "st:reports:done:7",
    ]


def test_a_long_context_goes_in_a_labelled_document() -> None:
    t = Catalogs("en").translator("en")
    words = "kill myself " * (MAX_TEXT // 10)
    message, document = crisis_alert(Staff((1,)), alert(words), t)
    assert isinstance(message, SendText) and isinstance(document, SendDocument)
    assert message.safety and document.safety and len(message.text) <= MAX_TEXT
    assert "in the file below" in message.text and message.buttons
    assert document.filename == "crisis-alert-7.txt"
    assert document.caption is not None and "Crisis alert #7" in document.caption
    body = document.content.decode()
    assert body.startswith("Crisis alert #7, 04 May 10:00 UTC: Mia <3 and Ned")
    assert "not messages to you" in body and words.strip() in body
