"""Programs as data: each YAML file under `<CURRICULA_DIR>/programs/` is one program a nonprofit
runs (its name, who it is for, and the profile questions asked at onboarding).

Adding a domain (addiction recovery, job seeking...) means adding a file, not code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.curricula import Curriculum, CurriculumKind, Resource
from bot.core.languages import Languages
from bot.core.localized import Text
from bot.core.parsing.durations import parse_cadence
from bot.i18n import catalogued

M = TypeVar("M", bound=BaseModel)

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{1,30}$")]
OptionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,24}$")]


class Option(BaseModel):
    """One answer a person can tick."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: OptionId
    label: Text


class ChoiceQuestion(BaseModel):
    """A multiple-choice profile question, worded for each role."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    mentee: Text
    mentor: Text
    options: tuple[Option, ...] = Field(min_length=1, max_length=24)
    min_choices: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _unique(self) -> ChoiceQuestion:
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError("option ids must be unique")
        return self

    def option(self, option_id: str) -> Option | None:
        """The option with this id, if any."""
        return next((o for o in self.options if o.id == option_id), None)


class Profile(BaseModel):
    """The program's onboarding questions."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    goals: ChoiceQuestion
    interests: ChoiceQuestion
    experiences: ChoiceQuestion
    languages: ChoiceQuestion


class LatePolicy(StrEnum):
    """What happens to a step that comes due long after its time (e.g. the bot was down)."""

    SEND = "send"  # send it anyway
    SKIP = "skip"  # skip it and tell the pair


class QuietHours(BaseModel):
    """Local hours in which nothing is sent (start inclusive, end exclusive; may wrap midnight)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    start: int = Field(ge=0, le=23)
    end: int = Field(ge=0, le=23)

    def contains(self, hour: int) -> bool:
        """True when a local hour falls inside the quiet hours."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end


class Schedule(BaseModel):
    """How the program's curricula are delivered to pairs."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    curricula: tuple[str, ...] = Field(min_length=1)
    late_policy: LatePolicy = LatePolicy.SEND
    late_after: timedelta = timedelta(days=2)
    nudge_after: timedelta | None = timedelta(days=7)
    quiet_hours: QuietHours | None = QuietHours(start=21, end=8)

    @field_validator("late_after", "nudge_after", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_cadence(str(value)) if isinstance(value, str | int) else value


class Training(BaseModel):
    """The volunteer training a mentor must pass before staff can approve them."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    curriculum: str
    pass_mark: int = Field(default=80, ge=1, le=100, description="percent of right answers")


