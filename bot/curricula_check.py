"""`mentorbot curricula check`: every problem in the program and curriculum files, each as
`file:line: where: what to fix`, in plain words for the people who write them.

It validates each file with the same models the bot loads them with (`bot.core.programs`,
`bot.core.curricula`), maps every error to the line of the YAML node it is about, and adds the
checks that span files: curricula referenced by programs, unique program codes and curriculum
ids, and documents (`file:` resources) present in each curriculum's folder.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import Node

from bot.config import SettingsError, load_settings
from bot.core.curricula import Curriculum
from bot.core.languages import Languages
from bot.core.localized import MISSING_LANGUAGES, Text
from bot.core.programs import Program, curriculum_files
from bot.yaml_lines import (
    Loc,
    compose,
    describe,
    duplicate_keys,
    line_of,
    model_at,
    syntax_error,
    value_at,
    where,
)

KINDS = ("pair", "training")
NAME = "curriculum.yaml"
_A_LIST = "should be a list (one '- ' line per item), not {value}"
_A_NUMBER = "should be a whole number like 3, not {value}"
_PLAIN = {  # pydantic error type -> plain words (formatted with the error's ctx)
    "model_type": "should be a group of 'name: value' lines, not {value}",
    "dict_type": "should be a group of 'name: value' lines, not {value}",
    "tuple_type": _A_LIST,
    "list_type": _A_LIST,
    "int_type": _A_NUMBER,
    "int_parsing": _A_NUMBER,
    "int_from_float": _A_NUMBER,
    "bool_type": "should be true or false, not {value}",
    "bool_parsing": "should be true or false, not {value}",
    "enum": "{value} is not allowed here: use {expected}",
    "too_short": "needs at least {min_length} {items}",
    "too_long": "can have at most {max_length} {items}",
    "greater_than_equal": "must be {ge} or more, not {value}",
    "less_than_equal": "must be {le} or less, not {value}",
}
_SAY = {  # the models' own rules, and the checks that span files, in plain words
    "cadence": "a pair curriculum needs a cadence (how often a step comes): add 'cadence: 7d'",
    "mentee": "a pair step needs the mentee's message — add 'mentee: {example}'",
    "quiz": "a training module needs a quiz — add 'quiz:' with at least one question",
    "no quiz": "only training modules have a quiz — remove it, or set 'kind: training'",
    "both": "this resource has both url: and file: — keep only one",
    "neither": "this resource needs a web link (url: https://...) or a document in the "
    "curriculum's folder (file: guide.pdf)",
    "outside": "{value} is outside the curriculum's folder: write the name of a file inside "
    "the folder, like guide.pdf",
    "no programs": "no program files found — add one program file (name.yaml) in this folder",
}


@dataclass(frozen=True)
class Problem:
    """One thing to fix; `line` is 1-based (0 when the problem is about a whole folder)."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        line = f":{self.line}" if self.line else ""
        return f"{self.file}{line}: {self.message}"


@dataclass
class _File:
    """One checked file: what it is, its data and node tree (None when unreadable)."""

    path: Path
    model: type[BaseModel]
    languages: Languages
    data: Any = None
    root: Node | None = None
    problems: list[Problem] = field(default_factory=list)

    def add(self, loc: Loc, text: str, line_loc: Loc | None = None, line: int = 0) -> None:
        path = where(loc)
        line = line or line_of(self.root, loc if line_loc is None else line_loc)
        self.problems.append(Problem(self.path, line, f"{path}: {text}" if path else text))

    def at(self, loc: Loc) -> Any:
        return value_at(self.data, loc)


def _pattern_hint(value: Any, loc: Loc, pattern: str) -> str:
    if loc and loc[-1] == "url":
        return f"{describe(value)} is not a web link: it must start with http:// or https://"
    chars = "lowercase letters, digits" + (", '-' or '_'" if "_-" in pattern else " or '_'")
    return f"{describe(value)} is not a valid id: use only {chars} (no spaces or capitals)"


