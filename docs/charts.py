"""Draw the /stats charts of a demo-like program into docs/img/ (the README's screenshots).

    PYTHONPATH=. python docs/charts.py            # English, docs/img/stats-*.png
    PYTHONPATH=. python docs/charts.py --language it

The figures are those of a made-up, seeded "College First Year" over 90 days (a cohort that
grows, pairs that mostly do well, a few that go quiet), drawn by the same code and with the same
labels as the bot's /stats (`bot.handlers.staff.figures.labels`, `bot.services.stats_chart`).
Run it again after changing the charts, and commit the PNGs.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.core.programs import load_programs
from bot.handlers.staff.figures import labels
from bot.i18n import Catalogs
from bot.services.stats import Figures, Period, Stage, time_bins
from bot.services.stats_chart import CHARTS

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def demo_figures(seed: int = 2026) -> Figures:
    """Ninety days of a demo-like program: weekly bins, the same each run."""
    rng = random.Random(seed)
    bins, end = time_bins(Period.DAYS_90, NOW, NOW)
    health, delivered, answered = [], [], []
    pairs = 4
    for week in range(len(bins)):
        pairs += rng.choice((0, 1, 1, 2))
        at_risk = rng.choice((0, 0, 1, 1, 2)) if week > 3 else 0
        check_in = rng.choice((0, 1, 1, 2, 3)) if week > 1 else 0
        health.append((pairs - at_risk - check_in, check_in, at_risk))
        sent = pairs - rng.choice((0, 0, 1))
        delivered.append(sent)
        answered.append(max(0, sent - rng.choice((1, 2, 2, 3, 4))))
    stages = {
        Stage.SIGNING_UP: 6,
        Stage.IN_TRAINING: 4,
        Stage.WAITING_APPROVAL: 3,
        Stage.READY: 5,
        Stage.WAITING_MENTOR: 7,
        Stage.PAIRED: 2 * pairs,
        Stage.STOPPED: 2,
    }
    return Figures(
        period=Period.DAYS_90,
        start=bins[0],
        end=end,
        stages=tuple((s, stages[s]) for s in Stage),
        bins=tuple(bins),
        health=tuple(health),
        delivered=tuple(delivered),
        answered=tuple(answered),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    options = parser.parse_args()
    t = Catalogs("en").translator(options.language)
    program = load_programs(ROOT / "curricula").get("college")
    assert program is not None
    figures = demo_figures()
    texts = labels(figures, program.name.get(t.language), t)
    options.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if options.language == "en" else f"-{options.language}"
    for name, draw in CHARTS:
        path = options.out / f"stats-{name}{suffix}.png"
        path.write_bytes(draw(figures, texts))
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