class HealthThresholds(BaseModel):
    """Where a pair's health bucket changes (the rule is in `bot.core.health`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    at_risk_rating: int = Field(default=2, ge=1, le=5, description="a latest rating <= this")
    check_in_rating: int = Field(default=3, ge=1, le=5, description="a latest rating <= this")
    unrated_after: timedelta | None = Field(
        default=timedelta(days=28), description="no rating at all for this long (2 check-ins)"
    )
    quiet_check_in: timedelta = Field(default=timedelta(days=14), description="no messages")
    quiet_at_risk: timedelta = Field(default=timedelta(days=28), description="no messages")

    @field_validator("unrated_after", "quiet_check_in", "quiet_at_risk", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_cadence(str(value)) if isinstance(value, str | int) else value

    @model_validator(mode="after")
    def _ordered(self) -> HealthThresholds:
        if self.at_risk_rating > self.check_in_rating:
            raise ValueError("at_risk_rating must not be above check_in_rating")
        if self.quiet_at_risk < self.quiet_check_in:
            raise ValueError("quiet_at_risk must not be shorter than quiet_check_in")
        return self


class Safety(BaseModel):
    """Safeguarding settings: what a person in crisis is told, how long contact details are
    watched for after a match, and how often pairs are asked how their mentorship is going."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    crisis_resources: Text | None = None
    early_match_days: int = Field(default=14, ge=0, le=365)
    checkin_every: timedelta | None = timedelta(days=14)
    health: HealthThresholds = HealthThresholds()

    @field_validator("checkin_every", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_cadence(str(value)) if isinstance(value, str | int) else value

    @model_validator(mode="after")
    def _answerable(self) -> Safety:
        unrated = self.health.unrated_after
        if self.checkin_every and unrated is not None and unrated < self.checkin_every:
            raise ValueError("health.unrated_after must not be shorter than checkin_every")
        return self


class Program(BaseModel):
    """A mentorship program."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: Code
    name: Text
    summary: Text
    organisation: Code = Field(
        default="main", description="the organisation whose staff run this program"
    )
    mentor_approval: bool = True
    max_mentees_per_mentor: int = Field(default=3, ge=1, le=20)
    youth_services: Text
    profile: Profile
    schedule: Schedule
    training: Training | None = None
    resources: tuple[Resource, ...] = ()
    safety: Safety = Safety()


class ProgramError(Exception):
    """A program file is invalid; the message names the file and the problem."""


class ProgramCatalog:
    """The programs the bot runs, by code, in a stable order, with the curricula they use."""

    def __init__(self, programs: list[Program], curricula: list[Curriculum] | None = None) -> None:
        self._by_code = {p.code: p for p in programs}
        if len(self._by_code) != len(programs):
            raise ProgramError("two program files use the same code")
        self.curricula = {c.id: c for c in curricula or []}
        for program in programs:
            for ref, kind in self._references(program):
                found = self.curricula.get(ref)
                if found is None or found.kind is not kind:
                    raise ProgramError(
                        f"program {program.code} refers to a {kind.value} "
                        f"curriculum {ref!r} that does not exist"
                    )

    @staticmethod
    def _references(program: Program) -> list[tuple[str, CurriculumKind]]:
        refs = [(c, CurriculumKind.PAIR) for c in program.schedule.curricula]
        if program.training:
            refs.append((program.training.curriculum, CurriculumKind.TRAINING))
        return refs

    def pair_curricula(self, program: Program) -> list[Curriculum]:
        """The curricula a pair of this program goes through, in order."""
        return [self.curricula[c] for c in program.schedule.curricula]

    def training_of(self, program: Program) -> Curriculum | None:
        """The program's volunteer training, if it has one."""
        return self.curricula[program.training.curriculum] if program.training else None

    def get(self, code: str | None) -> Program | None:
        """The program with this code (case-insensitive), if any."""
        return self._by_code.get((code or "").strip().lower())

    def __iter__(self) -> Iterator[Program]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)


def _load(path: Path, model: type[M], languages: Languages) -> M:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(raw, context={"folder": path.parent, "languages": languages})
    except yaml.YAMLError as exc:
        raise ProgramError(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ProgramError(
            f"{path}: {where}: {err['msg']} (run `mentorbot curricula check` "
            "for every problem with line numbers)"
        ) from None


def curriculum_files(curricula_dir: Path) -> list[Path]:
    """Every curriculum file: `<CURRICULA_DIR>/<name>/curriculum.yaml`."""
    return sorted(curricula_dir.glob("*/curriculum.yaml"))


def load_programs(curricula_dir: Path, languages: Languages | None = None) -> ProgramCatalog:
    """Load and validate every program and curriculum, each text in every offered language
    (`languages`; by default those with a catalog); raise ProgramError naming a bad file."""
    languages = languages or Languages.offered(catalogued())
    folder = curricula_dir / "programs"
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ProgramError(f"no program files found in {folder}")
    programs = [_load(path, Program, languages) for path in files]
    curricula = []
    for path in curriculum_files(curricula_dir):
        curriculum = _load(path, Curriculum, languages)
        curricula.append(curriculum.model_copy(update={"folder": path.parent}))
        for step in curriculum.steps:
            for resource in step.resources:
                if resource.file and not (path.parent / resource.file).is_file():
                    raise ProgramError(
                        f"{path}: step {step.id}: file {resource.file} is "
                        "missing from the curriculum's folder"
                    )
    return ProgramCatalog(programs, curricula)
