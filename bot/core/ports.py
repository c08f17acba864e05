"""Ports: what the core needs from the outside world, as small Protocols.

Storage implements the repositories and the unit of work; transports implement `ChatApi`;
tests use in-memory fakes of the same Protocols.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol

from bot.core.effects import Effect, Sent
from bot.core.models import (
    CheckinAnswer,
    Contact,
    FlowState,
    MatchRequest,
    ModuleResult,
    OutboxItem,
    Pair,
    PairMembers,
    PastCouple,
    Person,
    Proposal,
    RelationshipRating,
    RelayLink,
    Report,
    ScheduledStep,
    StepStatus,
)
from bot.core.privacy import Erased, Erasure, PersonalRecords
from bot.core.staff import AuditEntry, Broadcast, PersonFlag, StaffDraft, StaffMember


class Clock(Protocol):
    """Tells the current time, tz-aware UTC."""

    def now(self) -> datetime: ...


class PersonRepository(Protocol):
    """People, by Telegram user id."""

    async def get(self, user_id: int) -> Person | None: ...

    async def get_many(self, user_ids: Iterable[int]) -> list[Person]:
        """The stored people among `user_ids` (in no particular order)."""
        ...

    async def add(self, person: Person) -> None: ...

    async def update(self, person: Person) -> None: ...

    async def contacts(self, user_ids: Iterable[int]) -> list[Contact]:
        """How to reach each stored person among `user_ids` (a narrow, fast read)."""
        ...

    async def mentors(self, program: str) -> list[Person]:
        """Onboarded mentors of a program (matching filters them further)."""
        ...


class FlowRepository(Protocol):
    """The one active conversation of each person, if any."""

    async def get(self, user_id: int) -> FlowState | None: ...

    async def save(self, state: FlowState) -> None: ...

    async def delete(self, user_id: int) -> None: ...


class UpdateLog(Protocol):
    """Telegram update ids already handled, so a redelivered update is handled once."""

    async def claim(self, update_id: int, at: datetime) -> bool:
        """Record `update_id`; False when it was recorded before."""
        ...

    async def purge(self, before: datetime) -> int: ...


class Outbox(Protocol):
    """Effects stored with the state change that produced them, applied later by the sender."""

    async def add(
        self, effects: Sequence[Effect], at: datetime, not_before: datetime | None = None
    ) -> None:
        """Append effects in order; with `not_before` they are held until then."""
        ...

    async def add_serialised(self, items: Sequence[tuple[int | None, str]], at: datetime) -> None:
        """Append effects already serialised, in order: (chat id, `to_json` of the effect as
        JSON text). For rounds that queue one rendered message for thousands of people."""
        ...

    async def pending_for_chat(self, chat_id: int) -> list[OutboxItem]:
        """The chat's items that no sender has claimed yet, in order (the latest few)."""
        ...

    async def replace_pending(self, item_id: int, effect: Effect) -> bool:
        """Rewrite an item no sender has claimed yet; False when it is claimed or gone."""
        ...

    async def claim_due(
        self, now: datetime, limit: int, lease_seconds: float, *, safety_limit: int | None = None
    ) -> list[OutboxItem]:
        """Take due items, leasing them so no one else sends them: up to `safety_limit`
        (default `limit`) of the safety lane, then routine ones up to what is left of `limit`.
        Per chat, in lane order (its safety items, then its routine ones, each by id): an item
        is taken only with every earlier open item of its chat, so none is taken while an
        earlier one is leased, held or still waiting (across senders, crashes and replicas).
        Returned safety first, then by id."""
        ...

    async def mark_sent_many(self, sent: Sequence[tuple[int, int | None, datetime]]) -> None:
        """Record many successes at once: (item id, message id, when)."""
        ...

    async def retry_later(
        self, item_id: int, not_before: datetime, error: str, *, attempt: int | None = None
    ) -> None:
        """Back to pending, due at `not_before`. Like every outcome, recorded only while the
        item is still claimed (and, with `attempt`, by the claim that counted it)."""
        ...

    async def mark_failed(
        self, item_id: int, error: str, at: datetime, *, attempt: int | None = None
    ) -> None: ...

    async def drop_pending_for_chat(self, chat_id: int, reason: str, at: datetime) -> int: ...

    async def pending_count(self) -> int: ...


