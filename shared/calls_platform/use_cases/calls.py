"""Placing, ending and listing calls."""

import dataclasses
import logging
from datetime import timedelta

from calls_platform.domain import history
from calls_platform.domain.calls import (
    Call,
    CallLimits,
    CallStatus,
    EndReason,
    call_time_limit,
    parse_call_id,
    parse_hang_up_reason,
)
from calls_platform.domain.errors import (
    CallAlreadyAnswered,
    CallAlreadyEnded,
    CallAnswerFailed,
    CallInitiationFailed,
    CallNotFound,
    CallTerminationFailed,
    ConfigurationError,
    DomainError,
    EmailNotVerified,
    UnknownUser,
    VoipNotConfigured,
)
from calls_platform.domain.phone import check_destination, mask, mask_numbers, parse_e164
from calls_platform.domain.sdp import check_answer
from calls_platform.domain.sessions import LiveSession
from calls_platform.domain.users import Caller
from calls_platform.use_cases import live
from calls_platform.use_cases.account_ports import VerifiedEmails
from calls_platform.use_cases.call_limits import count_attempt
from calls_platform.use_cases.ports import (
    CallRepository,
    Clock,
    Metrics,
    RateLimiter,
    SessionStore,
    UserRepository,
    VoiceToken,
    VoiceTokens,
    VoipProvider,
)

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class CallDeps:
    calls: CallRepository
    sessions: SessionStore
    voip: VoipProvider
    voice_tokens: VoiceTokens
    clock: Clock
    session_ttl: timedelta
    metrics: Metrics
    limiter: RateLimiter
    limits: CallLimits = dataclasses.field(default_factory=CallLimits)
    heartbeat_grace: timedelta = timedelta(seconds=30)  # a live call's page silent longer than this: ended
    verified_emails: VerifiedEmails | None = None  # set where calls cost money (Twilio): they need a verified email


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
            extra={"call_id": str(call.call_id), "phone_number": mask(number), "cause": _cause(error)},
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
        extra = {"call_id": str(call.call_id), "phone_number": mask(call.phone_number), "cause": _cause(error)}
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
            "orphan call: could not hang up after failing to record it", extra={**extra, "cause": _cause(error)}
        )
    _mark_failed(deps, call)


def _mark_failed(deps: CallDeps, call: Call) -> None:
    """A recorded call that never got through ends as failed (and frees its live-call slot)."""
    try:
        deps.calls.transition(call.call_id, CallStatus.FAILED, deps.clock.now(), reason=EndReason.FAILED)
    except DomainError as error:
        extra = {"call_id": str(call.call_id), "cause": error.message}
        log.error("could not mark unplaced call as failed", extra=extra)


def terminate_call(deps: CallDeps, caller: Caller, call_id: object, reason: object = None) -> Call:
    """The caller ends the call: hung up, or (said by its page) its media connection was lost."""
    cid = parse_call_id(call_id)
    why = parse_hang_up_reason(reason)
    moved = deps.calls.transition(cid, CallStatus.COMPLETED, deps.clock.now(), owner=caller, reason=why)
    if moved is None:
        raise CallNotFound()
    call = moved.call
    if call.user_id != caller.user_id:
        log.warning(
            "unauthorized call termination attempt", extra={"call_id": str(cid), "user_id": str(caller.user_id)}
        )
        raise CallTerminationFailed()
    if not moved.moved:
        raise CallAlreadyEnded(call.status.value)
    _end_at_provider(deps, call, moved.previous)
    log.info("call terminated successfully", extra={"call_id": str(cid), "duration": call.duration})
    return call


def _end_at_provider(deps: CallDeps, call: Call, last_known: CallStatus) -> None:
    """What follows ending a call here: its billed time measured, its session dropped, its provider leg hung
    up. Until a status callback stored the provider's id on the call, the session holds it, and its delete
    hands it back (no extra round trip)."""
    deps.metrics.seconds("CallDuration", call.duration or 0)
    try:
        in_session = deps.sessions.remove(call.session_id)
    except DomainError as error:
        log.error("failed to remove session", extra={"call_id": str(call.call_id), "cause": error.message})
        if not call.provider_call_id:  # the session, still there, holds the id: the sweep hangs up with it
            _mark_hangup_pending(deps, call)
            return
        in_session = None
    else:
        log.info("session removed", extra={"call_id": str(call.call_id), "session_id": call.session_id})
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
            extra={"call_id": str(call.call_id), "provider_call_id": call.provider_call_id, "cause": _cause(error)},
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
                "cause": _cause(mark_error),
            },
        )


