"""What the VoIP provider reports about a call (status callbacks), applied to the call's state."""

import dataclasses
import logging
from collections.abc import Mapping
from typing import Protocol

from calls_platform.domain.calls import REASON_FOR_STATUS, CallStatus
from calls_platform.domain.errors import DomainError
from calls_platform.use_cases.calls import CallDeps, call_ended

log = logging.getLogger(__name__)


class SignatureRejected(DomainError):
    code = "forbidden"

    def __init__(self) -> None:
        super().__init__("invalid webhook signature")


@dataclasses.dataclass(frozen=True)
class ProviderCallEvent:
    provider_call_id: str
    status: CallStatus
    duration: int | None = None  # the provider's own count of billed seconds, when it gives one


class StatusCallbacks(Protocol):
    def verify(self, url: str, params: Mapping[str, str], signature: str | None) -> bool: ...

    def parse(self, params: Mapping[str, str]) -> ProviderCallEvent | None: ...


def handle_status_callback(
    deps: CallDeps, callbacks: StatusCallbacks, url: str, params: Mapping[str, str], signature: str | None
) -> None:
    """A provider's signed status callback: forged ones change nothing; unknown statuses are ignored."""
    if not callbacks.verify(url, params, signature):
        log.warning("status callback rejected: invalid signature")
        raise SignatureRejected()
    event = callbacks.parse(params)
    if event is None:
        log.info("status callback without a known status ignored")
        return
    record_provider_event(deps, event)


def record_provider_event(deps: CallDeps, event: ProviderCallEvent) -> None:
    """Move the call; a repeated, late or out-of-order event changes nothing and is not an error."""
    reason = REASON_FOR_STATUS.get(event.status.value) if event.status.is_final else None
    moved = deps.calls.transition_by_provider_id(
        event.provider_call_id, event.status, deps.clock.now(), reason, event.duration if reason else None
    )
    extra = {"provider_call_id": event.provider_call_id, "provider_status": event.status.value}
    if moved is None:
        log.warning("status callback for an unknown call", extra=extra)
        return
    extra["call_id"] = str(moved.call.call_id)
    if not moved.moved:
        log.info("stale or repeated status callback ignored", extra={**extra, "status": moved.call.status.value})
        return
    log.info("call status changed", extra={**extra, "previous": moved.previous.value})
    if moved.call.status.is_final:
        call_ended(deps, moved.call)