class PairRepository(Protocol):
    """Mentee–mentor pairs."""

    async def add(self, pair: Pair) -> Pair:
        """Store a new pair; returns it with its id."""
        ...

    async def get(self, pair_id: int) -> Pair | None: ...

    async def get_many(self, pair_ids: Iterable[int]) -> list[Pair]: ...

    async def members(self, pair_ids: Iterable[int]) -> list[PairMembers]:
        """Program and members of each stored pair among `pair_ids` (a narrow, fast read)."""
        ...

    async def update(self, pair: Pair) -> None: ...

    async def of_person(self, person_id: int) -> list[Pair]:
        """The person's pairs that have not ended (active or paused), oldest first."""
        ...

    async def count_ever(self, person_id: int) -> int:
        """How many pairs the person has ever been in, ended ones included (those of a partner
        who was since erased too: they stay, with a stand-in)."""
        ...

    async def silent(self, program: str, before: datetime, limit: int) -> list[Pair]:
        """Active pairs of `program` with no activity (nor start) since `before` and no nudge
        since `before`."""
        ...

    async def checkin_due(self, program: str, before: datetime, limit: int) -> list[Pair]:
        """Active pairs of `program` last asked their relationship check-in (or started) at
        or before `before`, the longest waiting first."""
        ...

    async def record_activity(self, pair_id: int, at: datetime) -> None: ...


class ScheduleRepository(Protocol):
    """Scheduled curriculum steps: our own table is the source of truth, never the timer."""

    async def add_many(self, steps: Sequence[ScheduledStep]) -> None: ...

    async def get(self, step_row_id: int) -> ScheduledStep | None: ...

    async def claim_due(self, now: datetime, limit: int) -> list[ScheduledStep]:
        """Up to `limit` scheduled rows due by `now` whose pair is active, oldest due first,
        locked for this transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL) so that two
        replicas never claim the same row. The caller marks them before committing."""
        ...

    async def mark(self, ids: Sequence[int], status: StepStatus, at: datetime) -> None:
        """Set the status of claimed rows (attempts + 1; `sent_at` = `at`)."""
        ...

    async def of_pair(self, pair_id: int) -> list[ScheduledStep]:
        """Every row of a pair, by position then role."""
        ...

    async def reschedule(self, due: Sequence[tuple[int, datetime]]) -> None:
        """Give rows new due times."""
        ...

    async def cancel_pending(self, pair_id: int, at: datetime) -> int: ...

    async def count_due(self, now: datetime) -> int: ...

    async def record_messages(self, sent: Sequence[tuple[int, int]]) -> None:
        """Note the message id of delivered step messages: (row id, message id) each; a step
        opened again takes its latest message's id. Unknown ids are ignored."""
        ...

    async def pair_of_message(self, person_id: int, message_id: int) -> int | None:
        """The pair of the person's step whose delivered message is `message_id`, if any."""
        ...

    async def forget_messages(self, before: datetime) -> int:
        """The retention purge: forget the message ids of steps sent before `before`;
        returns how many."""
        ...


class CheckinRepository(Protocol):
    """Answers to step check-ins (one per scheduled row; answering again replaces it)."""

    async def record(self, answer: CheckinAnswer) -> None: ...

    async def get(self, scheduled_step_id: int) -> CheckinAnswer | None: ...

    async def of_pair(self, pair_id: int) -> list[CheckinAnswer]: ...


