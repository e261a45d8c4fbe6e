"""In-memory fakes of the ports: the use cases run against them with no I/O."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from calls_platform.adapters.voip.mock import NoVoiceTokens
from calls_platform.domain.calls import (
    LIVE_STATUSES,
    Call,
    CallLimits,
    CallStatus,
    EndReason,
    HistoryPosition,
    billed_seconds,
    can_move,
    day_share,
)
from calls_platform.domain.contacts import Contact
from calls_platform.domain.errors import (
    CallInitiationFailed,
    CallInProgress,
    ContactAlreadyExists,
    DailyMinutesExceeded,
    ServiceUnavailable,
    TooManyContacts,
    UnknownUser,
    UserAlreadyExists,
)
from calls_platform.domain.history import HistoryEntry, HistorySearch
from calls_platform.domain.sdp import build_audio_offer
from calls_platform.domain.sessions import LiveSession
from calls_platform.domain.users import Caller, User, canonical_email, email_skeleton
from calls_platform.use_cases.auth import AuthDeps
from calls_platform.use_cases.call_deps import CallDeps
from calls_platform.use_cases.contacts import ContactDeps
from calls_platform.use_cases.ports import (
    CallRepository,
    Clock,
    ContactRepository,
    Limit,
    Metrics,
    PasswordHasher,
    RateDecision,
    RateLimiter,
    RefreshClaims,
    RefreshTokenStore,
    RefreshUse,
    ReportedCall,
    SessionStore,
    TokenService,
    Transition,
    UserRepository,
    VoipProvider,
)


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 2, 3, 12, 34, 56, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class FakeAccounts:
    """What the fakes share, as the Postgres adapters share one database: the users, and the revoked token
    families. Every caller check of the fakes reads it, as SIGNED_IN of the adapters reads both tables."""

    def __init__(self) -> None:
        self.users: dict[uuid.UUID, User] = {}
        self.revoked: dict[uuid.UUID, str] = {}  # token family -> why (logout, reuse)
        self.contacts: dict[uuid.UUID, tuple[Contact, str]] = {}  # contact id -> (contact, its name key)

    def contact_name(self, user_id: uuid.UUID, number: str) -> tuple[str, str] | None:
        """(name, name key) of the user's contact for the number (one per number), as history joins it."""
        found = [
            (c.name, key) for c, key in self.contacts.values() if c.user_id == user_id and c.phone_number == number
        ]
        return found[0] if found else None

    def is_signed_in(self, caller: Caller) -> bool:
        return caller.user_id in self.users and caller.family not in self.revoked

    def check(self, caller: Caller) -> None:
        if not self.is_signed_in(caller):
            raise UnknownUser()


class FakeUsers:
    def __init__(self, accounts: FakeAccounts | None = None) -> None:
        self.accounts = accounts or FakeAccounts()
        self.by_id = self.accounts.users

    def add(self, email: str, password_hash: str) -> User:
        if self.get_by_email(email):
            raise UserAlreadyExists()
        if any(email_skeleton(u.email) == email_skeleton(email) for u in self.by_id.values()):
            raise UserAlreadyExists(lookalike=True)
        user = User(uuid.uuid4(), email, password_hash, datetime.now(UTC))
        self.by_id[user.user_id] = user
        return user

    def is_signed_in(self, caller: Caller) -> bool:
        return self.accounts.is_signed_in(caller)

    def get_by_email(self, email: str) -> User | None:
        key = canonical_email(email)
        return next((u for u in self.by_id.values() if canonical_email(u.email) == key), None)


