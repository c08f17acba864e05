"""The /stats charts, one per question, drawn with matplotlib's Agg backend into PNG bytes:
who is where (people by stage), how the pairs are doing (pairs by health over time) and whether
the curriculum lands (steps delivered vs. check-ins answered).

Each chart is 1280 × 960 px with large type, so that it reads on a phone where Telegram shows it
about 400 points wide; counts are whole numbers on every axis. Rendering takes tens of
milliseconds of CPU: callers run the renderers in a worker thread (`asyncio.to_thread`), never on
the event loop. Labels come in already translated (program names, never codes). matplotlib is
imported by the first chart, not with this module: every bot process imports the staff handlers
at start-up, and most never draw a chart.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from bot.services.stats import Figures

WIDTH_IN, HEIGHT_IN, DPI = 6.4, 4.8, 200  # 1280 × 960 px
HEALTH_COLOURS = ("#2e7d32", "#f9a825", "#c62828")  # on track, needs check-in, at risk
STAGE_COLOUR, DELIVERED_COLOUR, ANSWERED_COLOUR = "#1565c0", "#6a1b9a", "#00897b"
MAX_TICKS = 8
STYLE: dict[str, Any] = {
    "font.size": 13,
    "axes.titlesize": 17,
    "axes.titleweight": "bold",
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class ChartLabels:
    """Every text on the charts, in the reader's language."""

    language: str
    scope: str  # the programs' names, then the period (on a line of its own), under each title
    stages_title: str
    stages: tuple[str, ...]  # one per `Stage`, in its order
    people: str
    health_title: str
    buckets: tuple[str, str, str]  # on track, needs check-in, at risk
    pairs: str
    steps_title: str
    delivered: str
    answered: str
    steps: str
    bins: tuple[str, ...]  # each time bin's start, as a short date
    nothing: str  # on an empty chart


@contextmanager
def _figure() -> Iterator[Any]:
    import matplotlib  # here, not at the top: see the module's docstring

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with matplotlib.rc_context(cast(Any, STYLE)):
        yield Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)


def _png(figure: Any) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _titled(figure: Any, title: str, scope: str) -> Any:
    """The question as the title, the programs and the period under it (wrapped), then the
    axes below both."""
    figure.text(0.03, 0.97, title, fontsize=STYLE["axes.titlesize"], weight="bold", va="top")
    under = _wrapped(scope)
    figure.text(0.03, 0.905, under, fontsize=STYLE["font.size"], color="#555555", va="top")
    return figure.subplots()


def _wrapped(scope: str) -> str:
    return "\n".join(textwrap.fill(line, 60) for line in scope.splitlines())


def _layout(figure: Any, scope: str) -> None:
    lines = 1 + _wrapped(scope).count("\n")
    figure.tight_layout(rect=(0, 0, 1, 0.86 - 0.05 * (lines - 1)))


def _whole_numbers(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _empty(axes: Any, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, color="#555555")
    axes.set_xticks([])
    axes.set_yticks([])


def _time_axis(axes: Any, labels: Sequence[str]) -> None:
    every = max(1, -(-len(labels) // MAX_TICKS))
    shown = list(range(0, len(labels), every))
    axes.set_xticks(shown, [labels[i] for i in shown])
    _whole_numbers(axes.yaxis)


def stages_chart(figures: Figures, labels: ChartLabels) -> bytes:
    """People by stage: one horizontal bar each, its count beside it."""
    with _figure() as figure:
        axes = _titled(figure, labels.stages_title, labels.scope)
        counts = [n for _, n in figures.stages]
        if not any(counts):
            _empty(axes, labels.nothing)
        else:
            rows = list(range(len(counts)))[::-1]  # the first stage on top
            axes.barh(rows, counts, color=STAGE_COLOUR)
            axes.set_yticks(rows, list(labels.stages))
            for row, count in zip(rows, counts, strict=True):
                axes.text(count, row, f" {count}", va="center", fontweight="bold")
            _whole_numbers(axes.xaxis)
            axes.set_xlabel(labels.people)
            axes.set_xlim(0, max(counts) * 1.15 + 0.5)
        _layout(figure, labels.scope)
        return _png(figure)


def health_chart(figures: Figures, labels: ChartLabels) -> bytes:
    """Pairs by health at the end of each time bin, stacked (on track at the bottom)."""
    with _figure() as figure:
        axes = _titled(figure, labels.health_title, labels.scope)
        if not any(sum(h) for h in figures.health):
            _empty(axes, labels.nothing)
        else:
            x = list(range(len(figures.bins)))
            bottom = [0] * len(x)
            for index, (name, colour) in enumerate(
                zip(labels.buckets, HEALTH_COLOURS, strict=True)
            ):
                values = [h[index] for h in figures.health]
                axes.bar(x, values, bottom=bottom, color=colour, label=name, width=0.8)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            _time_axis(axes, labels.bins)
            axes.set_ylabel(labels.pairs)
            axes.legend(loc="upper left", frameon=False, ncols=3)
            axes.set_ylim(0, max(bottom) * 1.25 + 0.5)
        _layout(figure, labels.scope)
        return _png(figure)


def steps_chart(figures: Figures, labels: ChartLabels) -> bytes:
    """Steps delivered to mentees and check-ins they answered, side by side per time bin."""
    with _figure() as figure:
        axes = _titled(figure, labels.steps_title, labels.scope)
        if not any(figures.delivered) and not any(figures.answered):
            _empty(axes, labels.nothing)
        else:
            x = list(range(len(figures.bins)))
            axes.bar([i - 0.2 for i in x], figures.delivered, 0.4, color=DELIVERED_COLOUR)
            axes.bar([i + 0.2 for i in x], figures.answered, 0.4, color=ANSWERED_COLOUR)
            axes.legend(
                [labels.delivered, labels.answered], loc="upper left", frameon=False, ncols=2
            )
            _time_axis(axes, labels.bins)
            axes.set_ylabel(labels.steps)
            top = max((*figures.delivered, *figures.answered))
            axes.set_ylim(0, top * 1.25 + 0.5)
        _layout(figure, labels.scope)
        return _png(figure)


CHARTS: tuple[tuple[str, Callable[[Figures, ChartLabels], bytes]], ...] = (
    ("stages", stages_chart),
    ("health", health_chart),
    ("steps", steps_chart),
)
"""Each chart's file name and renderer, in the order they are sent."""


def render_charts(figures: Figures, labels: ChartLabels) -> list[tuple[str, bytes]]:
    """Every chart as (file name, PNG bytes), in order."""
    return [(f"{name}.png", draw(figures, labels)) for name, draw in CHARTS]
