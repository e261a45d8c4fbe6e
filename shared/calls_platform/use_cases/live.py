"""Never a stranded call: the page's heartbeat, the end of calls whose page fell silent, and the account's live
calls for a page that was reloaded (docs/live-calls.md).

The heartbeat is the page's own poll of its call (GET /api/calls/{call_id}, about once a second while a call is
live): no second request, and any page showing the call (a reloaded one, a second tab) keeps it alive. It is
one write to the call's live session in DynamoDB, never a Postgres write a second; the sweep reads the
silent sessions back and ends their calls in Postgres, billed to the last heartbeat.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from calls_platform.domain.calls import CallStatus, EndReason
from calls_platform.domain.errors import DomainError

if TYPE_CHECKING:
    from datetime import datetime

    from calls_platform.domain.calls import Call
    from calls_platform.domain.users import Caller
    from calls_platform.use_cases.call_deps import CallDeps
    from calls_platform.use_cases.ports import Transition

log = logging.getLogger(__name__)


def page_seen(deps: CallDeps, call: Call) -> None:
    """A page polled its live call: note the heartbeat. A store that fails costs this heartbeat only: the poll
    still answers, and the grace outlasts a few missed ones."""
    if call.status.is_final:
        return
    try:
        deps.sessions.touch(call.session_id, deps.clock.now())
    except DomainError as error:
        log.warning("heartbeat not recorded", extra={"call_id": str(call.call_id), "cause": error.message})


def end_silent_calls(deps: CallDeps, now: datetime) -> list[Transition]:
    """End the calls whose page fell silent for longer than the grace: `completed` with `page_gone`, as if the
    caller had hung up at the last heartbeat (so billed to it, not to when the sweep noticed). Returns the
    calls this moved; the caller of this (the sweep) hangs them up at the provider and drops their sessions."""
    ended_here = []
    for session in deps.sessions.silent_since(now - deps.heartbeat_grace):
        at = session.last_seen or now
        ended = deps.calls.transition(session.call_id, CallStatus.COMPLETED, at, reason=EndReason.PAGE_GONE)
        if ended is None or not ended.changed:  # ended meanwhile, by the page, the provider or an earlier sweep
            continue
        log.warning(
            "call ended: its page stopped polling",
            extra={"call_id": str(session.call_id), "last_seen": at.isoformat(), "duration": ended.call.duration},
        )
        ended_here.append(ended)
    return ended_here


def live_calls(deps: CallDeps, caller: Caller) -> list[Call]:
    """The caller's live calls, newest first: what a reloaded page (or another tab) shows, with Hang up."""
    return deps.calls.live_for_user(caller)