class FakeCalls:
    """Calls in memory, by the same rules as adapters/postgres/calls.py (tests/contract holds them to it):
    the state machine and the billing rule come from the domain."""

    def __init__(self, accounts: FakeAccounts | None = None) -> None:
        self.accounts = accounts or FakeAccounts()
        self.rows: dict[uuid.UUID, Call] = {}
        self.pending: set[uuid.UUID] = set()
        self.opened: set[uuid.UUID] = set()  # calls recorded by `open`: only they hold a live-call slot
        self.fail_next_record = False

    def _fail_once(self) -> None:
        if self.fail_next_record:
            self.fail_next_record = False
            raise ServiceUnavailable("database unavailable")

    def open(self, caller: Caller, call: Call, limits: CallLimits, day_start: datetime) -> int:
        self.accounts.check(caller)
        mine = [c for c in self.rows.values() if c.user_id == caller.user_id]
        spent = sum(
            day_share(
                c.answer_time or c.start_time,
                c.duration if c.duration is not None else billed_seconds(c.answer_time, call.start_time),
                day_start,
            )
            for c in mine
        )
        live = sorted((c for c in mine if c.status in LIVE_STATUSES), key=lambda c: str(c.call_id))
        held = sum(1 for c in live if c.call_id in self.opened)
        if spent >= limits.daily_minutes * 60:
            until_tomorrow = day_start + timedelta(days=1) - call.start_time
            raise DailyMinutesExceeded(
                f"the daily limit of {limits.daily_minutes} calling minutes is used up; it renews at 00:00 UTC",
                max(1, int(until_tomorrow.total_seconds()) + 1),
            )
        if held >= limits.live_calls:
            raise CallInProgress(
                f"another call is in progress (call_id {live[0].call_id}); end it before starting a new one"
            )
        self.rows[call.call_id] = call
        self.opened.add(call.call_id)
        return limits.daily_minutes * 60 - spent

    def discard(self, call_id: uuid.UUID) -> None:
        call = self.rows.get(call_id)
        if call is not None and call.provider_call_id is None:
            del self.rows[call_id]

    def transition(
        self,
        call_id: uuid.UUID,
        target: CallStatus,
        at: datetime,
        *,
        owner: Caller | None = None,
        reason: EndReason | None = None,
        duration: int | None = None,
    ) -> Transition | None:
        if owner is not None:
            self.accounts.check(owner)
        call = self.rows.get(call_id)
        if call is None:
            return None
        if (owner is not None and call.user_id != owner.user_id) or not can_move(call.status, target):
            return Transition(call, call.status, changed=False)
        if target.is_final:
            moved = _ended(call, target, at, reason, duration)
        else:
            answered = max(at, call.start_time) if target is CallStatus.ACTIVE else call.answer_time
            moved = dataclasses.replace(call, status=target, answer_time=answered, end_time=None, end_reason=None)
        self.rows[call_id] = moved
        return Transition(moved, call.status, changed=True)

    def transition_by_provider_id(
        self,
        reported: ReportedCall,
        target: CallStatus,
        at: datetime,
        reason: EndReason | None,
        duration: int | None,
        only_from: frozenset[CallStatus] | None = None,
    ) -> Transition | None:
        provider_call_id, call_id = reported.provider_call_id, reported.call_id
        call = self._reported(provider_call_id, call_id)
        if call is None:
            return None
        if only_from is not None and call.status not in only_from:
            return Transition(call, call.status, changed=False)
        moved = self.transition(call.call_id, target, at, reason=reason, duration=duration)
        if moved is not None and moved.changed and call_id is not None:  # the same statement keeps the SID
            self._keep_provider_id(call.call_id, provider_call_id)
            moved = dataclasses.replace(moved, call=self.rows[call.call_id])
        return moved

    def _reported(self, provider_call_id: str, call_id: uuid.UUID | None) -> Call | None:
        if call_id is not None:
            return self.rows.get(call_id)
        return next((c for c in self.rows.values() if c.provider_call_id == provider_call_id), None)

    def _keep_provider_id(self, call_id: uuid.UUID, provider_call_id: str | None) -> None:
        call = self.rows[call_id]
        if call.provider_call_id is None and provider_call_id:
            self.rows[call_id] = dataclasses.replace(call, provider_call_id=provider_call_id)

    def mark_hangup_pending(self, call_id: uuid.UUID, pending: bool, provider_call_id: str | None = None) -> None:
        (self.pending.add if pending else self.pending.discard)(call_id)
        if call_id in self.rows:
            self._keep_provider_id(call_id, provider_call_id)

    def pending_hang_ups(self, limit: int) -> list[Call]:
        return sorted((self.rows[c] for c in self.pending), key=lambda c: c.start_time)[:limit]

    def correct_duration(self, provider_call_id: str, duration: int, call_id: uuid.UUID | None = None) -> Call | None:
        call = self._reported(provider_call_id, call_id)
        if call is None or call.answer_time is None or not call.status.is_final or call.duration == duration:
            return None
        self.rows[call.call_id] = dataclasses.replace(call, duration=duration)
        self._keep_provider_id(call.call_id, provider_call_id)
        return self.rows[call.call_id]

    def record_answer(
        self, call_id: uuid.UUID, owner: Caller, sdp_answer: str, activate: bool, at: datetime
    ) -> Transition | None:
        self.accounts.check(owner)
        call = self.rows.get(call_id)
        if call is None:
            return None
        if call.user_id != owner.user_id or call.sdp_answer is not None or call.status.is_final:
            return Transition(call, call.status, changed=False)
        answered = dataclasses.replace(call, sdp_answer=sdp_answer)
        if activate and can_move(call.status, CallStatus.ACTIVE):
            answer_time = call.answer_time or max(at, call.start_time)
            answered = dataclasses.replace(answered, status=CallStatus.ACTIVE, answer_time=answer_time)
        self.rows[call_id] = answered
        return Transition(answered, call.status, changed=True)

    def fail_stale(self, unanswered_before: datetime, active_before: datetime, at: datetime) -> list[Call]:
        stale = [
            c
            for c in self.rows.values()
            if (c.status in LIVE_STATUSES - {CallStatus.ACTIVE} and c.start_time < unanswered_before)
            or (c.status is CallStatus.ACTIVE and c.start_time < active_before)
        ]
        for call in stale:
            self.rows[call.call_id] = _ended(call, CallStatus.FAILED, at, EndReason.TIMEOUT)
        return [self.rows[c.call_id] for c in stale]

    def count_live(self) -> int:
        return sum(1 for c in self.rows.values() if c.status in LIVE_STATUSES)

    def get(self, call_id: uuid.UUID, viewer: Caller) -> Call | None:
        self.accounts.check(viewer)
        return self.rows.get(call_id)

    def list_for_user(
        self, caller: Caller, limit: int, before: HistoryPosition | None = None, status: CallStatus | None = None
    ) -> list[Call]:
        return [entry.call for entry in self.history(caller, limit, before, status)]

    def history(
        self,
        caller: Caller,
        limit: int,
        before: HistoryPosition | None = None,
        status: CallStatus | None = None,
        search: HistorySearch | None = None,
    ) -> list[HistoryEntry]:
        self.accounts.check(caller)
        user_id = caller.user_id

        def key(c: Call) -> tuple[datetime, uuid.UUID]:
            return (c.start_time, c.call_id)

        def found(c: Call) -> bool:
            if search is None:
                return True
            named = self.accounts.contact_name(user_id, c.phone_number)
            by_name = named is not None and search.name_key in named[1]
            return by_name or (search.digits is not None and search.digits in c.phone_number)

        mine = [c for c in self.rows.values() if c.user_id == user_id and (status is None or c.status is status)]
        if before is not None:
            mine = [c for c in mine if key(c) < (before.start_time, before.call_id)]
        page = sorted((c for c in mine if found(c)), key=key, reverse=True)[:limit]
        return [HistoryEntry(c, (self.accounts.contact_name(user_id, c.phone_number) or (None,))[0]) for c in page]

    def live_for_user(self, caller: Caller) -> list[Call]:
        self.accounts.check(caller)
        live = [c for c in self.rows.values() if c.user_id == caller.user_id and c.status in LIVE_STATUSES]
        return sorted(live, key=lambda c: (c.start_time, c.call_id), reverse=True)


