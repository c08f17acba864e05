"""A program or curriculum text is a mapping language → text: every offered language is
required (a clear problem from the checker for each one missing), other languages are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core.curricula import Curriculum
from bot.core.languages import Languages
from bot.core.localized import Text
from bot.core.programs import ProgramError, load_programs
from bot.curricula_check import check_paths, main
from tests.unit.test_curricula_check import PAIR, build, change, line_of, pair_file

PSEUDO = Languages.offered(["en", "it", "xx"], {"xx": "Pseudo"})
SHIPPED = Path(__file__).resolve().parents[2] / "curricula"


def test_a_text_reads_as_a_mapping_in_the_offered_order() -> None:
    offered = Languages.offered(["en", "it"], default="it")
    text = Text.model_validate(
        {"en": "Hi", "it": "Ciao", "fr": "Salut"}, context={"languages": offered}
    )
    assert list(text) == ["it", "en", "fr"]  # the default first, then the offered, then others
    assert text["en"] == "Hi" and text.get("fr") == "Salut"
    assert text.get("de") == "Ciao"  # a language it lacks: the default's text
    assert hash(text) == hash(Text.model_validate({"it": "Ciao", "en": "Hi", "fr": "Salut"}))


def test_every_offered_language_is_required() -> None:
    with pytest.raises(ValidationError, match="missing the text in xx"):
        Text.model_validate({"en": "Hi", "it": "Ciao"}, context={"languages": PSEUDO})
    with pytest.raises(ValidationError, match="string_too_short|at least 1 character"):
        Text.model_validate({"en": "Hi", "it": "", "xx": "x"}, context={"languages": PSEUDO})


def test_the_shipped_curricula_are_valid_in_english_and_italian() -> None:
    assert check_paths([SHIPPED], Languages.offered(["en", "it"])) == []
    assert len(load_programs(SHIPPED, Languages.offered(["en", "it"]))) >= 2


def test_loading_for_a_language_the_files_lack_names_the_file() -> None:
    with pytest.raises(ProgramError, match=r"college\.yaml: name: missing the text in xx"):
        load_programs(SHIPPED, PSEUDO)


def test_the_checker_names_each_missing_language_on_its_line(tmp_path: Path) -> None:
    root = build(tmp_path)
    problems = [p for p in check_paths([root], PSEUDO) if p.file == pair_file(root)]
    first = problems[0]
    assert first.line == line_of(PAIR, "title: {en: First steps")
    assert first.message == "title: missing Pseudo text (xx) — add an 'xx:' translation"
    assert all("missing Pseudo text (xx)" in p.message for p in problems)


def test_the_checker_accepts_a_pseudo_language_written_in_the_files(tmp_path: Path) -> None:
    pair = change(PAIR, "{en: Welcome, it: Benvenuti}", "{en: Welcome, xx: X, it: Benvenuti}")
    root = build(tmp_path, pair=pair)
    problems = [p for p in check_paths([root], PSEUDO) if p.file == pair_file(root)]
    assert problems and not [p for p in problems if p.line == line_of(pair, "xx: X")]


def test_a_text_that_is_not_a_mapping_shows_the_form(tmp_path: Path) -> None:
    pair = change(PAIR, "{en: Welcome, it: Benvenuti}", "Welcome")
    problems = check_paths([build(tmp_path, pair=pair)], PSEUDO)
    welcome = [p for p in problems if p.line == line_of(pair, "title: Welcome")]
    assert welcome[0].message == (
        "steps[0].title: needs a text in English and Italian and Pseudo, "
        "like {en: ..., it: ..., xx: ...}"
    )


def test_the_command_checks_the_configured_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANGUAGES", "en,it,xx")
    monkeypatch.setenv("LANGUAGE_NAMES", "xx=Pseudo")
    assert main([str(build(tmp_path))]) == 1
    assert "missing Pseudo text (xx) — add an 'xx:' translation" in capsys.readouterr().out


def test_a_curriculum_built_without_the_registry_takes_any_texts() -> None:
    curriculum = Curriculum.model_validate(
        {
            "id": "c1",
            "title": {"xx": "X"},
            "cadence": "1d",
            "steps": [
                {"id": "s", "title": {"xx": "X"}, "mentee": {"xx": "X"}, "mentor": {"xx": "X"}}
            ],
        }
    )
    assert curriculum.steps[0].title.get("en") == "X"