def _cause(error: DomainError) -> str:
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
                extra={"call_id": str(call.call_id), "provider_call_id": call.provider_call_id, "cause": _cause(error)},
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
    try:
        sessions.remove(call.session_id)
    except DomainError as error:
        log.error("failed to remove session", extra={"call_id": str(call.call_id), "cause": error.message})
        return
    log.info("session removed", extra={"call_id": str(call.call_id), "session_id": call.session_id})


# A provider reports a call within seconds; one unanswered after this long never will be.
UNANSWERED_TIMEOUT = timedelta(minutes=3)


def sweep_stale_calls(deps: CallDeps) -> list[Call]:
    """No call stays live forever: those whose page stopped polling end (`page_gone`, billed to the last
    heartbeat); those nobody reported on are failed (timeout). Each is hung up and its session dropped. Runs
    on a schedule; also reports how many calls are live."""
    now = deps.clock.now()
    silent = live.end_silent_calls(deps, now)
    for moved in silent:
        _end_at_provider(deps, moved.call, moved.previous)
    closed = deps.calls.fail_stale(now - UNANSWERED_TIMEOUT, now - deps.session_ttl, now)
    for call in closed:
        log.warning(
            "stale call closed", extra={"call_id": str(call.call_id), "provider_call_id": call.provider_call_id}
        )
        _end_at_provider(deps, call, CallStatus.ACTIVE if call.answer_time else CallStatus.RINGING)
    closed = [moved.call for moved in silent] + closed
    retry_pending_hang_ups(deps)
    deps.metrics.count("ActiveCalls", deps.calls.count_live())
    return closed


def voice_token(tokens: VoiceTokens, users: UserRepository, caller: Caller) -> VoiceToken | None:
    """A fresh token for the browser's Voice SDK client (None where the provider needs none). A provider token
    is handed out only to a caller still signed in (user there, family not logged out): the one statement
    this request runs, and only when there is a token to hand out."""
    try:
        token = tokens.issue(caller.user_id)
    except ConfigurationError as error:  # only the provider's keys are read here: say so without naming them
        log.error("voip provider not configured", extra={"cause": error.message})
        raise VoipNotConfigured(error.message) from None
    if token is not None and not users.is_signed_in(caller):
        raise UnknownUser()
    return token


@dataclasses.dataclass(frozen=True)
class HistoryPage:
    entries: list[history.HistoryEntry]
    next_cursor: str | None

    @property
    def calls(self) -> list[Call]:
        return [entry.call for entry in self.entries]


def call_history(
    deps: CallDeps,
    caller: Caller,
    limit: str | None = None,
    cursor: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> HistoryPage:
    """A page of the caller's history, each call with its contact's name; `q` finds a contact's name or digits
    of the number."""
    size = history.parse_limit(limit)
    # One row more than asked says whether another page follows, without a count query.
    rows = deps.calls.history(
        caller, size + 1, history.decode_cursor(cursor), history.parse_status(status), history.parse_search(q)
    )
    page = rows[:size]
    return HistoryPage(page, history.encode_cursor(page[-1].call) if len(rows) > size else None)


def get_call(deps: CallDeps, caller: Caller, call_id: object) -> Call:
    """The caller's own call; someone else's is reported as not found, revealing nothing. The page polls its
    live call with this: each poll is the page's heartbeat (use_cases/live.py)."""
    call = deps.calls.get(parse_call_id(call_id), caller)
    if call is None or call.user_id != caller.user_id:
        raise CallNotFound()
    live.page_seen(deps, call)
    return call


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
    if not stored.moved:  # another request answered or ended it in between
        _check_answerable(stored.call)
    deps.voip.accept_answer(stored.call, answer)
    log.info("call answered", extra={"call_id": str(call.call_id), "status": stored.call.status.value})
    return stored.call


def _check_answerable(call: Call) -> None:
    if call.status.is_final:
        raise CallAlreadyEnded(call.status.value)
    if call.sdp_answer is not None:
        raise CallAlreadyAnswered()