class FakeContacts:
    """Contacts in memory, by the rules of adapters/postgres/contacts.py (tests/contract holds them to it)."""

    def __init__(self, accounts: FakeAccounts | None = None) -> None:
        self.accounts = accounts or FakeAccounts()
        self.rows = self.accounts.contacts

    def _mine(self, caller: Caller) -> list[tuple[Contact, str]]:
        self.accounts.check(caller)
        return [(c, key) for c, key in self.rows.values() if c.user_id == caller.user_id]

    def add(self, caller: Caller, contact: Contact, name_key: str, cap: int) -> Contact:
        mine = self._mine(caller)
        same = [c for c, _ in mine if c.phone_number == contact.phone_number]
        if same:
            raise ContactAlreadyExists(f"you already have a contact for this number (contact_id {same[0].contact_id})")
        if len(mine) >= cap:
            raise TooManyContacts(f"you have {len(mine)} contacts, the most one account may keep; delete some first")
        self.rows[contact.contact_id] = (contact, name_key)
        return contact

    def list(self, caller: Caller) -> list[Contact]:
        return [c for c, _ in sorted(self._mine(caller), key=lambda pair: (pair[1], str(pair[0].contact_id)))]

    def update(
        self,
        caller: Caller,
        contact_id: uuid.UUID,
        name: str | None,
        name_key: str | None,
        phone_number: str | None,
        at: datetime,
    ) -> Contact | None:
        mine = dict((c.contact_id, (c, key)) for c, key in self._mine(caller))
        if contact_id not in mine:
            return None
        contact, key = mine[contact_id]
        if phone_number is not None and any(
            c.phone_number == phone_number and c.contact_id != contact_id for c, _ in mine.values()
        ):
            raise ContactAlreadyExists("you already have a contact for this number")
        changed = dataclasses.replace(
            contact,
            name=name if name is not None else contact.name,
            phone_number=phone_number if phone_number is not None else contact.phone_number,
            updated_at=max(at, contact.created_at),
        )
        self.rows[contact_id] = (changed, name_key if name_key is not None else key)
        return changed

    def remove(self, caller: Caller, contact_id: uuid.UUID) -> bool:
        if not any(c.contact_id == contact_id for c, _ in self._mine(caller)):
            return False
        del self.rows[contact_id]
        return True


