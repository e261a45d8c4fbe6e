"""What follows the end of a call, however it ended: its billed time measured, its live session dropped, its
provider leg hung up (retried by the sweep until the provider confirms); and the sweep itself, which ends the
calls nobody reports on."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from calls_platform.domain.calls import Call, CallStatus
from calls_platform.domain.errors import DomainError
from calls_platform.domain.phone import mask_numbers
from calls_platform.use_cases import live

if TYPE_CHECKING:
    from calls_platform.use_cases.call_deps import CallDeps
    from calls_platform.use_cases.ports import SessionStore

log = logging.getLogger(__name__)


def end_at_provider(deps: CallDeps, call: Call, last_known: CallStatus) -> None:
    """What follows ending a call here: its billed time measured, its session dropped, its provider leg hung
    up. Until a status callback stored the provider's id on the call, the session holds it, and its delete
    hands it back (no extra round trip)."""
    deps.metrics.seconds("CallDuration", call.duration or 0)
    removed, in_session = _drop_session(deps.sessions, call)
    if not removed and not call.provider_call_id:  # the session, still there, holds the id: the sweep uses it
        _mark_hangup_pending(deps, call)
        return
    _hang_up_quietly(deps, dataclasses.replace(call, provider_call_id=call.provider_call_id or in_session), last_known)


def _hang_up_quietly(deps: CallDeps, call: Call, last_known: CallStatus) -> None:
    # The call is already recorded as ended; a provider that fails to hang up must not undo that, nor leave
    # the provider's leg running unseen: the call is marked, and the sweep retries until the provider confirms.
    if not call.provider_call_id:
        return
    try:
        deps.voip.hang_up(call.provider_call_id, last_known)
    except DomainError as error:
        log.error(
            "failed to hang up voip call",
            extra={"call_id": str(call.call_id), "provider_call_id": call.provider_call_id, "cause": cause(error)},
        )
        _mark_hangup_pending(deps, call)


def _mark_hangup_pending(deps: CallDeps, call: Call) -> None:
    """The sweep retries the hang-up; the provider's id, when known here, is kept on the call for it."""
    try:
        deps.calls.mark_hangup_pending(call.call_id, True, call.provider_call_id)
    except DomainError as mark_error:
        log.critical(
            "could not mark a call whose hang-up failed; its provider leg may still run",
            extra={
                "call_id": str(call.call_id),
                "provider_call_id": call.provider_call_id,
                "cause": cause(mark_error),
            },
        )


def cause(error: DomainError) -> str:
    """What to log of an error: its detail when it has one, any phone number in it masked."""
    return mask_numbers(getattr(error, "cause", "") or error.message)


def retry_pending_hang_ups(deps: CallDeps, limit: int = 50) -> list[Call]:
    """Calls ended here whose provider leg may still run: hang up again; clear the mark once the provider
    confirms (a call it already ended counts). Canceling first, then completing what turns out answered,
    ends the leg whatever state it is in. A call marked before any status callback stored its provider id
    (its session could not be removed) finds the id in that session (one read, on this rare path)."""
    confirmed = []
    for call in deps.calls.pending_hang_ups(limit):
        try:
            provider_call_id = call.provider_call_id or deps.sessions.provider_call_id(call.session_id)
            if provider_call_id:  # none left anywhere: the session expired, and the provider's time limit holds
                deps.voip.hang_up(provider_call_id, CallStatus.RINGING)
        except DomainError as error:
            log.error(
                "hang-up retry failed; will retry",
                extra={"call_id": str(call.call_id), "provider_call_id": call.provider_call_id, "cause": cause(error)},
            )
            continue
        deps.calls.mark_hangup_pending(call.call_id, False, provider_call_id)
        if not call.provider_call_id:
            remove_session(deps.sessions, call)
        log.info(
            "provider hang-up confirmed" if provider_call_id else "no provider id left: its time limit ends the call",
            extra={"call_id": str(call.call_id), "provider_call_id": provider_call_id},
        )
        confirmed.append(call)
    return confirmed


def call_ended(deps: CallDeps, call: Call) -> None:
    """What follows any end of a call: its billed time is measured and its live session dropped."""
    deps.metrics.seconds("CallDuration", call.duration or 0)
    remove_session(deps.sessions, call)


def remove_session(sessions: SessionStore, call: Call) -> None:
    """Drop the live session of an ended call. If the store fails, the item's TTL still removes it."""
    _drop_session(sessions, call)


def _drop_session(sessions: SessionStore, call: Call) -> tuple[bool, str | None]:
    """Whether the session is gone, and the provider's id it held (None if it held none)."""
    try:
        in_session = sessions.remove(call.session_id)
    except DomainError as error:
        log.error("failed to remove session", extra={"call_id": str(call.call_id), "cause": error.message})
        return False, None
    log.info("session removed", extra={"call_id": str(call.call_id), "session_id": call.session_id})
    return True, in_session


# A provider reports a call within seconds; one unanswered after this long never will be.
UNANSWERED_TIMEOUT = timedelta(minutes=3)


def sweep_stale_calls(deps: CallDeps) -> list[Call]:
    """No call stays live forever: those whose page stopped polling end (`page_gone`, billed to the last
    heartbeat); those nobody reported on are failed (timeout). Each is hung up and its session dropped. Runs
    on a schedule; also reports how many calls are live."""
    now = deps.clock.now()
    silent = live.end_silent_calls(deps, now)
    for ended in silent:
        end_at_provider(deps, ended.call, ended.previous)
    closed = deps.calls.fail_stale(now - UNANSWERED_TIMEOUT, now - deps.session_ttl, now)
    for call in closed:
        log.warning(
            "stale call closed", extra={"call_id": str(call.call_id), "provider_call_id": call.provider_call_id}
        )
        end_at_provider(deps, call, CallStatus.ACTIVE if call.answer_time else CallStatus.RINGING)
    closed = [ended.call for ended in silent] + closed
    retry_pending_hang_ups(deps)
    deps.metrics.count("ActiveCalls", deps.calls.count_live())
    return closed
