"""The interfaces the call use cases need: the call and contact repositories, the live sessions, the VoIP
provider, the browser's provider token (its status callbacks: provider_ports.py). Adapters implement them;
tests use fakes."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # named in annotations only: a function loads the domain modules its use case needs, no more
    from calls_platform.domain.calls import Call, CallLimits, CallStatus, EndReason, HistoryPosition
    from calls_platform.domain.contacts import Contact
    from calls_platform.domain.history import HistoryEntry, HistorySearch
    from calls_platform.domain.sessions import LiveSession
    from calls_platform.domain.users import Caller


@dataclasses.dataclass(frozen=True)
class ReportedCall:
    """The call a provider's report is about: the provider's id for it, and ours when the callback's URL names
    the call (`?call_id=`)."""

    provider_call_id: str
    call_id: uuid.UUID | None = None


@dataclasses.dataclass(frozen=True)
class Transition:
    """What an attempt to move a call found: the call as it is now, its status before, and whether it changed."""

    call: Call
    previous: CallStatus
    changed: bool


class CallRecords(Protocol):
    """Recording a call and reading calls back (initiate, history, a call, live calls)."""

    def open(self, caller: Caller, call: Call, limits: CallLimits, day_start: datetime) -> int:
        """Record the caller's new call only within the user's limits, atomically (CallInProgress,
        DailyMinutesExceeded, UnknownUser otherwise); returns the calling seconds left today."""

    def discard(self, call_id: uuid.UUID) -> None: ...

    def get(self, call_id: uuid.UUID, viewer: Caller) -> Call | None:
        """The call (whoever owns it); UnknownUser if `viewer` is not signed in."""

    def list_for_user(
        self, caller: Caller, limit: int, before: HistoryPosition | None = None, status: CallStatus | None = None
    ) -> list[Call]:
        """The caller's calls, newest first (start_time, then call_id), strictly older than `before`;
        UnknownUser if the caller is not signed in."""

    def history(
        self,
        caller: Caller,
        limit: int,
        before: HistoryPosition | None = None,
        status: CallStatus | None = None,
        search: HistorySearch | None = None,
    ) -> list[HistoryEntry]:
        """As list_for_user, each call with its number's name among the caller's contacts, narrowed by
        `search` (the contact's name, or digits of the number); the same one statement."""

    def live_for_user(self, caller: Caller) -> list[Call]:
        """The caller's live calls, newest first; UnknownUser if the caller is not signed in."""


class CallTransitions(Protocol):
    """Moving a call through the state machine: the caller, the provider's reports, the answer."""

    def transition(
        self,
        call_id: uuid.UUID,
        target: CallStatus,
        at: datetime,
        *,
        owner: Caller | None = None,
        reason: EndReason | None = None,
        duration: int | None = None,
    ) -> Transition | None:
        """Atomically move the call to `target` if the state machine allows it (and, with `owner`, only
        that caller's call; UnknownUser if the caller is not signed in); None if there is no such call.
        Exactly one of concurrent attempts moves it."""

    def transition_by_provider_id(
        self,
        reported: ReportedCall,
        target: CallStatus,
        at: datetime,
        reason: EndReason | None,
        duration: int | None,
        only_from: frozenset[CallStatus] | None = None,
    ) -> Transition | None:
        """The same for a provider's report: the call is found by our id when the report names it (and, in
        the same statement, keeps the provider's id if it had none), else by the provider's id for it;
        `only_from` narrows the statuses it may leave."""

    def correct_duration(self, provider_call_id: str, duration: int, call_id: uuid.UUID | None = None) -> Call | None:
        """Set the billed seconds of an answered call that already ended (found as in transition_by_provider_id);
        the call, or None if nothing changed."""

    def record_answer(
        self, call_id: uuid.UUID, owner: Caller, sdp_answer: str, activate: bool, at: datetime
    ) -> Transition | None:
        """Store the browser's SDP answer once, on the owner's live call; `activate` also connects it."""


class CallUpkeep(Protocol):
    """What the sweep needs: stale calls, live counts, hang-ups to retry."""

    def fail_stale(self, unanswered_before: datetime, active_before: datetime, at: datetime) -> list[Call]:
        """Close as failed (timeout) the live calls nobody reported on in time; returns them."""

    def count_live(self) -> int: ...

    def mark_hangup_pending(self, call_id: uuid.UUID, pending: bool, provider_call_id: str | None = None) -> None:
        """Mark (or clear) an ended call whose provider leg may still run: the sweep retries its hang-up (with
        `provider_call_id`, kept on the call if it had none)."""

    def pending_hang_ups(self, limit: int) -> list[Call]: ...


class CallRepository(CallRecords, CallTransitions, CallUpkeep, Protocol):
    """Every role at once: what the Postgres adapter implements and the call use cases' deps hold."""


class ContactRepository(Protocol):
    def add(self, caller: Caller, contact: Contact, name_key: str, cap: int) -> Contact:
        """Store the caller's new contact if they hold fewer than `cap` (ContactAlreadyExists for a number they
        have a contact for, TooManyContacts, UnknownUser)."""

    def list(self, caller: Caller) -> list[Contact]:
        """The caller's contacts, by name (case-folded), then id; UnknownUser if not signed in."""

    def update(
        self,
        caller: Caller,
        contact_id: uuid.UUID,
        name: str | None,
        name_key: str | None,
        phone_number: str | None,
        at: datetime,
    ) -> Contact | None:
        """Change what is given of the caller's own contact; None if they have no such contact
        (ContactAlreadyExists if the new number is another contact's)."""

    def remove(self, caller: Caller, contact_id: uuid.UUID) -> bool:
        """Delete the caller's own contact; whether there was one."""


class SessionStore(Protocol):
    def add(self, session: LiveSession) -> None: ...

    def remove(self, session_id: str) -> str | None:
        """Drop the session; returns the provider's id it held, if any."""

    def provider_call_id(self, session_id: str) -> str | None:
        """The provider's id the session holds, if it is still there."""

    def touch(self, session_id: str, at: datetime) -> None:
        """The page's heartbeat: note that a page showing the call saw it `at` (one write; never moves back, and
        never brings back a session already removed)."""

    def silent_since(self, before: datetime) -> list[LiveSession]:
        """The sessions whose page had a heartbeat and none since `before` (never-polled ones are not listed)."""


class VoipProvider(Protocol):
    # Whether the browser's SDP answer connects the call (mock); with a real provider, the callee answering does.
    connects_on_browser_answer: bool

    def ensure_configured(self) -> None:
        """Raises VoipNotConfigured when the provider's settings are incomplete (checked before dialling)."""

    def audio_offer(self, call: Call) -> str:
        """The SDP offer the caller's browser answers (a real media peer's, or a synthesized one where the
        provider's own client brings the media). Raises CallInitiationFailed."""

    def place_call(self, call: Call, max_seconds: int | None = None) -> str:
        """Start the call, to be ended by the provider after `max_seconds` at most; returns the provider's id
        for it. Raises CallInitiationFailed or InvalidPhoneNumber."""

    def accept_answer(self, call: Call, sdp_answer: str) -> None:
        """The browser's SDP answer to `audio_offer`, handed to whoever holds the offer's other end."""

    def hang_up(self, provider_call_id: str, status: CallStatus) -> None:
        """End the call at the provider, given the status we last knew it in; a call the provider already
        ended is not an error."""


@dataclasses.dataclass(frozen=True)
class VoiceToken:
    token: str
    identity: str
    expires_in: int


class VoiceTokens(Protocol):
    def issue(self, user_id: uuid.UUID) -> VoiceToken | None:
        """A token for the browser's leg of calls; None where the provider needs none (mock)."""
