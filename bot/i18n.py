"""Translations: gettext catalogs (`bot/locales/<lang>/LC_MESSAGES/messages.po`) read with Babel.

The `.po` files are the source of truth and are compiled in memory at start-up, so there is no
build step and no stale `.mo` file. English is the source language (msgids are English text).
Placeholders use `{name}`; their values are HTML-escaped because every message is sent as HTML.
"""

from __future__ import annotations

import gettext
import html
import io
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.core.languages import SOURCE_LANGUAGE, Language, Languages

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a message for translation where no translator is at hand yet (translated later)."""
    return message


class Html(str):
    """A fragment that is already safe HTML: placeholders filled with it are not escaped."""

    __slots__ = ()


def _fill(template: str, values: Mapping[str, object]) -> str:
    safe = {
        k: v if isinstance(v, Html) else html.escape(str(v), quote=False)
        for k, v in values.items()
    }
    return template.format(**safe)


class Translator:
    """Translates for one language; `_` is the gettext marker that Babel extracts."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self._catalog = catalog

    def _(self, message: str, **values: object) -> str:
        """Translate `message` and fill its `{placeholders}` (escaped for HTML)."""
        return _fill(self._catalog.gettext(message), values)

    def n_(self, singular: str, plural: str, n: int, **values: object) -> str:
        """Translate with a plural form chosen by `n` (available as `{n}`)."""
        return _fill(self._catalog.ngettext(singular, plural, n), {"n": n, **values})


def _compile(po_path: Path, language: Language) -> gettext.GNUTranslations:
    with po_path.open("rb") as source:
        try:
            catalog = read_po(source, locale=language.code)
        except (UnknownLocaleError, ValueError):  # a pseudo-language: the file's own header
            source.seek(0)
            catalog = read_po(source)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def catalogued(locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The source language and every language with a catalog in `locales_dir`."""
    found = sorted(po.parent.parent.name for po in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(dict.fromkeys((SOURCE_LANGUAGE, *found)))


class Catalogs:
    """The translations of the offered languages (`bot.core.languages`): a language's
    `bot/locales/<code>` catalog when there is one, else the source text (English msgids).
    Without a registry, the languages offered are those with a catalog."""

    def __init__(
        self,
        default: str | None = None,
        locales_dir: Path = LOCALES_DIR,
        *,
        languages: Languages | None = None,
    ) -> None:
        self.registry = languages or Languages.offered(catalogued(locales_dir), default=default)
        self.default = self.registry.default
        self._catalogs: dict[str, gettext.NullTranslations] = {}
        for code in self.registry:
            po = locales_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"
            has_catalog = code != SOURCE_LANGUAGE and po.is_file()
            language = self.registry[code]
            self._catalogs[code] = (
                _compile(po, language) if has_catalog else gettext.NullTranslations()
            )

    @property
    def languages(self) -> tuple[str, ...]:
        """The offered language codes, in the configured order."""
        return self.registry.codes

    def pick(self, language_code: str | None) -> str:
        """The best language for Telegram's `language_code` ("it-IT" → "it"), else the default."""
        return self.registry.pick(language_code)

    def translator(self, language: str) -> Translator:
        """A translator for `language` (falls back to the default language)."""
        code = language if language in self._catalogs else self.default
        return Translator(code, self._catalogs[code])


def date_in_words(day: date, language: str) -> str:
    """A date as people say it in `language` ("14 May 2010", "14 maggio 2010")."""
    try:
        return format_date(day, "d MMMM y", locale=language)
    except (UnknownLocaleError, ValueError):
        return day.isoformat()
