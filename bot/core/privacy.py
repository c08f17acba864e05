"""People's control over their data: what an export holds, what an erasure needs, how long
records are kept, and the pure rules that decide which stored messages name a person.

Storage (`bot.storage.privacy`) and the in-memory fakes apply the same rules, so "does this
delivery record or conversation name the forgotten person?" has one answer everywhere.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from bot.core.cases import Case, CaseMessage
from bot.core.models import (
    CheckinAnswer,
    MatchRequest,
    ModuleResult,
    Pair,
    Proposal,
    RelationshipRating,
    RelayLink,
    Report,
    ScheduledStep,
)
from bot.core.staff import PersonFlag

FINISHED = frozenset({"sent", "failed", "dropped"})
PEOPLE_KEYS = frozenset({"chat_id", "from_chat_id", "sender_id", "source_chat_id"})
"""Keys of a stored effect whose integer value is a person or their chat."""


KEPT_WHEN_FINISHED = frozenset(
    {
        "type",
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_ids",
        "reply_to_message_id",
        "relay",
        "tag",
        "callback_id",
        "alert",
        "buttons",
    }
)
"""Keys of a stored effect that a finished delivery record keeps: ids and flags, never words.
Any other key (text, caption, a file's name and content, poll options, command descriptions,
whatever a later effect adds) is removed once the item is sent, failed or dropped."""

_RELAY_IDS = ("pair_id", "sender_id", "source_chat_id", "source_message_ids", "album")


def without_words(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A stored effect as its finished delivery record keeps it: the ids (chats, messages, the
    relay's pair and original), the type and the buttons' callback data; every word removed
    (texts, captions, button labels and links, documents). The outbox applies it in the same
    statement that marks an item sent, failed or dropped."""
    kept: dict[str, Any] = {}
    for key, value in payload.items():
        if key not in KEPT_WHEN_FINISHED:
            continue
        if key == "buttons":
            value = _button_data(value)
        elif key == "relay" and isinstance(value, Mapping):
            value = {k: value[k] for k in _RELAY_IDS if k in value}
        elif isinstance(value, str) and key not in ("type", "tag", "callback_id"):
            continue  # an id key holding words is not an id
        kept[key] = value
    return kept


def _button_data(rows: Any) -> list[list[dict[str, str]]]:
    """Only the callback data of each button (what an erasure matches on), no label, no link."""
    if not isinstance(rows, list):
        return []
    return [
        [{"data": b["data"]} for b in row if isinstance(b, Mapping) and _is_text(b.get("data"))]
        for row in rows
        if isinstance(row, list)
    ]


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


@dataclass(frozen=True)
class Retention:
    """How long records are kept (days): relayed-message records and delivery records, and
    a report held for a forgotten person after it is resolved; and how long an unfinished
    conversation is kept without an answer (`FLOW_IDLE_EXPIRY`)."""

    relay_days: int = 90
    report_days: int = 180
    flow_idle: timedelta = timedelta(days=30)


@dataclass(frozen=True, kw_only=True)
class PersonalRecords:
    """Everything stored about one person besides their profile and conversation."""

    pairs: tuple[Pair, ...] = ()  # ended ones too
    steps: tuple[ScheduledStep, ...] = ()  # their own side of each step
    checkins: tuple[CheckinAnswer, ...] = ()
    training: tuple[ModuleResult, ...] = ()
    ratings: tuple[RelationshipRating, ...] = ()  # given by them
    requests: tuple[MatchRequest, ...] = ()  # as a mentee
    proposals: tuple[Proposal, ...] = ()  # made to them, as a mentor
    reports: tuple[Report, ...] = ()  # filed by them
    relayed: tuple[RelayLink, ...] = ()  # messages they sent or received through the relay
    flags: tuple[PersonFlag, ...] = ()  # staff decisions about them (a ban, a rejection)
    cases: tuple[Case, ...] = ()  # their conversations with the program team
    case_messages: tuple[CaseMessage, ...] = ()  # ids of those cases' messages in their chat


@dataclass(frozen=True, kw_only=True)
class Erasure:
    """What to erase for one person, in one transaction.

    `stand_in_id` becomes the other side of their pairs (a row with no personal data, so the
    partner's history stays whole); `names` are scrubbed from delivery records and from the
    partners' conversations (replaced by `partner_labels[partner id]`); pending messages that
    name them by name are dropped only in `related_chats` (partners, staff). `keep_age_lock`
    keeps only the under-age decision, so the age check cannot be retried.
    """

    person_id: int
    chat_id: int
    stand_in_id: int
    at: datetime
    names: tuple[str, ...] = ()
    related_chats: frozenset[int] = frozenset()
    partner_labels: Mapping[int, str] = field(default_factory=dict)
    keep_age_lock: bool = False
    buttons: tuple[str, ...] = ()
    """Callback data (prefixes) of messages about the person, e.g. proposals of them."""

    @property
    def ids(self) -> frozenset[int]:
        return frozenset({self.person_id, self.chat_id})

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The person's name forms and ids as whole words (built once per erasure)."""
        words = [re.escape(form) for form in _name_forms(self.names)]
        words += [re.escape(str(i)) for i in sorted(self.ids)]
        return re.compile(r"(?<![\w])(?:" + "|".join(words) + r")(?![\w])")


