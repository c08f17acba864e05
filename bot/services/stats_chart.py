"""The /stats chart: four panels drawn with matplotlib's Agg backend into PNG bytes.

Rendering takes tens of milliseconds of CPU: callers run `render_chart` in a worker thread
(`asyncio.to_thread`), never on the event loop. Labels come in already translated. matplotlib is
imported by the first chart, not with this module: every bot process imports the staff flows at
start-up, and most never draw a chart.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from bot.services.stats import Stats

COLOURS = ("#2e7d32", "#f9a825", "#c62828")


@dataclass(frozen=True)
class ChartLabels:
    """Every text on the chart, in the reader's language."""

    title: str
    funnel: str
    funnel_steps: tuple[str, str, str, str]
    steps: str
    health: str
    health_buckets: tuple[str, str, str]
    time_to_match: str
    days: str
    no_matches: str


def render_chart(stats: Stats, labels: ChartLabels) -> bytes:
    """The chart as PNG bytes."""
    import matplotlib  # here, not at the top: see the module's docstring

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 7), dpi=100)
    figure.suptitle(labels.title, fontsize=14)
    funnel, steps, health, waits = figure.subplots(2, 2).flatten()

    values = (stats.joined, stats.onboarded, stats.mentees, stats.mentees_matched)
    funnel.barh(list(reversed(labels.funnel_steps)), list(reversed(values)), color="#1565c0")
    funnel.set_title(labels.funnel)
    for index, value in enumerate(reversed(values)):
        funnel.text(value, index, f" {value}", va="center")

    weeks = [w.split("-")[1] for w, _ in stats.steps_per_week]
    steps.bar(weeks, [n for _, n in stats.steps_per_week], color="#6a1b9a")
    steps.set_title(labels.steps)
    steps.tick_params(axis="x", labelrotation=45)

    health.bar(list(labels.health_buckets), [n for _, n in stats.health], color=COLOURS)
    health.set_title(labels.health)

    waits.set_title(labels.time_to_match)
    if stats.days_to_match:
        waits.hist(stats.days_to_match, bins=min(10, len(stats.days_to_match)), color="#00838f")
        waits.set_xlabel(labels.days)
    else:
        waits.text(0.5, 0.5, labels.no_matches, ha="center", va="center")
        waits.set_axis_off()

    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