class FakeSessions:
    def __init__(self) -> None:
        self.items: dict[str, LiveSession] = {}
        self.fail_adds = False
        self.fail_removes = False
        self.fail_touches = False

    def add(self, session: LiveSession) -> None:
        if self.fail_adds:
            raise ServiceUnavailable("session store unavailable")
        self.items[session.session_id] = session

    def remove(self, session_id: str) -> str | None:
        if self.fail_removes:
            raise ServiceUnavailable("session store unavailable")
        removed = self.items.pop(session_id, None)
        return removed.provider_call_id if removed else None

    def provider_call_id(self, session_id: str) -> str | None:
        found = self.items.get(session_id)
        return found.provider_call_id if found else None

    def touch(self, session_id: str, at: datetime) -> None:
        if self.fail_touches:
            raise ServiceUnavailable("session store unavailable")
        found = self.items.get(session_id)
        if found is not None and (found.last_seen is None or found.last_seen < at):
            self.items[session_id] = dataclasses.replace(found, last_seen=at)

    def silent_since(self, before: datetime) -> list[LiveSession]:
        return [s for s in self.items.values() if s.last_seen is not None and s.last_seen < before]


class FakeVoip:
    connects_on_browser_answer = True

    def __init__(self) -> None:
        self.placed: list[uuid.UUID] = []
        self.max_seconds: list[int | None] = []  # the limit each call was placed with
        self.hung_up: list[str] = []
        self.fail_place: str | None = None
        self.fail_hang_up = False
        self.answers: list[tuple[uuid.UUID, str]] = []  # the browser's answers, as handed to the provider
        self.fail_offer: str | None = None  # the media peer holding the offer is down

    def ensure_configured(self) -> None:
        pass

    def audio_offer(self, call: Call) -> str:
        if self.fail_offer:
            raise CallInitiationFailed(self.fail_offer)
        return build_audio_offer()

    def accept_answer(self, call: Call, sdp_answer: str) -> None:
        self.answers.append((call.call_id, sdp_answer))

    def place_call(self, call: Call, max_seconds: int | None = None) -> str:
        if self.fail_place:
            raise CallInitiationFailed(self.fail_place)
        self.placed.append(call.call_id)
        self.max_seconds.append(max_seconds)
        return f"fake-{call.call_id.hex}"

    def hang_up(self, provider_call_id: str, status: CallStatus) -> None:
        if self.fail_hang_up:
            raise CallInitiationFailed("hang-up refused")
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
    def __init__(self, accounts: FakeAccounts | None = None) -> None:
        self.accounts = accounts or FakeAccounts()
        self.used: set[str] = set()
        self.revoked = self.accounts.revoked

    def use(self, claims: RefreshClaims) -> RefreshUse:
        if claims.user_id not in self.accounts.users:
            return RefreshUse.NO_USER
        if claims.family in self.revoked:
            return RefreshUse.REVOKED
        if claims.token_hash in self.used:
            return RefreshUse.REUSED
        self.used.add(claims.token_hash)
        return RefreshUse.FIRST_USE

    def revoke_family(self, claims: RefreshClaims, reason: str) -> None:
        if claims.user_id in self.accounts.users:
            self.revoked.setdefault(claims.family, reason)