def _example(languages: Languages) -> str:
    """A text in every offered language, as written in the files: {en: ..., it: ...}."""
    return "{" + ", ".join(f"{code}: ..." for code in languages) + "}"


def _english_name(languages: Languages, code: str) -> str | None:
    return languages[code].english_name if code in languages else None


def _missing_texts(file: _File, loc: Loc) -> None:
    """One problem per offered language a text lacks, at the text's line."""
    raw = file.at(loc)
    for code in (c for c in file.languages if not isinstance(raw, dict) or c not in raw):
        name = _english_name(file.languages, code)
        text = f"missing {name} text ({code}) — add an '{code}:' translation"
        file.add(loc, text, (*loc, code))


def _explain(file: _File, err: ErrorDetails) -> None:
    """Turn one pydantic error into a plain-words problem on the right line."""
    loc, kind, ctx, value = tuple(err["loc"]), err["type"], err.get("ctx", {}), err["input"]
    last = loc[-1] if loc else ""
    parent = model_at(file.model, loc[:-1])
    language = _english_name(file.languages, str(last)) if parent is Text else None
    model = model_at(file.model, loc)
    if kind == MISSING_LANGUAGES:
        _missing_texts(file, loc)
    elif kind == "missing":
        file.add(loc[:-1], f"missing required field '{last}' — add a '{last}:' line", loc)
    elif kind == "extra_forbidden":
        allowed = [n for n, f in (parent.model_fields if parent else {}).items() if not f.exclude]
        close = difflib.get_close_matches(str(last), allowed, n=1)
        guess = f" (did you mean '{close[0]}'?)" if close else ""
        text = f"unknown field '{last}'{guess} — check the spelling"
        file.add(loc[:-1], text + (f"; allowed: {', '.join(allowed)}" if allowed else ""), loc)
    elif value is None and kind.endswith("_type"):
        file.add(loc, "is empty — write a value after the ':'")
    elif language and kind == "string_too_short":
        file.add(loc, f"the {language} text ({last}) is empty — write it")
    elif model is Text and kind == "dict_type":
        names = " and ".join(file.languages[code].english_name for code in file.languages)
        file.add(loc, f"needs a text in {names}, like {_example(file.languages)}")
    elif kind == "string_type":
        why = "YAML reads yes/no/on/off as true/false" if isinstance(value, bool) else "text"
        file.add(loc, f"should be text, not {describe(value)} — put it in quotes ({why})")
    elif kind == "string_pattern_mismatch":
        file.add(loc, _pattern_hint(value, loc, str(ctx.get("pattern", ""))))
    elif kind in _PLAIN:
        size = ctx.get("min_length", ctx.get("max_length"))
        items = "item" if size == 1 else "items"
        file.add(loc, _PLAIN[kind].format(value=describe(value), items=items, **ctx))
    elif kind == "value_error":
        _explain_value_error(file, loc, str(err["msg"]).removeprefix("Value error, "))
    else:
        file.add(loc, str(err["msg"]))


def _explain_value_error(file: _File, loc: Loc, msg: str) -> None:
    """The models' own checks (validators), reworded with what to fix."""
    raw = file.at(loc)
    raw = raw if isinstance(raw, dict) else {}
    if msg.startswith("answer "):
        ids = [o.get("id") for o in raw.get("options", []) if isinstance(o, dict)]
        text = f"answer {describe(raw.get('answer'))} is not one of this question's options"
        file.add((*loc, "answer"), f"{text} ({', '.join(map(str, ids))}) — use one of their ids")
    elif msg.startswith("a resource needs"):
        file.add(loc, _SAY["both" if raw.get("url") and raw.get("file") else "neither"])
    elif msg.startswith("file must be"):
        file.add((*loc, "file"), _SAY["outside"].format(value=describe(raw.get("file"))))
    elif msg == "option ids must be unique":
        _duplicates(file, (*loc, "options"), "option")
    else:
        file.add(loc, msg)


