"""What the VoIP provider reports about a call (status callbacks), applied to the call's state.

What each report means is `domain/provider_status.py`; this only verifies, looks the meaning up and moves
the call through the state machine.
"""

import logging
from collections.abc import Mapping
from typing import Any

from calls_platform.domain import provider_status
from calls_platform.domain.calls import CallStatus
from calls_platform.domain.errors import Forbidden
from calls_platform.domain.provider_status import Leg
from calls_platform.use_cases.call_deps import CallDeps
from calls_platform.use_cases.call_endings import call_ended
from calls_platform.use_cases.call_ports import ReportedCall
from calls_platform.use_cases.provider_ports import ProviderCallEvent, StatusCallbacks

log = logging.getLogger(__name__)


def handle_status_callback(
    deps: CallDeps,
    callbacks: StatusCallbacks,
    url: str,
    params: Mapping[str, str],
    signature: str | None,
    query: Mapping[str, str] | None = None,
) -> None:
    """A provider's signed status callback: forged ones change nothing; unknown statuses are ignored. The
    signature covers `url`, query included, so the call it names is the one we gave the provider."""
    if not callbacks.verify(url, params, signature):
        log.warning("status callback rejected: invalid signature")
        raise Forbidden()
    event = callbacks.parse(params, query or {})
    if event is None or not provider_status.is_known(event.status, event.leg):
        log.info("status callback without a known status ignored")
        return
    record_provider_event(deps, event)


def record_provider_event(deps: CallDeps, event: ProviderCallEvent) -> None:
    """Move the call; a repeated, late or out-of-order event changes nothing and is not an error."""
    extra: dict[str, Any] = {"provider_call_id": event.provider_call_id, "provider_status": str(event.status)}
    if event.call_id is not None:
        extra["call_id"] = str(event.call_id)
    if event.leg is Leg.BROWSER:
        extra["leg"] = "browser"
    outcome = provider_status.outcome(event.status, event.leg)
    if outcome is None:
        log.info("browser leg progress noted; the phone's leg drives the call", extra=extra)
        return
    billed = event.duration if outcome.billed else None  # the phone leg's talk time
    found = deps.calls.transition_by_provider_id(
        ReportedCall(event.provider_call_id, event.call_id),
        outcome.status,
        deps.clock.now(),
        outcome.reason,
        billed,
        only_from=outcome.only_from,
    )
    if found is None:
        log.warning("status callback for an unknown call", extra=extra)
        return
    extra["call_id"] = str(found.call.call_id)
    if not found.changed:
        if billed is not None and outcome.status is CallStatus.COMPLETED:
            _correct_billed_duration(deps, event, billed, extra)
            return
        log.info("stale or repeated status callback ignored", extra={**extra, "status": found.call.status.value})
        return
    log.info("call status changed", extra={**extra, "previous": found.previous.value})
    if found.call.status.is_final:
        call_ended(deps, found.call)


def _correct_billed_duration(deps: CallDeps, event: ProviderCallEvent, duration: int, extra: dict[str, Any]) -> None:
    """The phone leg's `completed` after the call ended here (hung up by the caller, the sweep, or the browser
    leg's report): the provider's own count of talk time replaces ours, as it is what the provider bills."""
    corrected = deps.calls.correct_duration(event.provider_call_id, duration, event.call_id)
    if corrected is None:
        log.info("stale or repeated status callback ignored", extra=extra)
        return
    log.info("billed duration corrected by the provider", extra={**extra, "duration": duration})
