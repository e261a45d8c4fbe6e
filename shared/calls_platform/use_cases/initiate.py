"""Placing a call: the number checked, the call recorded within the user's limits, dialled, its live session kept."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from calls_platform.domain.calls import Call, CallStatus, EndReason, call_time_limit
from calls_platform.domain.errors import CallInitiationFailed, DomainError, EmailNotVerified, VoipNotConfigured
from calls_platform.domain.phone import check_destination, mask, parse_e164
from calls_platform.domain.sessions import LiveSession
from calls_platform.use_cases.call_endings import cause
from calls_platform.use_cases.call_limits import count_attempt

if TYPE_CHECKING:
    from calls_platform.domain.users import Caller
    from calls_platform.use_cases.call_deps import CallDeps
    from calls_platform.use_cases.call_ports import VoiceToken

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class InitiatedCall:
    call: Call
    voice_token: VoiceToken | None  # for the browser leg (Twilio Voice SDK); None in mock mode


def initiate_call(deps: CallDeps, caller: Caller, phone_number: object) -> InitiatedCall:
    """Check the number, record the call within the user's limits (one statement), dial, keep the provider's
    id in the live session (no second statement: status callbacks name the call and store the id)."""
    _check_provider_configured(deps)
    if deps.verified_emails is not None and not deps.verified_emails.is_verified(caller):
        raise EmailNotVerified()
    number = parse_e164(phone_number)
    check_destination(number, deps.limits.countries, deps.limits.denied_countries)
    count_attempt(deps.limiter, deps.limits, caller)
    now = deps.clock.now()
    call = _with_offer(deps, Call.start(caller.user_id, number, "", now))
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    left_today = deps.calls.open(caller, call, deps.limits, day_start)
    seconds_left = call_time_limit(left_today, now, day_start, deps.limits.daily_minutes)
    deps.metrics.count("CallAttempts")
    try:
        # The provider ends the call when today's minutes run out (or, past midnight, tomorrow's): the limit
        # holds during the call, not only when it starts.
        call = call.placed(deps.voip.place_call(call, max_seconds=seconds_left))
    except CallInitiationFailed as error:
        deps.metrics.count("VoipErrors")
        log.error(
            "failed to initiate voip call",
            extra={"call_id": str(call.call_id), "phone_number": mask(number), "cause": cause(error)},
        )
        _mark_failed(deps, call)
        raise
    except DomainError:  # the provider refused the number itself (4xx): as if never asked, nothing kept
        deps.calls.discard(call.call_id)
        raise
    _record(deps, call)
    deps.metrics.count("CallsInitiated")
    log.info("call initiated successfully", extra={"call_id": str(call.call_id), "phone_number": mask(number)})
    return InitiatedCall(call, deps.voice_tokens.issue(caller.user_id))


def _with_offer(deps: CallDeps, call: Call) -> Call:
    """The media's offer comes first: without one (the media peer down), nothing is recorded or dialled."""
    try:
        return call.with_offer(deps.voip.audio_offer(call))
    except CallInitiationFailed as error:
        deps.metrics.count("VoipErrors")
        extra = {"call_id": str(call.call_id), "phone_number": mask(call.phone_number), "cause": cause(error)}
        log.error("failed to initiate voip call", extra=extra)
        raise


def _check_provider_configured(deps: CallDeps) -> None:
    """First of all: a provider missing settings gets a 503 before anything is dialled or recorded (and so a
    retried Idempotency-Key dials nothing either)."""
    try:
        deps.voip.ensure_configured()
    except VoipNotConfigured as error:
        log.error("voip provider not configured", extra={"cause": error.cause})
        raise


def _record(deps: CallDeps, call: Call) -> None:
    """Store the live session with the provider's id; if that fails, hang up so no call runs unrecorded."""
    try:
        deps.sessions.add(
            LiveSession.for_call(
                call.session_id, call.call_id, call.user_id, call.start_time, deps.session_ttl, call.provider_call_id
            )
        )
    except Exception:  # whatever failed, a placed call that history does not show must not keep running
        _compensate(deps, call)
        raise
    log.info("session added", extra={"call_id": str(call.call_id), "session_id": call.session_id})


def _compensate(deps: CallDeps, call: Call) -> None:
    extra = {"call_id": str(call.call_id), "provider_call_id": call.provider_call_id}
    try:
        if call.provider_call_id:  # a placed call has one; nothing to hang up otherwise
            deps.voip.hang_up(call.provider_call_id, call.status)
    except DomainError as error:
        log.critical(
            "orphan call: could not hang up after failing to record it", extra={**extra, "cause": cause(error)}
        )
    _mark_failed(deps, call)


def _mark_failed(deps: CallDeps, call: Call) -> None:
    """A recorded call that never got through ends as failed (and frees its live-call slot)."""
    try:
        deps.calls.transition(call.call_id, CallStatus.FAILED, deps.clock.now(), reason=EndReason.FAILED)
    except DomainError as error:
        extra = {"call_id": str(call.call_id), "cause": error.message}
        log.error("could not mark unplaced call as failed", extra=extra)
