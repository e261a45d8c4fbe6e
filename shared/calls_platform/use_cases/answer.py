"""The browser's answer to a call's SDP offer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from calls_platform.domain.calls import parse_call_id
from calls_platform.domain.errors import CallAlreadyAnswered, CallAlreadyEnded, CallAnswerFailed, CallNotFound
from calls_platform.domain.sdp import check_answer

if TYPE_CHECKING:
    from calls_platform.domain.calls import Call
    from calls_platform.domain.users import Caller
    from calls_platform.use_cases.call_deps import CallDeps

log = logging.getLogger(__name__)


def answer_call(deps: CallDeps, caller: Caller, call_id: object, sdp_answer: object) -> Call:
    """Store the browser's SDP answer to the call's offer; with the mock provider this connects the call."""
    call = deps.calls.get(parse_call_id(call_id), caller)
    if call is None:
        raise CallNotFound()
    if call.user_id != caller.user_id:
        raise CallAnswerFailed()
    _check_answerable(call)
    answer = check_answer(call.sdp_offer, sdp_answer)
    stored = deps.calls.record_answer(
        call.call_id, caller, answer, deps.voip.connects_on_browser_answer, deps.clock.now()
    )
    if stored is None:
        raise CallNotFound()
    if not stored.changed:  # another request answered or ended it in between
        _check_answerable(stored.call)
    deps.voip.accept_answer(stored.call, answer)
    log.info("call answered", extra={"call_id": str(call.call_id), "status": stored.call.status.value})
    return stored.call


def _check_answerable(call: Call) -> None:
    if call.status.is_final:
        raise CallAlreadyEnded(call.status.value)
    if call.sdp_answer is not None:
        raise CallAlreadyAnswered()
