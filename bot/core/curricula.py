"""Curricula as data: ordered steps a pair (or a volunteer in training) is walked through.

A curriculum lives in its own folder under `<CURRICULA_DIR>/` (`curriculum.yaml`, plus any
documents it ships), is referenced by programs, and is validated by these models; `mentorbot
curricula check` turns validation errors into file:line messages.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.core.localized import Text
from bot.core.parsing.durations import parse_cadence

StepId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
CurriculumId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{1,39}$")]


class CurriculumKind(StrEnum):
    """Who goes through a curriculum."""

    PAIR = "pair"  # mentee and mentor together, on a schedule
    TRAINING = "training"  # a volunteer, at their own pace


class Resource(BaseModel):
    """A link, or a document shipped in the curriculum's folder."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    file: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Resource:
        if (self.url is None) == (self.file is None):
            raise ValueError("a resource needs exactly one of url or file")
        if self.file is not None and (Path(self.file).is_absolute() or ".." in self.file):
            raise ValueError("file must be a path inside the curriculum's folder")
        return self


class Option(BaseModel):
    """A one-tap answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,20}$")]
    label: Text


class CheckIn(BaseModel):
    """A question asked with a step: one-tap options, or free text when there are none."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    question: Text
    options: tuple[Option, ...] = Field(default=(), max_length=8)


class QuizQuestion(BaseModel):
    """One multiple-choice question of a training module's quiz."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,20}$")]
    question: Text
    options: tuple[Option, ...] = Field(min_length=2, max_length=6)
    answer: str
    explanation: Text | None = None

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> QuizQuestion:
        if self.answer not in {o.id for o in self.options}:
            raise ValueError(f"answer {self.answer!r} is not one of the option ids")
        return self


class Step(BaseModel):
    """One step (or, in a training curriculum, one module)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: StepId
    title: Text
    mentee: Text | None = None
    mentor: Text
    resources: tuple[Resource, ...] = ()
    checkin: CheckIn | None = None
    quiz: tuple[QuizQuestion, ...] = ()


class Curriculum(BaseModel):
    """A curriculum: its steps in order and how often they come."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: CurriculumId
    kind: CurriculumKind = CurriculumKind.PAIR
    title: Text
    cadence: timedelta | None = None
    steps: tuple[Step, ...] = Field(min_length=1, max_length=200)
    folder: Path | None = Field(default=None, exclude=True)

    @field_validator("cadence", mode="before")
    @classmethod
    def _cadence(cls, value: object) -> object:
        return parse_cadence(str(value)) if value is not None else None

    @model_validator(mode="after")
    def _consistent(self) -> Curriculum:
        seen: set[str] = set()
        for index, step in enumerate(self.steps):
            if step.id in seen:
                raise ValueError(f"steps.{index}.id: step id {step.id!r} is used twice")
            seen.add(step.id)
            if self.kind is CurriculumKind.PAIR and step.mentee is None:
                raise ValueError(f"steps.{index}.mentee: a pair step needs the mentee's message")
            if self.kind is CurriculumKind.TRAINING and not step.quiz:
                raise ValueError(f"steps.{index}.quiz: a training module needs a quiz")
            if self.kind is CurriculumKind.PAIR and step.quiz:
                raise ValueError(f"steps.{index}.quiz: only training modules have quizzes")
        if self.kind is CurriculumKind.PAIR and self.cadence is None:
            raise ValueError("cadence: a pair curriculum needs a cadence such as 7d")
        return self

    def step(self, step_id: str) -> Step | None:
        """The step with this id, if any."""
        return next((s for s in self.steps if s.id == step_id), None)

    def index(self, step_id: str) -> int:
        """The 0-based position of a step."""
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)
