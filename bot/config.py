"""Settings: one object, read from the environment and `.env` (all listed in `.env.example`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.languages import LanguageError, Languages
from bot.core.parsing.durations import parse_duration

REPO_ROOT = Path(__file__).resolve().parent.parent


class Transport(StrEnum):
    """Which Telegram framework drives the bot (`bot.transports.select`)."""

    AIOGRAM = "aiogram"
    PTB = "ptb"


class ClockSource(StrEnum):
    """Where the bot reads the time from."""

    SYSTEM = "system"
    SANDBOX = "sandbox"  # follow the sandbox's test clock at TELEGRAM_API_URL (demo, tests)


class Settings(BaseSettings):
    """Everything an operator can set. Names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(
        default=None, description="Token from @BotFather; required by `mentorbot run`."
    )
    telegram_api_url: AnyHttpUrl | None = Field(
        default=None,
        description="Bot API server base URL (self-hosted server or the sandbox); "
        "empty means api.telegram.org.",
    )
    database_url: str = Field(default="sqlite+aiosqlite:///./var/mentorbot.sqlite3")
    transport: Transport = Transport.AIOGRAM
    language_names: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description="Names for codes Babel does not know, e.g. xx=Pseudo (comma-separated).",
    )
    languages: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("en", "it"),
        description="The languages offered, as codes separated by commas (e.g. en,it).",
    )
    default_language: str = "en"
    superadmin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    bot_username: str | None = Field(
        default=None, description="The bot's @username, without @, for join links (/program)."
    )
    curricula_dir: Path = REPO_ROOT / "curricula"
    min_age: int = Field(default=18, ge=18, le=99)
    log_level: str = "INFO"
    flow_idle_expiry: timedelta = Field(default=timedelta(days=30))
    schedule_tick: timedelta = Field(default=timedelta(seconds=10))
    clock_source: ClockSource = ClockSource.SYSTEM
    send_rate: float = Field(default=30.0, gt=0, le=1000)
    paid_broadcast: bool = False
    webhook_url: AnyHttpUrl | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to (webhook mode)."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token."
    )
    webhook_listen: str = Field(
        default="127.0.0.1:8080", description="host:port the webhook, /healthz and /metrics use"
    )
    relay_retention_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Days relayed-message and delivery records are kept.",
    )
    report_retention_days: int = Field(
        default=180,
        ge=1,
        le=3650,
        description=(
            "Days a resolved report keeps its words (and a report naming a forgotten person "
            "is kept at all)."
        ),
    )

    @model_validator(mode="after")
    def _rate_within_telegram_limits(self) -> Settings:
        if self.send_rate > 30 and not self.paid_broadcast:
            raise ValueError(
                "SEND_RATE above 30 messages/s needs PAID_BROADCAST=true "
                "(Telegram's paid broadcasts, billed in Stars)"
            )
        return self

    @field_validator("superadmin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(",", " ").split())
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("languages", mode="before")
    @classmethod
    def _split_codes(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split())
        return value

    @field_validator("language_names", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        names: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            code, sep, name = part.partition("=")
            if not sep or not code.strip() or not name.strip():
                raise ValueError(f"expected code=Name pairs separated by commas, not {part!r}")
            names[code.strip()] = name.strip()
        return names

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str, info: ValidationInfo) -> str:
        offered = info.data.get("languages", ())
        if value not in offered:
            raise ValueError(f"must be one of the LANGUAGES offered: {', '.join(offered)}")
        return value

    @field_validator("languages")
    @classmethod
    def _languages_known(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        try:
            Languages.offered(value, info.data.get("language_names"))
        except LanguageError as exc:
            raise ValueError(str(exc)) from None
        return value

    def offered_languages(self) -> Languages:
        """The registry of the languages this deployment offers."""
        return Languages.offered(self.languages, self.language_names, self.default_language)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("flow_idle_expiry", "schedule_tick", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_duration(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite+aiosqlite:/// or postgresql+asyncpg:// URL")
        return value

    @property
    def api_url(self) -> str | None:
        """The Bot API base URL without a trailing slash, or None for Telegram's own."""
        return str(self.telegram_api_url).rstrip("/") if self.telegram_api_url else None


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning any validation error into one clear `SettingsError` line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "SEND_RATE"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"setting {name} is invalid: {message}") from None


@dataclass(frozen=True)
class WebhookSettings:
    """Validated webhook settings: Telegram posts to `url`; we serve `path` on host:port."""

    url: str
    path: str
    secret: str
    host: str
    port: int


_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)


def require_webhook(settings: Settings) -> WebhookSettings:
    """The webhook settings `mentorbot run --webhook` needs, or a SettingsError naming the
    missing or malformed one."""
    if settings.webhook_url is None:
        raise SettingsError(
            "setting WEBHOOK_URL is missing: set it to the public HTTPS address of the "
            "webhook, e.g. https://bot.example.org/telegram"
        )
    url = settings.webhook_url
    if settings.api_url is None:  # Telegram itself: HTTPS on one of four ports
        if url.scheme != "https":
            raise SettingsError("setting WEBHOOK_URL is invalid: Telegram needs an https:// URL")
        if (url.port or 443) not in TELEGRAM_WEBHOOK_PORTS:
            raise SettingsError(
                "setting WEBHOOK_URL is invalid: the port must be 443, 80, 88 or 8443"
            )
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        raise SettingsError(
            "setting WEBHOOK_SECRET is missing: set 1-256 characters of A-Z, a-z, 0-9, _ and - "
            "(e.g. the output of `openssl rand -hex 32`)"
        )
    if not _WEBHOOK_SECRET.match(secret):
        raise SettingsError(
            "setting WEBHOOK_SECRET is invalid: use 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    host, _, port_text = settings.webhook_listen.rpartition(":")
    if not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise SettingsError(
            "setting WEBHOOK_LISTEN is invalid: expected host:port, e.g. 127.0.0.1:8080"
        )
    return WebhookSettings(
        url=str(url),
        path=url.path or "/",
        secret=secret,
        host=host.strip("[]"),
        port=int(port_text),
    )


def require_token(settings: Settings) -> str:
    """The bot token, or a SettingsError naming BOT_TOKEN when it is missing or malformed."""
    if settings.bot_token is None or not settings.bot_token.get_secret_value():
        raise SettingsError("setting BOT_TOKEN is missing: set it to the token from @BotFather")
    token = settings.bot_token.get_secret_value()
    head, _, tail = token.partition(":")
    if not head.isdigit() or not tail or any(c.isspace() for c in token):
        raise SettingsError("setting BOT_TOKEN is malformed: expected <digits>:<secret>")
    return token
