"""/mydata: everything kept about a person as one JSON document, and nothing about anyone else.

A partner appears only as "your mentor" / "your mentee" inside a numbered mentorship, never by
name or id; a pair's ending reason is shown only when the person gave it; reports show only
what the person wrote. Keys are English and stable (the format is documented in the README).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.core.models import FlowState, Pair, Person
from bot.core.privacy import PersonalRecords, Retention

FORMAT = "mentorbot personal data export, version 1"


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _profile(person: Person) -> dict[str, Any]:
    return {
        "telegram_user_id": person.id,
        "language": person.language,
        "first_contact_at": _when(person.created_at),
        "consent_at": _when(person.consent_at),
        "age_check": person.age_status.value,
        "birth_year": person.birth_year,
        "age_checked_at": _when(person.age_checked_at),
        "role": person.role.value if person.role else None,
        "program": person.program,
        "display_name": person.display_name,
        "goals": list(person.goals),
        "interests": list(person.interests),
        "experiences": list(person.experiences),
        "languages": list(person.languages),
        "time_zone": person.time_zone,
        "preferred_hour": person.preferred_hour,
        "mentees_offered": person.capacity,
        "signed_up_at": _when(person.onboarded_at),
        "training_passed_at": _when(person.training_passed_at),
        "approved_at": _when(person.approved_at),
        "has_blocked_the_bot": person.blocked_bot,
    }


def _mentorship(pair: Pair, label: str, me: int) -> dict[str, Any]:
    mine = pair.mentee_id == me
    if pair.ended_by is None:
        ended_by = None
    elif pair.ended_by == me:
        ended_by = "you"
    elif pair.ended_by == pair.partner_of(me):
        ended_by = "your " + ("mentor" if mine else "mentee")
    else:
        ended_by = "the program team"
    return {
        "mentorship": label,
        "program": pair.program,
        "your_role": "mentee" if mine else "mentor",
        "partner": "your mentor" if mine else "your mentee",
        "status": pair.status.value,
        "started_at": _when(pair.started_at),
        "paused_at": _when(pair.paused_at),
        "ended_at": _when(pair.ended_at),
        "ended_by": ended_by,
        "your_reason_for_ending": pair.end_reason if pair.ended_by == me else None,
        "last_message_at": _when(pair.last_activity_at),
    }


Label = Callable[[int | None], str | None]
"""A pair id as the person reads it ("mentorship 2"); None for none or another's pair."""


def _conversation(flow: FlowState | None) -> dict[str, Any] | None:
    if flow is None:
        return None
    return {
        "flow": flow.flow,
        "step": flow.state,
        "last_answer_at": _when(flow.updated_at),
        "answers_so_far": flow.data,
    }


def _steps(records: PersonalRecords, label: Label) -> list[dict[str, Any]]:
    return [
        {
            "mentorship": label(s.pair_id),
            "curriculum": s.curriculum,
            "step": s.step_id,
            "number": s.position + 1,
            "due_at": _when(s.due_at),
            "status": s.status.value,
            "sent_at": _when(s.sent_at),
        }
        for s in records.steps
    ]


def _checkins(records: PersonalRecords, label: Label) -> list[dict[str, Any]]:
    return [
        {
            "mentorship": label(a.pair_id),
            "step": a.step_id,
            "answer": a.answer,
            "answered_at": _when(a.answered_at),
        }
        for a in records.checkins
    ]


def _training(records: PersonalRecords) -> list[dict[str, Any]]:
    return [
        {
            "training": r.curriculum,
            "module": r.module_id,
            "correct_answers": r.correct,
            "questions": r.total,
            "passed": r.passed,
            "completed_at": _when(r.completed_at),
        }
        for r in records.training
    ]


def _requests(records: PersonalRecords, label: Label) -> list[dict[str, Any]]:
    return [
        {
            "program": r.program,
            "status": r.status.value,
            "asked_at": _when(r.created_at),
            "closed_at": _when(r.closed_at),
            "mentorship": label(r.pair_id),
        }
        for r in records.requests
    ]