def _duplicates(file: _File, loc: Loc, what: str) -> None:
    """Report each repeated `id` in the list at `loc`, at the line of the repeat."""
    seen: dict[str, int] = {}
    items = file.at(loc)
    for index, item in enumerate(items if isinstance(items, list) else []):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            text = f"{what} id '{ident}' is used twice (also on line {seen[ident]})"
            file.add((*loc, index, "id"), f"{text} — {what} ids must be unique")
        seen.setdefault(ident, line_of(file.root, (*loc, index, "id")))


def _curriculum_rules(file: _File) -> None:
    """The curriculum-wide rules, checked on the raw data so that all of them are reported
    even when other errors are present (the model stops at the first one)."""
    _duplicates(file, ("steps",), "step")
    kind = file.at(("kind",)) or "pair"
    if kind not in KINDS:
        return
    if kind == "pair" and file.at(("cadence",)) is None:
        file.add(("cadence",), _SAY["cadence"])
    steps = file.at(("steps",))
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            continue
        if kind == "pair" and step.get("mentee") is None:
            file.add(("steps", index), _SAY["mentee"].format(example=_example(file.languages)))
        if kind == "training" and not step.get("quiz"):
            file.add(("steps", index), _SAY["quiz"])
        if kind == "pair" and step.get("quiz"):
            file.add(("steps", index, "quiz"), _SAY["no quiz"])


def _documents(file: _File) -> None:
    """Every `file:` resource of a curriculum must exist in the curriculum's folder."""
    steps = file.at(("steps",))
    for s, step in enumerate(steps if isinstance(steps, list) else []):
        resources = value_at(step, ("resources",))
        for r, resource in enumerate(resources if isinstance(resources, list) else []):
            name = value_at(resource, ("file",))
            if not isinstance(name, str) or Path(name).is_absolute() or ".." in name:
                continue
            if not (file.path.parent / name).is_file():
                text = f"document '{name}' is missing: put it in {file.path.parent}"
                file.add(("steps", s, "resources", r, "file"), f"{text} or fix the file name")


def _check_file(path: Path, languages: Languages, model: type[BaseModel] | None = None) -> _File:
    """Read, parse and validate one file; `model` None decides by location and content."""
    file = _File(path, model or Program, languages)
    try:
        text = path.read_text(encoding="utf-8")
        file.root = compose(text)
        file.data = yaml.safe_load(text)
    except UnicodeDecodeError:
        file.problems.append(Problem(path, 1, "not UTF-8 text — save the file as UTF-8"))
        return file
    except OSError as exc:
        file.problems.append(Problem(path, 0, f"cannot be read: {exc.strerror}"))
        return file
    except yaml.YAMLError as exc:
        file.problems.append(Problem(path, *syntax_error(exc)))
        file.data = file.root = None
        return file
    has_steps = isinstance(file.data, dict) and "steps" in file.data
    if model is None and path.parent.name != "programs" and (has_steps or path.name == NAME):
        file.model = Curriculum
    for loc, line, first in duplicate_keys(file.root):
        text = f"written twice (also on line {first}) — YAML keeps only the last one"
        file.add(loc, text, line=line)
    if file.data is None:
        file.problems.append(Problem(path, 1, "the file is empty"))
        return file
    try:
        context = {"folder": path.parent, "languages": languages}
        file.model.model_validate(file.data, context=context)
    except ValidationError as exc:
        errors = exc.errors()
        for err in errors:
            loc = tuple(err["loc"])
            if file.model is Curriculum and not loc and err["type"] == "value_error":
                continue  # the curriculum-wide rules: reported by _curriculum_rules
            if err["type"] == "too_short" and any(
                len(o["loc"]) > len(loc) and tuple(o["loc"][: len(loc)]) == loc for o in errors
            ):
                continue  # "0 items after validation": only because its items have errors
            _explain(file, err)
    if file.model is Curriculum:
        _curriculum_rules(file)
        _documents(file)
    return file


