"""Each /stats chart renders at phone size (≥ 1200 px wide), with whole numbers on its count
axis, and names the programs (never their codes) in the reader's language; the README's
screenshots come from docs/charts.py, which draws the same charts."""

from __future__ import annotations

import io
import runpy
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.handlers.staff.figures import labels
from bot.i18n import Catalogs
from bot.services import stats_chart
from bot.services.stats import Figures, Period, Stage
from bot.services.stats_chart import CHARTS, render_charts

ROOT = Path(__file__).resolve().parents[2]
DEMO: Any = runpy.run_path(str(ROOT / "docs" / "charts.py"))


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], list[float]]]:
    """The texts and the count axis' ticks of every figure drawn (captured as it is saved)."""
    seen: list[tuple[list[str], list[float]]] = []
    original = stats_chart._png

    def spy(figure: Any) -> bytes:
        from matplotlib.text import Text

        texts = [t.get_text() for t in figure.findobj(Text) if t.get_text()]
        [axes] = figure.axes
        ticks = [*axes.get_yticks(), *axes.get_xticks()]
        seen.append((texts, ticks))
        return original(figure)

    monkeypatch.setattr(stats_chart, "_png", spy)
    return seen


@pytest.mark.parametrize("language", ["en", "it"])
def test_each_chart_is_phone_sized_and_names_the_program(
    drawn: list[tuple[list[str], list[float]]], language: str
) -> None:
    t = Catalogs("en").translator(language)
    figures: Figures = DEMO["demo_figures"]()
    name = {"en": "College First Year", "it": "Primo anno di università"}[language]
    charts = render_charts(figures, labels(figures, name, t))
    assert [n for n, _ in charts] == [f"{n}.png" for n, _ in CHARTS]
    for (_, png), (texts, _) in zip(charts, drawn, strict=True):
        width, height = Image.open(io.BytesIO(png)).size
        assert width >= 1200 and height >= 900
        assert any(text.startswith(name) for text in texts)
        assert not any("college" in text for text in texts)  # the code, never shown
    stage_texts = drawn[0][0]
    assert ("In coppia" if language == "it" else "In a pair") in stage_texts
    health_texts = drawn[1][0]
    assert ("a rischio" if language == "it" else "at risk") in health_texts


def test_count_axes_have_whole_numbers_only(drawn: list[tuple[list[str], list[float]]]) -> None:
    t = Catalogs("en").translator("en")
    small = Figures(
        period=Period.DAYS_30,
        start=DEMO["NOW"],
        end=DEMO["NOW"],
        stages=tuple((s, 1 if s is Stage.PAIRED else 0) for s in Stage),
        bins=(DEMO["NOW"],),
        health=((1, 0, 0),),
        delivered=(1,),
        answered=(0,),
    )
    render_charts(small, labels(small, "College First Year", t))
    for _, ticks in drawn:
        assert all(float(tick).is_integer() for tick in ticks)


def test_an_empty_period_says_so_instead_of_empty_axes(
    drawn: list[tuple[list[str], list[float]]],
) -> None:
    t = Catalogs("en").translator("en")
    empty = Figures(
        period=Period.DAYS_30,
        start=DEMO["NOW"],
        end=DEMO["NOW"],
        stages=tuple((s, 0) for s in Stage),
        bins=(DEMO["NOW"],),
        health=((0, 0, 0),),
        delivered=(0,),
        answered=(0,),
    )
    render_charts(empty, labels(empty, "College First Year", t))
    assert all("Nothing yet in this period" in texts for texts, _ in drawn)


def test_the_readme_screenshots_exist_at_phone_size() -> None:
    for name, _ in CHARTS:
        image = Image.open(ROOT / "docs" / "img" / f"stats-{name}.png")
        assert image.size[0] >= 1200
