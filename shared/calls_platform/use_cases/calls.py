"""A placed call's own life: the page's poll of it (its heartbeat), and its caller hanging up. Placing one is
initiate.py, answering its offer answer.py, the history history.py; what they share, call_deps.py."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from calls_platform.domain.calls import CallStatus, parse_call_id, parse_hang_up_reason
from calls_platform.domain.errors import CallAlreadyEnded, CallNotFound, CallTerminationFailed
from calls_platform.use_cases import live
from calls_platform.use_cases.call_endings import end_at_provider

if TYPE_CHECKING:
    from calls_platform.domain.calls import Call
    from calls_platform.domain.users import Caller
    from calls_platform.use_cases.call_deps import CallDeps

log = logging.getLogger(__name__)


def terminate_call(deps: CallDeps, caller: Caller, call_id: object, reason: object = None) -> Call:
    """The caller ends the call: hung up, or (said by its page) its media connection was lost."""
    cid = parse_call_id(call_id)
    why = parse_hang_up_reason(reason)
    outcome = deps.calls.transition(cid, CallStatus.COMPLETED, deps.clock.now(), owner=caller, reason=why)
    if outcome is None:
        raise CallNotFound()
    call = outcome.call
    if call.user_id != caller.user_id:
        log.warning(
            "unauthorized call termination attempt", extra={"call_id": str(cid), "user_id": str(caller.user_id)}
        )
        raise CallTerminationFailed()
    if not outcome.changed:
        raise CallAlreadyEnded(call.status.value)
    end_at_provider(deps, call, outcome.previous)
    log.info("call terminated successfully", extra={"call_id": str(cid), "duration": call.duration})
    return call


def get_call(deps: CallDeps, caller: Caller, call_id: object) -> Call:
    """The caller's own call; someone else's is reported as not found, revealing nothing. The page polls its
    live call with this: each poll is the page's heartbeat (use_cases/live.py)."""
    call = deps.calls.get(parse_call_id(call_id), caller)
    if call is None or call.user_id != caller.user_id:
        raise CallNotFound()
    live.page_seen(deps, call)
    return call
