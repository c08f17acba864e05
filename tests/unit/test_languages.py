"""The registry of offered languages: built from configuration, named and pluralised by Babel."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings
from bot.core.languages import LanguageError, Languages
from bot.i18n import Catalogs


def test_babel_names_each_language_in_itself_and_gives_its_plural_rule() -> None:
    languages = Languages.offered(["en", "it", "es"])
    assert languages.codes == ("en", "it", "es")
    assert [languages.name(code) for code in languages] == ["English", "Italiano", "Español"]
    assert languages["es"].english_name == "Spanish"
    assert languages["en"].plural_forms == "nplurals=2; plural=(n != 1);"
    assert languages["it"].plural_forms.startswith("nplurals=3;")  # CLDR: one, many, other
    assert languages.default == "en"


def test_arabic_has_six_plural_forms() -> None:
    assert Languages.offered(["ar"])["ar"].plural_forms.startswith("nplurals=6;")


def test_an_invented_code_needs_a_configured_name() -> None:
    with pytest.raises(LanguageError, match=r"'xx' is not a language Babel knows.*xx=Its name"):
        Languages.offered(["en", "xx"])
    languages = Languages.offered(["en", "xx"], {"xx": "Pseudo"})
    assert languages.name("xx") == "Pseudo"
    assert languages["xx"].plural_forms == "nplurals=2; plural=(n != 1);"


def test_a_configured_name_overrides_babel() -> None:
    assert Languages.offered(["it"], {"it": "Italiano (IT)"}).name("it") == "Italiano (IT)"


def test_pick_follows_telegram_language_codes() -> None:
    languages = Languages.offered(["en", "it", "xx"], {"xx": "Pseudo"}, default="it")
    assert languages.pick("it-IT") == "it"
    assert languages.pick("xx") == "xx"
    assert languages.pick("fr") == "it"
    assert languages.pick(None) == "it"


def test_the_default_must_be_offered() -> None:
    with pytest.raises(LanguageError, match="default language 'fr' is not offered"):
        Languages.offered(["en", "it"], default="fr")
    with pytest.raises(LanguageError, match="no language is offered"):
        Languages.offered([])


def test_settings_read_languages_and_names_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGUAGES", "en, it,xx")
    monkeypatch.setenv("LANGUAGE_NAMES", "xx=Pseudo")
    settings = load_settings()
    assert settings.languages == ("en", "it", "xx")
    assert settings.offered_languages().name("xx") == "Pseudo"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"LANGUAGES": "en,xx"}, "LANGUAGES"),
        ({"LANGUAGES": "it"}, "DEFAULT_LANGUAGE"),
        ({"LANGUAGE_NAMES": "xx"}, "LANGUAGE_NAMES"),
    ],
)
def test_bad_language_settings_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], setting: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"setting {setting} is invalid"):
        load_settings()


def test_catalogs_offer_the_configured_languages() -> None:
    catalogs = Catalogs(languages=Languages.offered(["en", "xx"], {"xx": "Pseudo"}))
    assert catalogs.languages == ("en", "xx")
    assert catalogs.translator("xx").language == "xx"
    assert catalogs.translator("xx")._("Hello") == "Hello"  # no catalog: the source text
    assert catalogs.translator("it").language == "en"  # not offered: the default


def test_without_a_registry_the_catalogued_languages_are_offered() -> None:
    assert Catalogs().languages == ("en", "it")
    assert Catalogs("it").default == "it"
