"""The partner cards (/partner, pinned when a pair is formed) and the nudge of a pair that
never talked, in English and Italian."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.languages import Languages
from bot.core.models import Role
from bot.core.programs import load_programs
from bot.i18n import Catalogs
from bot.messages.matching import matched_messages, no_partner, partner_card
from bot.messages.steps import nudge_message
from tests.factories import onboarded_person

AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
CURRICULA = Path(__file__).resolve().parents[2] / "curricula"
PROGRAMS = load_programs(CURRICULA, Languages.offered(["en", "it"]))
COLLEGE = next(p for p in PROGRAMS if p.code == "college")
CATALOGS = Catalogs()
EN, IT = CATALOGS.translator("en"), CATALOGS.translator("it")
MENTEE = onboarded_person(
    1, Role.MENTEE, "college", AT, display_name="Ada", goals=("career",), experiences=()
)
MENTOR = onboarded_person(2, Role.MENTOR, "college", AT, display_name="Ugo", goals=("career",))


def test_each_side_sees_the_card_it_may_see_in_both_languages() -> None:
    assert partner_card(MENTOR, MENTEE, COLLEGE, IT).splitlines() == [
        "👤 <b>La persona che segui: Ada</b> (Primo anno di università)",
        "<b>Obiettivi:</b> Tirocini e lavoro",
        "<b>Interessi:</b> —",
        "<b>Esperienze:</b> —",
        "<b>Lingue:</b> Inglese",
        "<b>Fuso orario:</b> Europe/Rome",
    ]
    mentee_sees = partner_card(MENTEE, MENTOR, COLLEGE, EN)
    assert mentee_sees.splitlines()[:2] == [
        "👤 <b>Your mentor Ugo</b> (College First Year)",
        "<b>Can help with:</b> Internships and careers",
    ]
    assert "Experiences" not in mentee_sees
    assert "Può aiutarti su:" in partner_card(MENTEE, MENTOR, COLLEGE, IT)


def test_the_cards_are_pinned_first_then_each_is_told_how_to_talk() -> None:
    sent = matched_messages(MENTEE, MENTOR, COLLEGE, EN, IT)
    assert [(m.chat_id, m.pin) for m in sent] == [(1, True), (1, False), (2, True), (2, False)]
    assert sent[2].text.startswith("👤 <b>La persona che segui: Ada</b>")


def test_no_partner_yet() -> None:
    assert (
        no_partner(MENTEE, IT) == "Non hai ancora un mentore. Invia /findmentor per chiederne uno."
    )
    assert no_partner(MENTOR, EN).startswith("You don't have a mentee yet.")


def test_a_pair_that_never_talked_is_invited_to_say_hello() -> None:
    for role in (Role.MENTEE, Role.MENTOR):
        first = nudge_message(role, 1, "Ada", EN, talked=False).text
        assert "haven't said hello yet" in first and "while" not in first
        primo = nudge_message(role, 1, "Ada", IT, talked=False).text
        assert primo.startswith("👋 Tu e Ada non avete ancora iniziato a scrivervi.")
    again = nudge_message(Role.MENTEE, 1, "Ada", IT).text
    assert again.startswith("👋 È da un po' che tu e Ada non vi sentite.")
