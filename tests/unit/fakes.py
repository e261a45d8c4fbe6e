"""In-memory fakes of the ports: the use cases run against them with no I/O."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from calls_platform.adapters.voip.mock import NoVoiceTokens
from calls_platform.domain.calls import Call, CallLimits, CallStatus, EndReason, HistoryPosition, can_move
from calls_platform.domain.errors import ServiceUnavailable, UserAlreadyExists, VoipUnavailable
from calls_platform.domain.sessions import LiveSession
from calls_platform.domain.users import User
from calls_platform.use_cases.auth import AuthDeps
from calls_platform.use_cases.calls import CallDeps
from calls_platform.use_cases.ports import (
    Limit,
    RateDecision,
    RefreshClaims,
    RefreshUse,
    TokenService,
    Transition,
)


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 2, 3, 12, 34, 56, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class FakeUsers:
    def __init__(self) -> None:
        self.by_id: dict[uuid.UUID, User] = {}

    def add(self, email: str, password_hash: str) -> User:
        if self.get_by_email(email):
            raise UserAlreadyExists()
        user = User(uuid.uuid4(), email, password_hash, datetime.now(UTC))
        self.by_id[user.user_id] = user
        return user

    def exists(self, user_id: uuid.UUID) -> bool:
        return user_id in self.by_id

    def get_by_email(self, email: str) -> User | None:
        return next((u for u in self.by_id.values() if u.email.lower() == email.lower()), None)


class FakeCalls:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Call] = {}
        self.pending: set[uuid.UUID] = set()  # marked for the sweep's hang-up retry
        self.fail_next_add = False

    def add(self, call: Call) -> None:
        if self.fail_next_add:
            self.fail_next_add = False
            raise ServiceUnavailable("database unavailable")
        self.rows[call.call_id] = call

    def open(self, call: Call, limits: CallLimits, day_start: datetime) -> None:
        from calls_platform.domain.errors import CallInProgress

        live = [c for c in self.rows.values() if c.user_id == call.user_id and not c.status.is_final]
        if len(live) >= limits.live_calls:
            raise CallInProgress(f"another call is in progress (call_id {live[0].call_id})")
        self.rows[call.call_id] = call

    def discard(self, call_id: uuid.UUID) -> None:
        self.rows.pop(call_id, None)

    def record_placed(self, call: Call) -> None:
        if self.fail_next_add:
            self.fail_next_add = False
            raise ServiceUnavailable("database unavailable")
        self.rows[call.call_id] = call

    def transition(
        self,
        call_id: uuid.UUID,
        target: CallStatus,
        at: datetime,
        *,
        owner: uuid.UUID | None = None,
        reason: EndReason | None = None,
        duration: int | None = None,
    ) -> Transition | None:
        call = self.rows.get(call_id)
        if call is None:
            return None
        if (owner and call.user_id != owner) or not can_move(call.status, target):
            return Transition(call, call.status, moved=False)
        if target.is_final:
            moved = call.ended(target, at, reason, duration)
        else:
            answered = max(at, call.start_time) if target is CallStatus.ACTIVE else call.answer_time
            moved = dataclasses.replace(call, status=target, answer_time=answered)
        self.rows[call_id] = moved
        return Transition(moved, call.status, moved=True)

    def transition_by_provider_id(
        self,
        provider_call_id: str,
        target: CallStatus,
        at: datetime,
        reason: EndReason | None,
        duration: int | None,
        only_from: frozenset[CallStatus] | None = None,
    ) -> Transition | None:
        call = next((c for c in self.rows.values() if c.provider_call_id == provider_call_id), None)
        if call is not None and only_from is not None and call.status not in only_from:
            return Transition(call, call.status, moved=False)
        return None if call is None else self.transition(call.call_id, target, at, reason=reason, duration=duration)

    def mark_hangup_pending(self, call_id: uuid.UUID, pending: bool) -> None:
        (self.pending.add if pending else self.pending.discard)(call_id)

    def pending_hang_ups(self, limit: int) -> list[Call]:
        return [self.rows[c] for c in sorted(self.pending, key=str)][:limit]

    def correct_duration(self, provider_call_id: str, duration: int) -> Call | None:
        call = next((c for c in self.rows.values() if c.provider_call_id == provider_call_id), None)
        if call is None or call.answer_time is None or not call.status.is_final or call.duration == duration:
            return None
        self.rows[call.call_id] = dataclasses.replace(call, duration=duration)
        return self.rows[call.call_id]

    def record_answer(
        self, call_id: uuid.UUID, owner: uuid.UUID, sdp_answer: str, activate: bool, at: datetime
    ) -> Transition | None:
        call = self.rows.get(call_id)
        if call is None:
            return None
        if call.user_id != owner or call.sdp_answer is not None or call.status.is_final:
            return Transition(call, call.status, moved=False)
        answered = dataclasses.replace(call, sdp_answer=sdp_answer)
        if activate and can_move(call.status, CallStatus.ACTIVE):
            answered = dataclasses.replace(answered, status=CallStatus.ACTIVE, answer_time=max(at, call.start_time))
        self.rows[call_id] = answered
        return Transition(answered, call.status, moved=True)

    def fail_stale(self, unanswered_before: datetime, active_before: datetime, at: datetime) -> list[Call]:
        stale = [
            c
            for c in self.rows.values()
            if (c.status in (CallStatus.CONNECTING, CallStatus.RINGING) and c.start_time < unanswered_before)
            or (c.status is CallStatus.ACTIVE and c.start_time < active_before)
        ]
        for call in stale:
            self.rows[call.call_id] = call.ended(CallStatus.FAILED, at, EndReason.TIMEOUT)
        return [self.rows[c.call_id] for c in stale]

    def count_live(self) -> int:
        return sum(1 for c in self.rows.values() if not c.status.is_final)

    def get(self, call_id: uuid.UUID, viewer: uuid.UUID) -> Call | None:
        return self.rows.get(call_id)

    def list_for_user(
        self,
        user_id: uuid.UUID,
        limit: int,
        before: HistoryPosition | None = None,
        status: CallStatus | None = None,
    ) -> list[Call]:
        def key(c: Call) -> tuple[datetime, uuid.UUID]:
            return (c.start_time, c.call_id)

        mine = [c for c in self.rows.values() if c.user_id == user_id and (status is None or c.status is status)]
        if before is not None:
            mine = [c for c in mine if key(c) < (before.start_time, before.call_id)]
        return sorted(mine, key=key, reverse=True)[:limit]


class FakeSessions:
    def __init__(self) -> None:
        self.items: dict[str, LiveSession] = {}
        self.fail_adds = False
        self.fail_removes = False

    def add(self, session: LiveSession) -> None:
        if self.fail_adds:
            raise ServiceUnavailable("session store unavailable")
        self.items[session.session_id] = session

    def remove(self, session_id: str) -> None:
        if self.fail_removes:
            raise ServiceUnavailable("session store unavailable")
        self.items.pop(session_id, None)

    def get(self, session_id: str, now: datetime) -> LiveSession | None:
        session = self.items.get(session_id)
        return None if session is None or session.is_expired(now) else session


class FakeVoip:
    connects_on_browser_answer = True

    def __init__(self) -> None:
        self.placed: list[uuid.UUID] = []
        self.hung_up: list[str] = []
        self.fail_place: str | None = None
        self.fail_hang_up = False

    def ensure_configured(self) -> None:
        pass

    def place_call(self, call: Call) -> str:
        if self.fail_place:
            raise VoipUnavailable(self.fail_place)
        self.placed.append(call.call_id)
        return f"fake-{call.call_id.hex}"

    def hang_up(self, provider_call_id: str, status: CallStatus) -> None:
        if self.fail_hang_up:
            raise VoipUnavailable("hang-up refused")
        self.hung_up.append(provider_call_id)


class FakePasswords:
    """Reversible on purpose: unit tests check the flow, the argon2 adapter has its own tests."""

    def __init__(self) -> None:
        self.burned = 0

    def hash(self, password: str) -> str:
        return "fake$" + password[::-1]

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)

    def burn(self, password: str) -> None:
        self.burned += 1


class FakeRefreshTokens:
    def __init__(self) -> None:
        self.used: set[str] = set()
        self.revoked: dict[uuid.UUID, str] = {}  # family -> why

    def use(self, claims: RefreshClaims) -> RefreshUse:
        if claims.family in self.revoked:
            return RefreshUse.REVOKED
        if claims.token_hash in self.used:
            return RefreshUse.REUSED
        self.used.add(claims.token_hash)
        return RefreshUse.FIRST_USE

    def revoke_family(self, claims: RefreshClaims, reason: str) -> None:
        self.revoked.setdefault(claims.family, reason)

    def is_revoked(self, family: uuid.UUID) -> bool:
        return family in self.revoked


class FakeLimiter:
    """Counts without windows: tests of windows use the DynamoDB adapter against moto."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    def reserve(self, limits: list[Limit]) -> RateDecision:
        full = [limit for limit in limits if self.hits.get(limit.key, 0) >= limit.ceiling]
        if full:
            return RateDecision(False, max(limit.window_s for limit in full))
        for limit in limits:
            self.hits[limit.key] = self.hits.get(limit.key, 0) + 1
        return RateDecision(True)

    def release(self, limits: list[Limit]) -> None:
        for limit in limits:
            self.hits[limit.key] -= 1