def _cross_check(programs: list[_File], curricula: list[_File]) -> None:
    """Unique program codes and curriculum ids, and every referenced curriculum exists."""
    kinds: dict[str, str | None] = {}
    for files, key, what in (
        (programs, "code", "program code"),
        (curricula, "id", "curriculum id"),
    ):
        seen: dict[str, _File] = {}
        for file in files:
            value = file.at((key,))
            if not isinstance(value, str):
                if files is curricula:  # no readable id: assume the folder's name, any kind
                    kinds.setdefault(file.path.parent.name, None)
                continue
            if value in seen:
                other = f"{seen[value].path} (line {line_of(seen[value].root, (key,))})"
                file.add((key,), f"{what} '{value}' is also used in {other} — use another one")
            seen.setdefault(value, file)
            if files is curricula:
                kind = file.at(("kind",)) or "pair"
                kinds[value] = kind if kind in KINDS else None
    for file in programs:
        refs = file.at(("schedule", "curricula"))
        wanted: list[tuple[Loc, str]] = (
            [(("schedule", "curricula", i), "pair") for i in range(len(refs))]
            if isinstance(refs, list)
            else []
        )
        if isinstance(file.at(("training",)), dict):
            wanted.append((("training", "curriculum"), "training"))
        for loc, kind in wanted:
            ref = file.at(loc)
            if not isinstance(ref, str):
                continue
            if ref not in kinds:
                known = ", ".join(sorted(k for k, v in kinds.items() if v == kind))
                text = f"there is no curriculum with id '{ref}' — check the spelling, or add "
                text += str(file.path.parent.parent / ref / NAME)
                file.add(loc, text + (f" (the {kind} curricula are: {known})" if known else ""))
            elif kinds[ref] not in (None, kind):
                text = f"curriculum '{ref}' is a {kinds[ref]} curriculum, but here a {kind} one"
                file.add(loc, f"{text} is needed ('kind: {kind}' in its file)")


def _check(paths: Sequence[Path], languages: Languages) -> tuple[list[Problem], int, int]:
    """The problems, and how many program and curriculum files were checked."""
    problems: list[Problem] = []
    counts = [0, 0]
    for path in paths:
        files: list[_File] = []
        if path.is_dir() and not (path / "programs").is_dir() and (path / NAME).is_file():
            path = path / NAME  # one curriculum's folder
        if path.is_dir():
            program_files = sorted(path.glob("programs/*.yaml"))
            programs = [_check_file(p, languages, Program) for p in program_files]
            curricula = [_check_file(p, languages, Curriculum) for p in curriculum_files(path)]
            if not programs:
                problems.append(Problem(path / "programs", 0, _SAY["no programs"]))
            _cross_check(programs, curricula)
            files = programs + curricula
        elif path.is_file():
            files = [_check_file(path, languages)]
        else:
            problems.append(Problem(path, 0, "no such file or folder"))
        for file in files:
            counts[file.model is Curriculum] += 1
            unique = dict.fromkeys(file.problems)  # drop repeats, keep order
            problems.extend(sorted(unique, key=lambda p: p.line))
    return problems, counts[0], counts[1]


def check_paths(paths: Sequence[Path], languages: Languages | None = None) -> list[Problem]:
    """Every problem in these curricula folders or single program/curriculum files, each text
    checked against the offered languages (by default those the settings offer)."""
    offered = languages or load_settings().offered_languages()
    return _check([Path(p) for p in paths], offered)[0]


def main(paths: Sequence[str]) -> int:
    """Print every problem, one per line (or an OK line); 1 when there are problems."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    if paths:
        targets = [Path(p) for p in paths]
    else:
        folder = settings.curricula_dir
        targets = [folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder]
    problems, programs, curricula = _check(targets, settings.offered_languages())
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    if not problems:
        sys.stdout.write(f"OK: {programs} programs, {curricula} curricula checked\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