def _proposals(records: PersonalRecords) -> list[dict[str, Any]]:
    return [
        {
            "status": p.status.value,
            "asked_at": _when(p.created_at),
            "answer_by": _when(p.deadline),
            "answered_at": _when(p.decided_at),
            "your_reason_for_declining": p.reason,
        }
        for p in records.proposals
    ]


def _reports(records: PersonalRecords, label: Label) -> list[dict[str, Any]]:
    return [
        {
            "mentorship": label(r.pair_id),
            "reason": r.reason,
            "your_words": r.text,
            "status": r.status.value,
            "filed_at": _when(r.created_at),
            "resolved_at": _when(r.resolved_at),
        }
        for r in records.reports
    ]


def _relayed(
    person: Person, records: PersonalRecords, label: Label, retention: Retention
) -> dict[str, Any]:
    """The ids of the messages the person sent or received through the relay, never others'."""
    me = person.id
    return {
        "kept_for_days": retention.relay_days,
        "note": "Only message ids are kept, never what was written.",
        "records": [
            {
                "mentorship": label(k.pair_id),
                "direction": "sent" if k.sender_id == me else "received",
                "message_id_in_your_chat": (
                    k.source_message_id if k.sender_id == me else k.target_message_id
                ),
                "at": _when(k.created_at),
            }
            for k in records.relayed
            if k.sender_id == me or k.target_chat_id == person.chat_id
        ],
    }


def _cases(person: Person, records: PersonalRecords) -> dict[str, Any]:
    """The person's conversations with the program team: what opened each, when it was opened
    and closed, and the ids of its messages in their own chat. Nothing of the staff side (who
    handled it, the staff group, staff notes) and no words: none are kept."""
    mine = [m for m in records.case_messages if m.chat_id == person.chat_id]
    return {
        "note": (
            "Only the ids of the messages in your chat are kept (so that your replies reach "
            "the team), never what was written, nor when."
        ),
        "records": [
            {
                "opened_by": case.kind.value,
                "program": case.program,
                "status": case.status.value,
                "opened_at": _when(case.opened_at),
                "closed_at": _when(case.closed_at),
                "message_ids_in_your_chat": [m.message_id for m in mine if m.case_id == case.id],
            }
            for case in records.cases
        ],
    }


def personal_document(
    person: Person,
    flow: FlowState | None,  # its data with the partners' names replaced (`relabel`)
    records: PersonalRecords,
    *,
    now: datetime,
    retention: Retention,
) -> dict[str, Any]:
    """The export as plain JSON-ready data."""
    me = person.id
    labels: Mapping[int, str] = {
        pair.id: f"mentorship {n}" for n, pair in enumerate(records.pairs, start=1)
    }

    def label(pair_id: int | None) -> str | None:
        return labels.get(pair_id) if pair_id is not None else None

    return {
        "format": FORMAT,
        "exported_at": _when(now),
        "profile": _profile(person),
        "conversation_in_progress": _conversation(flow),
        "staff_decisions": [
            {"decision": f.kind, "reason": f.reason, "at": _when(f.at)} for f in records.flags
        ],
        "mentorships": [_mentorship(p, labels[p.id], me) for p in records.pairs],
        "curriculum_steps": _steps(records, label),
        "checkin_answers": _checkins(records, label),
        "relationship_ratings": [
            {"mentorship": label(r.pair_id), "rating": r.rating, "at": _when(r.at)}
            for r in records.ratings
        ],
        "training_results": _training(records),
        "mentor_requests": _requests(records, label),
        "mentee_proposals_received": _proposals(records),
        "reports_you_filed": _reports(records, label),
        "relayed_messages": _relayed(person, records, label, retention),
        "conversations_with_the_team": _cases(person, records),
    }


def export_bytes(document: Mapping[str, Any]) -> bytes:
    """The document as indented UTF-8 JSON."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
