"""Languages as data: the languages a deployment offers, built from configuration.

The operator lists the offered codes (the `LANGUAGES` setting, e.g. `en,it`); everything that
names languages reads this registry: onboarding's and /language's buttons, the command menus,
the curriculum schema (a text in every offered language) and the curricula checker. A language's
names come from CLDR through Babel, and so does `plural_forms`, the rule a new catalog of the
language is created with (`pybabel init` writes it in the catalog's `Plural-Forms` header, and a
catalog's translations follow its own header). A code Babel does not know (a pseudo-language
such as `xx`, used to test translations) is offered when configuration names it
(`LANGUAGE_NAMES=xx=Pseudo`) and gets the source language's plural rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from babel.core import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

SOURCE_LANGUAGE = "en"  # the language of the code's strings (gettext msgids): always readable
_SOURCE_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


class LanguageError(ValueError):
    """A language that cannot be offered; the message says what to configure."""


@dataclass(frozen=True)
class Language:
    """One offered language: its code, its name in itself (for buttons), its name in the source
    language (for the people who write curricula) and its gettext plural rule."""

    code: str
    native_name: str
    english_name: str
    plural_forms: str


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def language(code: str, name: str | None = None) -> Language:
    """The language `code`, named by Babel/CLDR unless `name` is given; LanguageError for a code
    Babel does not know and configuration does not name."""
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        if not name:
            raise LanguageError(
                f"{code!r} is not a language Babel knows: give it a name in "
                f"LANGUAGE_NAMES ({code}=Its name)"
            ) from None
        return Language(code, name, name, _SOURCE_PLURAL_FORMS)
    native = name or _capitalised(locale.get_display_name(code) or code)
    english = _capitalised(locale.get_display_name(SOURCE_LANGUAGE) or code)
    plural = get_plural(locale)
    return Language(
        code, native, english, f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
    )


class Languages:
    """The offered languages, in the configured order. Iterating gives their codes."""

    def __init__(self, offered: Sequence[Language], default: str | None = None) -> None:
        if not offered:
            raise LanguageError("no language is offered: list at least one in LANGUAGES")
        by_code = {lang.code: lang for lang in offered}
        self.default = default or offered[0].code
        if self.default not in by_code:
            raise LanguageError(
                f"the default language {self.default!r} is not offered "
                f"(offered: {', '.join(by_code)})"
            )
        self._by_code = by_code

    @classmethod
    def offered(
        cls,
        codes: Sequence[str],
        names: Mapping[str, str] | None = None,
        default: str | None = None,
    ) -> Languages:
        """The registry for these codes (configuration order), named by Babel or `names`."""
        names = names or {}
        unique = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
        return cls([language(code, names.get(code)) for code in unique], default)

    @property
    def codes(self) -> tuple[str, ...]:
        """The offered codes, in the configured order."""
        return tuple(self._by_code)

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def __getitem__(self, code: str) -> Language:
        return self._by_code[code]

    def __repr__(self) -> str:
        return f"Languages({', '.join(self._by_code)}; default {self.default})"

    def name(self, code: str) -> str:
        """A language's name in that language (buttons); the code itself when not offered."""
        found = self._by_code.get(code)
        return found.native_name if found else code

    def pick(self, language_code: str | None) -> str:
        """The offered language for Telegram's `language_code` ("it-IT" → "it"), else the
        default."""
        if language_code:
            if language_code in self._by_code:
                return language_code
            base = language_code.split("-")[0].lower()
            if base in self._by_code:
                return base
        return self.default
