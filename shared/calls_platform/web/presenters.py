"""How domain objects look in JSON responses: RFC 3339 UTC times, string ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a function loads only the modules of what it presents
    from calls_platform.domain.calls import Call
    from calls_platform.domain.contacts import Contact
    from calls_platform.domain.users import User
    from calls_platform.use_cases.call_ports import VoiceToken
    from calls_platform.use_cases.history import HistoryPage
    from calls_platform.use_cases.initiate import InitiatedCall


def rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def user_json(user: User) -> dict[str, Any]:
    return {"user_id": str(user.user_id), "email": user.email, "created_at": rfc3339(user.created_at)}


def initiated_call_json(initiated: InitiatedCall) -> dict[str, Any]:
    call = initiated.call
    body = {
        "call_id": str(call.call_id),
        "session_id": call.session_id,
        "sdp_offer": call.sdp_offer,
        "status": call.status.value,
        "start_time": rfc3339(call.start_time),
    }
    if initiated.voice_token is not None:
        body["voice_token"] = initiated.voice_token.token
    return body


def voice_token_json(token: VoiceToken | None) -> dict[str, Any]:
    if token is None:
        return {"voice_token": None, "identity": None, "expires_in": 0}
    return {"voice_token": token.token, "identity": token.identity, "expires_in": token.expires_in}


def ended_call_json(call: Call) -> dict[str, Any]:
    return {"call_id": str(call.call_id), "duration": call.duration, "status": call.status.value}


def history_item_json(call: Call) -> dict[str, Any]:
    return {
        "call_id": str(call.call_id),
        "phone_number": call.phone_number,
        "status": call.status.value,
        "session_id": call.session_id,
        "start_time": rfc3339(call.start_time),
        "answer_time": rfc3339(call.answer_time),
        "end_time": rfc3339(call.end_time),
        "duration": call.duration,
        "end_reason": call.end_reason.value if call.end_reason else None,
    }


def call_json(call: Call) -> dict[str, Any]:
    """One call in full, with its SDP offer and answer."""
    return {**history_item_json(call), "sdp_offer": call.sdp_offer, "sdp_answer": call.sdp_answer}


def history_page_json(page: HistoryPage) -> dict[str, Any]:
    rows = [{**history_item_json(entry.call), "contact_name": entry.contact_name} for entry in page.entries]
    return {"calls": rows, "next_cursor": page.next_cursor}


def live_calls_json(calls: list[Call]) -> dict[str, Any]:
    return {"calls": [call_json(call) for call in calls]}


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "contact_id": str(contact.contact_id),
        "name": contact.name,
        "phone_number": contact.phone_number,
        "created_at": rfc3339(contact.created_at),
        "updated_at": rfc3339(contact.updated_at),
    }


def contacts_json(contacts: list[Contact]) -> dict[str, Any]:
    return {"contacts": [contact_json(contact) for contact in contacts]}