@dataclass(frozen=True)
class Erased:
    """What an erasure did."""

    pairs: tuple[int, ...] = ()  # every pair they were in, now with the stand-in
    held_reports: tuple[int, ...] = ()  # open reports kept under the retention clock
    deleted_reports: int = 0
    delivery_records: int = 0


@dataclass(frozen=True)
class Purged:
    """What a retention round deleted."""

    relay_links: int = 0
    delivery_records: int = 0
    reports: int = 0
    report_words: int = 0  # resolved reports whose words were removed
    conversations: int = 0  # unfinished conversations deleted after `Retention.flow_idle`
    draft_words: int = 0  # expired staff drafts whose typed words were removed
    step_messages: int = 0  # steps whose message id was forgotten


def _name_forms(names: tuple[str, ...]) -> list[str]:
    forms: set[str] = set()
    for name in names:
        name = name.strip()
        if name:
            forms |= {name, html.escape(name, quote=False), html.escape(name)}
    return sorted(forms, key=len, reverse=True)


def text_needles(erasure: Erasure) -> list[str]:
    """Substrings a stored JSON text must contain to possibly name the person, by name or id
    (a cheap SQL prefilter; `names_person` decides)."""
    needles = [json.dumps(form, ensure_ascii=False)[1:-1] for form in _name_forms(erasure.names)]
    return needles + sorted(str(i) for i in erasure.ids)


def _walk(value: Any, key: str | None = None) -> list[tuple[str | None, Any]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _walk(v, str(k))]
    if isinstance(value, list | tuple):
        return [pair for v in value for pair in _walk(v, key)]
    return [(key, value)]


def tied_by_id(payload: Mapping[str, Any], erasure: Erasure) -> bool:
    """True when a stored effect goes to, comes from or copies the person (by id), or is
    about them (its buttons are one of `erasure.buttons`)."""
    for key, v in _walk(dict(payload)):
        by_id = key in PEOPLE_KEYS and isinstance(v, int) and not isinstance(v, bool)
        if by_id and v in erasure.ids:
            return True
        about = key == "data" and isinstance(v, str) and bool(erasure.buttons)
        if about and v.startswith(erasure.buttons):
            return True
    return False


def names_person(payload: Mapping[str, Any], erasure: Erasure) -> bool:
    """True when a stored effect's texts name the person (display name or id, whole words)."""
    pattern = erasure.pattern
    return any(isinstance(v, str) and pattern.search(v) for _, v in _walk(dict(payload)))


def delivery_record_to_erase(
    chat_id: int | None, status: str, payload: Mapping[str, Any], erasure: Erasure
) -> bool:
    """Whether an outbox row goes with the person. Rows being sent right now are left alone
    (the retention purge removes their records later); a pending message naming them only by
    name is dropped in related chats, never in a stranger's."""
    if status == "sending":
        return False
    if chat_id in erasure.ids or tied_by_id(payload, erasure):
        return True
    if not names_person(payload, erasure):
        return False
    return status in FINISHED or chat_id in erasure.related_chats


ERASED = "[erased]"


def redact(text: str, erasure: Erasure) -> str:
    """`text` (an audit log line) with the person's name and ids replaced by `ERASED`."""
    return erasure.pattern.sub(ERASED, text)


def _holds_id(value: Any, erasure: Erasure) -> bool:
    def is_theirs(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and v in erasure.ids

    if isinstance(value, list | tuple):
        return any(is_theirs(v) for v in value)
    return is_theirs(value)


def redact_data(value: Any, erasure: Erasure) -> Any:
    """`value` (a staff draft's data) with the person's name and ids redacted from its texts
    and every list entry that is their id, or a row holding it (a drafted pair), removed."""
    if isinstance(value, dict):
        return {k: redact_data(v, erasure) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_data(v, erasure) for v in value if not _holds_id(v, erasure)]
    if isinstance(value, str):
        return redact(value, erasure)
    return value


def relabel(value: Any, names: tuple[str, ...], label: str) -> Any:
    """`value` (flow data) with every string that is one of `names` replaced by `label`."""
    wanted = {n.strip() for n in names if n.strip()}
    if isinstance(value, dict):
        return {k: relabel(v, names, label) for k, v in value.items()}
    if isinstance(value, list):
        return [relabel(v, names, label) for v in value]
    if isinstance(value, str) and value.strip() in wanted:
        return label
    return value