class FakeLimiter:
    """Counts without windows: tests of windows use the DynamoDB adapter against moto."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.known: set[str] = set()

    def reserve(self, limits: list[Limit]) -> RateDecision:
        full = [limit for limit in limits if self.hits.get(limit.key, 0) >= limit.ceiling]
        if full:
            return RateDecision(False, max(limit.window_s for limit in full))
        for limit in limits:
            self.hits[limit.key] = self.hits.get(limit.key, 0) + 1
        return RateDecision(True)

    def release(self, limits: list[Limit], remember: tuple[str, int] | None = None) -> None:
        for limit in limits:
            self.hits[limit.key] -= 1
        if remember is not None:
            self.known.add(remember[0])

    def remembered(self, key: str) -> bool:
        return key in self.known


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
    contacts: FakeContacts = dataclasses.field(default_factory=FakeContacts)

    def contact_deps(self, max_contacts: int = 1000) -> ContactDeps:
        return ContactDeps(self.contacts, self.clock, max_contacts)

    def call_deps(self) -> CallDeps:
        return CallDeps(
            self.calls,
            self.sessions,
            self.voip,
            NoVoiceTokens(),
            self.clock,
            timedelta(hours=4),
            self.metrics,
            self.limiter,
            CallLimits(live_calls=100),  # tests of the limits themselves pass their own
        )

    def auth_deps(self, tokens: TokenService) -> AuthDeps:
        return AuthDeps(self.users, self.passwords, tokens, self.refresh_tokens, self.limiter)


def world() -> World:
    accounts = FakeAccounts()
    return World(
        FakeUsers(accounts),
        FakeCalls(accounts),
        FakeSessions(),
        FakeVoip(),
        FakePasswords(),
        FakeClock(),
        refresh_tokens=FakeRefreshTokens(accounts),
        contacts=FakeContacts(accounts),
    )


# The fakes implement the same ports as the adapters (mypy checks these assignments).
_users: UserRepository = FakeUsers()
_calls: CallRepository = FakeCalls()
_refresh_tokens: RefreshTokenStore = FakeRefreshTokens()
_sessions: SessionStore = FakeSessions()
_contacts: ContactRepository = FakeContacts()
_voip: VoipProvider = FakeVoip()
_passwords: PasswordHasher = FakePasswords()
_limiter: RateLimiter = FakeLimiter()
_clock: Clock = FakeClock()
_metrics: Metrics = FakeMetrics()


def world_with_users(*callers: Caller) -> World:
    """A world in which each of `callers` has an account (signed in, as the use cases check)."""
    made = world()
    for caller in callers:
        made.users.by_id[caller.user_id] = User(
            caller.user_id, f"{caller.user_id.hex}@x.com", "fake$", made.clock.now()
        )
    return made


def _ended(
    call: Call, status: CallStatus, now: datetime, reason: EndReason | None, duration: int | None = None
) -> Call:
    """The call in a final status, as the Postgres statements end it: billed from the answer (the domain's
    rule, billed_seconds), an unanswered call 0 s, never ending before it started."""
    end = max(now, call.start_time)
    billed = billed_seconds(call.answer_time, end) if duration is None else duration
    return dataclasses.replace(call, status=status, end_time=end, duration=billed, end_reason=reason)