class FakeMetrics:
    def __init__(self) -> None:
        self.recorded: list[tuple[str, float]] = []

    def count(self, name: str, value: int = 1) -> None:
        self.recorded.append((name, value))

    def seconds(self, name: str, value: float) -> None:
        self.recorded.append((name, value))


@dataclasses.dataclass
class World:
    users: FakeUsers
    calls: FakeCalls
    sessions: FakeSessions
    voip: FakeVoip
    passwords: FakePasswords
    clock: FakeClock
    metrics: FakeMetrics = dataclasses.field(default_factory=FakeMetrics)
    limiter: FakeLimiter = dataclasses.field(default_factory=FakeLimiter)
    refresh_tokens: FakeRefreshTokens = dataclasses.field(default_factory=FakeRefreshTokens)

    def call_deps(self) -> CallDeps:
        return CallDeps(
            self.calls,
            self.sessions,
            self.voip,
            NoVoiceTokens(),
            self.clock,
            timedelta(hours=4),
            self.metrics,
            CallLimits(live_calls=100),  # tests of the limits themselves pass their own
        )

    def auth_deps(self, tokens: TokenService) -> AuthDeps:
        return AuthDeps(self.users, self.passwords, tokens, self.refresh_tokens, self.limiter)


def world() -> World:
    return World(FakeUsers(), FakeCalls(), FakeSessions(), FakeVoip(), FakePasswords(), FakeClock())
