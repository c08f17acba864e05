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


def _compile(po_path: Path) -> gettext.GNUTranslations:
    with po_path.open("rb") as source:
        catalog = read_po(source, locale=po_path.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Catalogs:
    """All languages mentorbot speaks; a language is added by adding its `.po` file."""

    def __init__(self, default: str = "en", locales_dir: Path = LOCALES_DIR) -> None:
        self.default = default
        self._catalogs: dict[str, gettext.NullTranslations] = {"en": gettext.NullTranslations()}
        for po in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            language = po.parent.parent.name
            if language != "en":
                self._catalogs[language] = _compile(po)

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes with a catalog, English first."""
        return tuple(sorted(self._catalogs, key=lambda code: (code != "en", code)))

    def pick(self, language_code: str | None) -> str:
        """The best language for Telegram's `language_code` ("it-IT" → "it"), else the default."""
        if language_code:
            base = language_code.split("-")[0].lower()
            if base in self._catalogs:
                return base
        return self.default

    def translator(self, language: str) -> Translator:
        """A translator for `language` (falls back to the default language)."""
        code = language if language in self._catalogs else self.default
        return Translator(code, self._catalogs[code])


LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "it": "Italiano"}


def language_name(code: str) -> str:
    """A language's name in that language, for buttons."""
    return LANGUAGE_NAMES.get(code, code)


def date_in_words(day: date, language: str) -> str:
    """A date as people say it in `language` ("14 May 2010", "14 maggio 2010")."""
    try:
        return format_date(day, "d MMMM y", locale=language)
    except (UnknownLocaleError, ValueError):
        return day.isoformat()