class TrainingRepository(Protocol):
    """Volunteers' training results (the latest attempt of each module)."""

    async def record(self, result: ModuleResult) -> None: ...

    async def of_person(self, person_id: int, curriculum: str) -> list[ModuleResult]: ...


class MatchingRepository(Protocol):
    """Mentees' requests for a mentor and the proposals made to mentors."""

    async def add_request(self, request: MatchRequest) -> MatchRequest: ...

    async def get_request(self, request_id: int) -> MatchRequest | None: ...

    async def open_request(self, mentee_id: int) -> MatchRequest | None:
        """The mentee's waiting request, if any."""
        ...

    async def update_request(self, request: MatchRequest) -> None: ...

    async def waiting(self, program: str) -> list[MatchRequest]:
        """Waiting requests of a program, oldest first (the queue)."""
        ...

    async def add_proposal(self, proposal: Proposal) -> Proposal: ...

    async def get_proposal(self, proposal_id: int) -> Proposal | None: ...

    async def update_proposal(self, proposal: Proposal) -> None: ...

    async def proposals_for(self, request_id: int) -> list[Proposal]:
        """Every proposal made for a request, oldest first."""
        ...

    async def pending_for_mentor(self, mentor_id: int) -> list[Proposal]: ...

    async def expired(self, now: datetime, limit: int) -> list[Proposal]:
        """Pending proposals whose deadline has passed, oldest deadline first."""
        ...

    async def history(self, mentee_ids: Iterable[int]) -> list[PastCouple]:
        """The past couples of these mentees, oldest first: every ended pair and every
        proposal the mentor declined (except a `CAPACITY_DECLINE`). The one rule that keeps a
        couple from being proposed or suggested again, and what staff see before re-pairing."""
        ...


class RelayRepository(Protocol):
    """Which copy belongs to which original (ids only, never content)."""

    async def add_many(self, links: Sequence[RelayLink]) -> None:
        """Store several links at once (the sender records a batch of copies)."""
        ...

    async def copies_of(self, source_chat_id: int, source_message_id: int) -> list[RelayLink]:
        """The copies of a message someone sent (to mirror their edits)."""
        ...

    async def original_of(self, target_chat_id: int, target_message_id: int) -> RelayLink | None:
        """The original of a copy someone received (to thread their reply to it)."""
        ...

    async def recent(self, pair_id: int, limit: int) -> list[RelayLink]:
        """The pair's latest relayed messages, newest first (context for a report)."""
        ...

    async def purge(self, before: datetime) -> int: ...


class SafetyRepository(Protocol):
    """Safeguarding reports and relationship check-ins."""

    async def add_report(self, report: Report) -> Report: ...

    async def open_reports(self) -> list[Report]: ...

    async def update_report(self, report: Report) -> None: ...

    async def add_rating(self, rating: RelationshipRating) -> None: ...

    async def ratings(self, pair_id: int) -> list[RelationshipRating]:
        """A pair's check-in ratings, oldest first."""
        ...


