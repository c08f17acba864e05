"""Texts written in every offered language (programs and curricula are data, not catalogs).

In the YAML files a text is a mapping language → text, `{en: Welcome, it: Benvenuti}`. Validated
with the offered languages in the validation context (`context={"languages": Languages}`), every
offered language is required; texts in other languages are kept but never shown. Without that
context (a model built by hand), any non-empty texts are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.core.languages import Languages

MISSING_LANGUAGES = "text_languages"  # the error type the curricula checker explains

NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def offered_in(info: ValidationInfo) -> Languages | None:
    """The offered languages passed in the validation context, if any."""
    context = info.context
    found = context.get("languages") if isinstance(context, Mapping) else None
    return found if isinstance(found, Languages) else None


class Text(RootModel[Annotated[dict[str, NonEmpty], Field(min_length=1)]]):
    """A user-facing text in every offered language (the default language first)."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _every_offered_language(cls, value: Any, info: ValidationInfo) -> Any:
        languages = offered_in(info)
        if languages is None or not isinstance(value, Mapping):
            return value
        missing = [code for code in languages if code not in value]
        if missing:
            raise PydanticCustomError(
                MISSING_LANGUAGES,
                "missing the text in {missing}",
                {"missing": ", ".join(missing)},
            )
        order = [languages.default, *languages, *value]
        return {code: value[code] for code in dict.fromkeys(order)}

    def get(self, language: str) -> str:
        """The text in `language`, else in the default language (the first one)."""
        return self.root.get(language) or next(iter(self.root.values()), "")

    def __getitem__(self, language: str) -> str:
        return self.root[language]

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self.root)

    def __hash__(self) -> int:
        return hash(tuple(self.root.items()))
