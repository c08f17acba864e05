"""Crisis words: the lists each program's relayed texts are checked against, and the crisis
report staff are alerted with (one per writer and pair while it stays open for a day: later
crisis words add to it rather than opening another)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from bot.core.models import Pair, Person, Report, ReportStatus
from bot.core.ports import UnitOfWork
from bot.core.programs import ProgramCatalog
from bot.core.safety import CrisisWords

BUNDLED_SAFETY_FOLDER = Path(__file__).resolve().parents[2] / "curricula" / "safety"
CRISIS = "crisis"  # the reason of a crisis report
CRISIS_REPORT_KEPT_OPEN_FOR = timedelta(hours=24)  # later crisis words add to the same report


def safety_folder(catalog: ProgramCatalog) -> Path:
    """`<curricula dir>/safety` of the loaded curricula when it has the English crisis list,
    else the lists shipped with mentorbot (a test or demo folder may have none)."""
    for curriculum in catalog.curricula.values():
        if curriculum.folder is not None:
            folder = curriculum.folder.parent / "safety"
            if (folder / "crisis_words.en.txt").is_file():
                return folder
    return BUNDLED_SAFETY_FOLDER


class CrisisLists:
    """Each program's crisis words (the base lists plus the program's own), loaded once."""

    def __init__(self, folder: Path, programs: Iterable[str]) -> None:
        self.base = CrisisWords.load(folder)
        self.by_program = {code: CrisisWords.load(folder, code) for code in programs}

    def of(self, program: str) -> CrisisWords:
        """The lists that apply to a program's pairs."""
        return self.by_program.get(program, self.base)


async def crisis_report(
    uow: UnitOfWork, writer: Person, pair: Pair, phrases: str, now: datetime
) -> Report:
    """The writer's open crisis report about this pair from the last
    `CRISIS_REPORT_KEPT_OPEN_FOR` (later crisis words add to it), else a new one."""
    stored = next(
        (
            r
            for r in await uow.safety.open_reports()
            if r.reason == CRISIS
            and r.reporter_id == writer.id
            and r.pair_id == pair.id
            and r.status is ReportStatus.OPEN
            and now - r.created_at < CRISIS_REPORT_KEPT_OPEN_FOR
        ),
        None,
    )
    if stored is None:
        stored = await uow.safety.add_report(
            Report(
                reporter_id=writer.id,
                pair_id=pair.id,
                reason=CRISIS,
                text=phrases,
                priority=True,
                created_at=now,
            )
        )
    return stored