class StaffRepository(Protocol):
    """Staff members, their pending confirmations, broadcasts, decisions about people, the
    audit log, and the reads across programs that staff commands need."""

    async def member(self, user_id: int) -> StaffMember | None: ...

    async def save_member(self, member: StaffMember) -> None:
        """Add a staff member, or change their organisation and role."""
        ...

    async def remove_member(self, user_id: int) -> bool: ...

    async def members(self, organisation: str | None) -> list[StaffMember]:
        """Staff of an organisation (None: of every organisation), by organisation then id."""
        ...

    async def record(self, entry: AuditEntry) -> None:
        """Append to the audit log."""
        ...

    async def audit(
        self, organisations: Sequence[str] | None, limit: int, offset: int = 0
    ) -> list[AuditEntry]:
        """Audit entries of these organisations (None: all), newest first."""
        ...

    async def audit_count(self, organisations: Sequence[str] | None) -> int: ...

    async def draft(self, user_id: int) -> StaffDraft | None: ...

    async def save_draft(self, draft: StaffDraft) -> None:
        """Store a staff member's pending confirmation, replacing any earlier one."""
        ...

    async def delete_draft(self, user_id: int) -> bool: ...

    async def add_broadcast(self, broadcast: Broadcast) -> Broadcast: ...

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None: ...

    async def count_sent(self, broadcast_id: int, delivered: bool = True) -> Broadcast | None:
        """Count one message of a broadcast as delivered (or, with `delivered=False`, as
        failed for good), atomically; the updated broadcast."""
        ...

    async def update_broadcast(self, broadcast: Broadcast) -> None:
        """Store the progress message id and when it was last edited."""
        ...

    async def flag(self, flag: PersonFlag) -> None:
        """Record a decision about a person (replacing one of the same kind)."""
        ...

    async def unflag(self, user_id: int, kind: str) -> bool: ...

    async def flags(self, user_ids: Iterable[int]) -> list[PersonFlag]: ...

    async def banned(self, user_ids: Iterable[int]) -> set[int]:
        """Which of these people are banned (the one check matching, broadcasts and staff
        lists share)."""
        ...

    async def people(self, programs: Sequence[str]) -> list[Person]:
        """Everyone who chose one of these programs, by id."""
        ...

    async def age_locked(self, programs: Sequence[str], ownerless: bool = False) -> list[Person]:
        """People locked by the age check in these programs (and, when `ownerless`, those whose
        lock belongs to no program: locked before the program was asked, or after /forgetme),
        by id."""
        ...

    async def pairs_of(self, programs: Sequence[str]) -> list[Pair]:
        """Every pair of these programs, ended ones too, by id."""
        ...

    async def sent_steps(self, programs: Sequence[str]) -> list[ScheduledStep]:
        """The delivered curriculum steps of these programs' pairs."""
        ...


class PrivacyRepository(Protocol):
    """Reads and erasures across every table for one person, and the retention purges."""

    async def records(self, person_id: int) -> PersonalRecords:
        """Everything stored about a person besides their profile and conversation."""
        ...

    async def erase(self, erasure: Erasure) -> Erased:
        """Erase a person (see `bot.core.privacy.Erasure`); their pairs must have ended."""
        ...

    async def purge_delivery_records(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` finished outbox rows created before `before`."""
        ...

    async def release_held_reports(self, resolved_before: datetime) -> int:
        """Reports held for a forgotten person and resolved before `resolved_before`: deleted
        when the reporter asked, else stripped of the reported person's id. How many."""
        ...

    async def clear_report_words(self, resolved_before: datetime) -> int:
        """Remove the words (the reporter's text, the resolution note) of reports resolved
        before `resolved_before`; their reason, dates and ids stay. How many."""
        ...

    async def purge_idle_flows(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` conversations (flow states) last changed before `before`,
        with everything in their data (answers, messages set aside). How many."""
        ...

    async def purge_draft_words(self, before: datetime, limit: int) -> int:
        """Remove the typed words (`bot.core.staff.DRAFT_WORDS`) of up to `limit` staff drafts
        created before `before` that still hold some. How many."""
        ...


class UnitOfWork(Protocol):
    """One transaction over all repositories; nothing is written unless `commit` is called."""

    persons: PersonRepository
    flows: FlowRepository
    updates: UpdateLog
    outbox: Outbox
    pairs: PairRepository
    schedule: ScheduleRepository
    checkins: CheckinRepository
    training: TrainingRepository
    matching: MatchingRepository
    relay: RelayRepository
    safety: SafetyRepository
    privacy: PrivacyRepository
    staff: StaffRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def lock_person(self, user_id: int) -> None:
        """Serialise work on one person across processes (a row lock where the database has
        them); a no-op where a single process owns the database."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class ChatApi(Protocol):
    """Applies effects in the chat app. Raises only `bot.core.errors.DeliveryError`s."""

    async def apply(self, effect: Effect) -> Sent: ...
