"""What each status a VoIP provider reports means for the call: the one table, `MEANING`.

A call has two legs at the provider. The caller's browser leg comes first; once the browser accepted it, it
dials the phone's leg. The phone's leg drives the call: ringing, answered (billing starts there) and how it
ended, with the provider's own count of billed seconds. The browser leg only ends calls: one that never
accepted ends the call unanswered with nothing dialled; one that ends during the conversation is the caller
hanging up. Its progress (ringing, accepted) and its end before the phone answered (the phone leg's own
report says why) change nothing.

The words are the provider's (Twilio's `CallStatus`; the mock provider uses the same). Adapters only parse
and check a report (`use_cases.ports.ProviderCallEvent`); `use_cases/provider_events.py` applies the meaning
through the state machine (`domain/calls.py`). A word not in the table is ignored.
"""

from __future__ import annotations

import dataclasses
import enum

from calls_platform.domain.calls import CallStatus, EndReason


class Leg(enum.Enum):
    BROWSER = "browser"
    PHONE = "phone"


@dataclasses.dataclass(frozen=True)
class ProviderOutcome:
    """The status to move the call to, the end reason when that status is final, the statuses it may move
    from (None: any the state machine allows), and whether the report's duration is the billed time."""

    status: CallStatus
    reason: EndReason | None = None
    only_from: frozenset[CallStatus] | None = None
    billed: bool = False


def _phone_ended(status: CallStatus, reason: EndReason) -> ProviderOutcome:
    return ProviderOutcome(status, reason, billed=True)


_BROWSER_NOT_ANSWERED = ProviderOutcome(CallStatus.NO_ANSWER, EndReason.BROWSER_NOT_ANSWERED)
_S, _R = CallStatus, EndReason

# (provider's status word, leg) -> what it does to the call; None: noted, changes nothing.
MEANING: dict[tuple[str, Leg], ProviderOutcome | None] = {
    ("queued", Leg.PHONE): ProviderOutcome(_S.CONNECTING),
    ("initiated", Leg.PHONE): ProviderOutcome(_S.CONNECTING),
    ("ringing", Leg.PHONE): ProviderOutcome(_S.RINGING),
    ("in-progress", Leg.PHONE): ProviderOutcome(_S.ACTIVE),
    ("answered", Leg.PHONE): ProviderOutcome(_S.ACTIVE),
    ("completed", Leg.PHONE): _phone_ended(_S.COMPLETED, _R.CALLEE_HUNG_UP),
    ("busy", Leg.PHONE): _phone_ended(_S.BUSY, _R.BUSY),
    ("failed", Leg.PHONE): _phone_ended(_S.FAILED, _R.FAILED),
    ("no-answer", Leg.PHONE): _phone_ended(_S.NO_ANSWER, _R.NO_ANSWER),
    ("canceled", Leg.PHONE): _phone_ended(_S.CANCELED, _R.CANCELED),
    # The mock provider's own word (Twilio never sends it): its media peer lost the call's media.
    ("connection-lost", Leg.PHONE): _phone_ended(_S.COMPLETED, _R.CONNECTION_LOST),
    ("queued", Leg.BROWSER): None,
    ("initiated", Leg.BROWSER): None,
    ("ringing", Leg.BROWSER): None,
    ("in-progress", Leg.BROWSER): None,  # the browser accepted: the phone has not answered yet
    ("answered", Leg.BROWSER): None,
    ("completed", Leg.BROWSER): ProviderOutcome(_S.COMPLETED, _R.CALLER_HUNG_UP, frozenset({_S.ACTIVE})),
    ("busy", Leg.BROWSER): _BROWSER_NOT_ANSWERED,
    ("failed", Leg.BROWSER): _BROWSER_NOT_ANSWERED,
    ("no-answer", Leg.BROWSER): _BROWSER_NOT_ANSWERED,
    ("canceled", Leg.BROWSER): _BROWSER_NOT_ANSWERED,
    ("connection-lost", Leg.BROWSER): ProviderOutcome(_S.COMPLETED, _R.CONNECTION_LOST),
}

STATUS_WORDS = frozenset(word for word, _ in MEANING)
MOCK_ONLY_WORDS = frozenset({"connection-lost"})  # reported by the local media peer, never by Twilio


def is_known(status: str, leg: Leg) -> bool:
    return (status, leg) in MEANING


def outcome(status: str, leg: Leg) -> ProviderOutcome | None:
    """What the report does to the call; None when it changes nothing (or the word is unknown)."""
    return MEANING.get((status, leg))
