"""One suite, two implementations: every test runs against the in-memory fakes (tests/unit/fakes.py, which the
unit tests rely on) and against the Postgres adapters on the real server. A fake that drifts from the SQL
fails here."""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from calls_platform.domain.calls import Call, CallLimits, CallStatus, EndReason, HistoryPosition, billed_seconds
from calls_platform.domain.contacts import Contact, name_key
from calls_platform.domain.errors import (
    CallInProgress,
    ContactAlreadyExists,
    DailyMinutesExceeded,
    TooManyContacts,
    UnknownUser,
    UserAlreadyExists,
)
from calls_platform.domain.history import parse_search
from calls_platform.domain.sdp import build_audio_offer
from calls_platform.domain.users import Caller, User
from calls_platform.use_cases.ports import (
    CallRepository,
    ContactRepository,
    RefreshClaims,
    RefreshTokenStore,
    RefreshUse,
    ReportedCall,
    UserRepository,
)
from tests.unit.fakes import FakeAccounts, FakeCalls, FakeClock, FakeContacts, FakeRefreshTokens, FakeUsers

NUMBER = "+491512345678"
HASH = "$argon2id$v=19$m=19456,t=2,p=1$fake"
UNLIMITED = CallLimits(live_calls=1000, daily_minutes=10**6)


@dataclasses.dataclass
class Repos:
    users: UserRepository
    calls: CallRepository
    refresh_tokens: RefreshTokenStore
    clock: FakeClock
    store_sid: Callable[[Call], None]  # what the first status callback does, for tests that start later
    contacts: ContactRepository

    def user(self, email: str | None = None) -> User:
        return self.users.add(email or f"u-{uuid.uuid4().hex[:10]}@example.com", HASH)

    def call(self, user: User, seconds_later: float = 0) -> Call:
        """A call opened (within limits no test reaches) and placed, its provider id stored (initiate keeps it in
        the session; a status callback naming the call stores it, see test_a_report_naming_the_call_...)."""
        call = Call.start(user.user_id, NUMBER, build_audio_offer(), self.at(seconds_later))
        self.calls.open(Caller(user.user_id), call, UNLIMITED, self.at(-86400))
        placed = call.placed(f"p-{uuid.uuid4().hex}")
        self.store_sid(placed)
        return placed

    def at(self, seconds: float) -> datetime:
        return self.clock.now() + timedelta(seconds=seconds)


@pytest.fixture(params=["fakes", "postgres"])
def repos(request: pytest.FixtureRequest) -> Iterator[Repos]:
    if request.param == "fakes":
        accounts = FakeAccounts()
        calls = FakeCalls(accounts)

        def fake_sid(call: Call) -> None:
            row = calls.rows[call.call_id]
            calls.rows[call.call_id] = dataclasses.replace(row, provider_call_id=call.provider_call_id)

        yield Repos(
            FakeUsers(accounts), calls, FakeRefreshTokens(accounts), FakeClock(), fake_sid, FakeContacts(accounts)
        )
        return
    from calls_platform.adapters.postgres.calls import PgCallRepository
    from calls_platform.adapters.postgres.contacts import PgContactRepository
    from calls_platform.adapters.postgres.refresh_tokens import PgRefreshTokens
    from calls_platform.adapters.postgres.users import PgUserRepository

    db = request.getfixturevalue("contract_db")

    def sid(call: Call) -> None:
        db.run("UPDATE calls SET provider_call_id = :p WHERE call_id = :c", p=call.provider_call_id, c=call.call_id)

    yield Repos(
        PgUserRepository(db), PgCallRepository(db), PgRefreshTokens(db), FakeClock(), sid, PgContactRepository(db)
    )


# Users


def test_users_are_unique_by_canonical_email_and_found_by_it(repos: Repos) -> None:
    created = repos.users.add("Dora@Example.com", HASH)
    found = repos.users.get_by_email("dora@example.COM")
    assert found is not None and (found.user_id, found.email) == (created.user_id, "Dora@Example.com")
    with pytest.raises(UserAlreadyExists):
        repos.users.add("DORA@example.com", HASH)
    assert repos.users.get_by_email("nobody@example.com") is None
    assert repos.users.is_signed_in(Caller(created.user_id)) and not repos.users.is_signed_in(Caller(uuid.uuid4()))


# Billing: domain.calls.billed_seconds (the fakes) and its one SQL spelling agree, whichever statement bills.

BILLING_CASES = [  # (answered after s, ended after s): whole seconds, never negative, 0 when never answered
    (3, 45.8),
    (3, 3.999),
    (0.5, 1.4999),
    (None, 30),
    (10, 10),
]


@pytest.mark.parametrize(("answered", "ended"), BILLING_CASES)
def test_ending_a_call_bills_whole_seconds_from_the_answer(repos: Repos, answered: float | None, ended: float) -> None:
    user = repos.user()
    call = repos.call(user)
    if answered is not None:
        answer = repos.calls.transition(call.call_id, CallStatus.ACTIVE, repos.at(answered))
        assert answer is not None and answer.changed
    done = repos.calls.transition(
        call.call_id, CallStatus.COMPLETED, repos.at(ended), owner=Caller(user.user_id), reason=EndReason.CALLER_HUNG_UP
    )
    assert done is not None and done.changed
    expected = billed_seconds(repos.at(answered) if answered is not None else None, repos.at(ended))
    assert done.call.duration == expected
    assert done.call.end_time == repos.at(ended) and done.call.end_reason is EndReason.CALLER_HUNG_UP


@pytest.mark.parametrize(("answered", "ended"), BILLING_CASES)
def test_the_sweep_bills_by_the_same_rule(repos: Repos, answered: float | None, ended: float) -> None:
    call = repos.call(repos.user())
    if answered is not None:
        repos.calls.transition(call.call_id, CallStatus.ACTIVE, repos.at(answered))
    [closed] = repos.calls.fail_stale(repos.at(ended + 1), repos.at(ended + 1), repos.at(ended))
    expected = billed_seconds(repos.at(answered) if answered is not None else None, repos.at(ended))
    assert (closed.status, closed.end_reason, closed.duration) == (CallStatus.FAILED, EndReason.TIMEOUT, expected)


def test_the_daily_minutes_count_live_calls_by_the_same_rule(repos: Repos) -> None:
    user = repos.user()
    call = repos.call(user)
    repos.calls.transition(call.call_id, CallStatus.ACTIVE, repos.at(0))
    limits = CallLimits(live_calls=5, daily_minutes=1)
    day_start = repos.at(-3600)
    later = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(59.9))
    left = repos.calls.open(Caller(later.user_id), later, limits, day_start)  # 59 s spent: under the minute
    assert left == 1  # what is left today bounds the new call's length (the provider's time limit)
    ended = repos.calls.transition(later.call_id, CallStatus.FAILED, repos.at(60), reason=EndReason.FAILED)
    assert ended is not None and ended.call.duration == 0
    with pytest.raises(DailyMinutesExceeded):  # 60 s spent by the live call, at this start
        repos.calls.open(
            Caller(user.user_id), Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(60)), limits, day_start
        )


def test_a_call_across_midnight_counts_each_days_share(repos: Repos) -> None:
    """Found by attacking `make run`: a call counted wholly toward the day it started, so 23:59 -> 03:59
    spent 240 minutes from one day's 120 and left the next day's untouched."""
    user = repos.user()
    midnight = repos.at(0)
    call = repos.call(user, seconds_later=-60)  # a minute before midnight
    repos.calls.transition(call.call_id, CallStatus.ACTIVE, midnight - timedelta(seconds=60))
    repos.calls.transition(call.call_id, CallStatus.COMPLETED, repos.at(239 * 60), reason=EndReason.CALLER_HUNG_UP)
    limits = CallLimits(live_calls=5, daily_minutes=240)
    today = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(240 * 60))
    assert repos.calls.open(Caller(user.user_id), today, limits, midnight) == 60  # 239 of today's 240 spent
    yesterday = Call.start(user.user_id, NUMBER, build_audio_offer(), midnight - timedelta(seconds=30))
    left_then = repos.calls.open(Caller(user.user_id), yesterday, limits, midnight - timedelta(days=1))
    assert left_then == 240 * 60 - 60  # the day before holds the call's first minute only


def test_a_provider_figure_is_billed_as_given(repos: Repos) -> None:
    call = repos.call(repos.user())
    pid = call.provider_call_id or ""
    repos.calls.transition_by_provider_id(ReportedCall(pid), CallStatus.ACTIVE, repos.at(2), None, None)
    done = repos.calls.transition_by_provider_id(
        ReportedCall(pid), CallStatus.COMPLETED, repos.at(50), EndReason.CALLEE_HUNG_UP, 17
    )
    assert done is not None and done.call.duration == 17
    corrected = repos.calls.correct_duration(pid, 19)
    assert corrected is not None and corrected.duration == 19
    assert repos.calls.correct_duration(pid, 19) is None  # nothing changed
    assert repos.calls.correct_duration("CAunknown", 19) is None


def test_a_report_naming_the_call_finds_it_and_keeps_the_provider_id_in_the_same_statement(repos: Repos) -> None:
    user = repos.user()
    call = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(0))
    repos.calls.open(Caller(user.user_id), call, UNLIMITED, repos.at(-86400))  # as initiate leaves it: no id
    assert (
        repos.calls.transition_by_provider_id(ReportedCall("CAfirst"), CallStatus.CONNECTING, repos.at(1), None, None)
        is None
    )
    ringing = repos.calls.transition_by_provider_id(
        ReportedCall("CAfirst", call.call_id), CallStatus.RINGING, repos.at(1), None, None
    )
    assert ringing is not None and ringing.changed and ringing.call.provider_call_id == "CAfirst"
    active = repos.calls.transition_by_provider_id(
        ReportedCall("CAother", call.call_id), CallStatus.ACTIVE, repos.at(2), None, None
    )
    assert active is not None and active.call.provider_call_id == "CAfirst"  # the first one stays
    repos.calls.transition(call.call_id, CallStatus.COMPLETED, repos.at(9), reason=EndReason.CALLER_HUNG_UP)
    corrected = repos.calls.correct_duration("CAfirst", 30, call_id=call.call_id)
    assert corrected is not None and corrected.duration == 30
    assert (
        repos.calls.transition_by_provider_id(ReportedCall("CAfirst"), CallStatus.ACTIVE, repos.at(3), None, None)
        is not None
    )


def test_marking_a_hang_up_pending_keeps_the_provider_id_the_call_lacked(repos: Repos) -> None:
    user = repos.user()
    call = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(0))
    repos.calls.open(Caller(user.user_id), call, UNLIMITED, repos.at(-86400))
    repos.calls.mark_hangup_pending(call.call_id, True, "CAkept")
    repos.calls.mark_hangup_pending(call.call_id, False, "CAlater")
    assert [c.provider_call_id for c in repos.calls.list_for_user(Caller(user.user_id), 1)] == ["CAkept"]


def test_only_an_answered_ended_call_has_its_duration_corrected(repos: Repos) -> None:
    live = repos.call(repos.user())
    repos.calls.transition(live.call_id, CallStatus.ACTIVE, repos.at(1))
    assert repos.calls.correct_duration(live.provider_call_id or "", 5) is None
    unanswered = repos.call(repos.user())
    repos.calls.transition(unanswered.call_id, CallStatus.NO_ANSWER, repos.at(1), reason=EndReason.NO_ANSWER)
    assert repos.calls.correct_duration(unanswered.provider_call_id or "", 5) is None


# The state machine


def test_transitions_follow_the_state_machine_and_report_what_they_found(repos: Repos) -> None:
    call = repos.call(repos.user())
    steps = [
        (CallStatus.RINGING, 1, None, True, CallStatus.CONNECTING),
        (CallStatus.ACTIVE, 2, None, True, CallStatus.RINGING),
        (CallStatus.RINGING, 3, None, False, CallStatus.ACTIVE),
        (CallStatus.COMPLETED, 47.5, EndReason.CALLEE_HUNG_UP, True, CallStatus.ACTIVE),
        (CallStatus.FAILED, 50, EndReason.FAILED, False, CallStatus.COMPLETED),
    ]
    for status, seconds, reason, moved, previous in steps:
        outcome = repos.calls.transition(call.call_id, status, repos.at(seconds), reason=reason)
        assert outcome is not None and (outcome.changed, outcome.previous) == (moved, previous)
    final = repos.calls.transition(call.call_id, CallStatus.COMPLETED, repos.at(60))
    assert final is not None and final.call == dataclasses.replace(
        call,
        status=CallStatus.COMPLETED,
        answer_time=repos.at(2),
        end_time=repos.at(47.5),
        duration=45,
        end_reason=EndReason.CALLEE_HUNG_UP,
    )


def test_an_end_before_the_start_is_stamped_at_the_start(repos: Repos) -> None:
    call = repos.call(repos.user())
    done = repos.calls.transition(call.call_id, CallStatus.CANCELED, repos.at(-5), reason=EndReason.CANCELED)
    assert done is not None and done.call.end_time == call.start_time and done.call.duration == 0


def test_a_transition_with_an_owner_leaves_another_users_call(repos: Repos) -> None:
    owner, other = repos.user(), repos.user()
    call = repos.call(owner)
    outcome = repos.calls.transition(call.call_id, CallStatus.COMPLETED, repos.at(1), owner=Caller(other.user_id))
    assert outcome is not None and not outcome.changed and outcome.call == call


def test_an_unknown_call_is_none(repos: Repos) -> None:
    user = repos.user()
    assert repos.calls.transition(uuid.uuid4(), CallStatus.COMPLETED, repos.at(0)) is None
    assert repos.calls.transition(uuid.uuid4(), CallStatus.COMPLETED, repos.at(0), owner=Caller(user.user_id)) is None
    assert repos.calls.get(uuid.uuid4(), Caller(user.user_id)) is None
    assert repos.calls.record_answer(uuid.uuid4(), Caller(user.user_id), "v=0", True, repos.at(0)) is None


def test_provider_reports_never_move_a_call_backwards_and_may_be_narrowed(repos: Repos) -> None:
    call = repos.call(repos.user())
    pid = call.provider_call_id or ""
    only_active = frozenset({CallStatus.ACTIVE})
    narrowed = repos.calls.transition_by_provider_id(
        ReportedCall(pid), CallStatus.COMPLETED, repos.at(1), EndReason.CALLER_HUNG_UP, None, only_active
    )
    assert narrowed is not None and not narrowed.changed and narrowed.call.status is CallStatus.CONNECTING
    ringing = repos.calls.transition_by_provider_id(ReportedCall(pid), CallStatus.RINGING, repos.at(1), None, None)
    assert ringing is not None and ringing.changed
    active = repos.calls.transition_by_provider_id(ReportedCall(pid), CallStatus.ACTIVE, repos.at(2), None, None)
    assert active is not None and active.changed and active.call.answer_time == repos.at(2)
    back = repos.calls.transition_by_provider_id(ReportedCall(pid), CallStatus.RINGING, repos.at(3), None, None)
    assert back is not None and not back.changed
    assert (
        repos.calls.transition_by_provider_id(ReportedCall("CAunknown"), CallStatus.ACTIVE, repos.at(0), None, None)
        is None
    )


# The browser's answer


def test_an_answer_is_stored_once_and_may_connect_the_call(repos: Repos) -> None:
    user = repos.user()
    call = repos.call(user)
    stored = repos.calls.record_answer(call.call_id, Caller(user.user_id), "v=0 answer", True, repos.at(4))
    assert stored is not None and stored.changed and stored.previous is CallStatus.CONNECTING
    assert (stored.call.status, stored.call.sdp_answer, stored.call.answer_time) == (
        CallStatus.ACTIVE,
        "v=0 answer",
        repos.at(4),
    )
    again = repos.calls.record_answer(call.call_id, Caller(user.user_id), "v=0 other", True, repos.at(5))
    assert again is not None and not again.changed and again.call == stored.call


def test_an_answer_without_activation_leaves_the_status(repos: Repos) -> None:
    user = repos.user()
    call = repos.call(user)
    stored = repos.calls.record_answer(call.call_id, Caller(user.user_id), "v=0", False, repos.at(4))
    assert stored is not None and stored.changed
    assert (stored.call.status, stored.call.answer_time) == (CallStatus.CONNECTING, None)


def test_no_answer_to_someone_elses_or_an_ended_call(repos: Repos) -> None:
    owner, other = repos.user(), repos.user()
    call = repos.call(owner)
    foreign = repos.calls.record_answer(call.call_id, Caller(other.user_id), "v=0", True, repos.at(1))
    assert foreign is not None and not foreign.changed and foreign.call == call
    repos.calls.transition(call.call_id, CallStatus.FAILED, repos.at(1), reason=EndReason.FAILED)
    late = repos.calls.record_answer(call.call_id, Caller(owner.user_id), "v=0", True, repos.at(2))
    assert late is not None and not late.changed and late.call.sdp_answer is None


# Opening calls within limits


def test_opening_a_call_holds_a_live_slot_until_it_ends(repos: Repos) -> None:
    user = repos.user()
    limits = CallLimits(live_calls=1, daily_minutes=120)
    first = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(0))
    repos.calls.open(Caller(first.user_id), first, limits, repos.at(-60))
    second = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(1))
    with pytest.raises(CallInProgress, match=str(first.call_id)):
        repos.calls.open(Caller(second.user_id), second, limits, repos.at(-60))
    repos.calls.transition(first.call_id, CallStatus.COMPLETED, repos.at(2), reason=EndReason.CALLER_HUNG_UP)
    repos.calls.open(Caller(second.user_id), second, limits, repos.at(-60))
    assert [c.call_id for c in repos.calls.list_for_user(Caller(user.user_id), 10)] == [second.call_id, first.call_id]


def test_a_call_never_dialled_is_discarded_and_a_placed_one_kept(repos: Repos) -> None:
    user = repos.user()
    refused = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(0))
    repos.calls.open(Caller(refused.user_id), refused, CallLimits(), repos.at(-60))
    repos.calls.discard(refused.call_id)
    placed = Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(1))
    repos.calls.open(Caller(placed.user_id), placed, CallLimits(), repos.at(-60))
    repos.store_sid(placed.placed("CA123"))
    repos.calls.discard(placed.call_id)
    assert repos.calls.list_for_user(Caller(user.user_id), 10) == [placed.placed("CA123")]


# Reading


def test_history_is_the_users_own_newest_first_in_keyset_pages(repos: Repos) -> None:
    me, other = repos.user(), repos.user()
    mine = [repos.call(me, seconds) for seconds in (0, 10, 10, 20)]
    repos.call(other, 5)
    repos.calls.transition(mine[0].call_id, CallStatus.FAILED, repos.at(1), reason=EndReason.FAILED)
    newest_first = sorted(mine, key=lambda c: (c.start_time, c.call_id), reverse=True)
    page = repos.calls.list_for_user(Caller(me.user_id), 2)
    assert [c.call_id for c in page] == [c.call_id for c in newest_first[:2]]
    rest = repos.calls.list_for_user(Caller(me.user_id), 10, HistoryPosition(page[-1].start_time, page[-1].call_id))
    assert [c.call_id for c in rest] == [c.call_id for c in newest_first[2:]]
    failed = repos.calls.list_for_user(Caller(me.user_id), 10, status=CallStatus.FAILED)
    assert [c.call_id for c in failed] == [mine[0].call_id]


def test_get_finds_any_call_for_a_signed_in_viewer(repos: Repos) -> None:
    owner, viewer = repos.user(), repos.user()
    call = repos.call(owner)
    assert repos.calls.get(call.call_id, Caller(viewer.user_id)) == call  # the use case decides who may see it


def test_live_calls_are_counted_and_stale_ones_closed_once(repos: Repos) -> None:
    user = repos.user()
    unanswered, answered, recent = repos.call(user, 0), repos.call(user, 0), repos.call(user, 100)
    repos.calls.transition(answered.call_id, CallStatus.ACTIVE, repos.at(1))
    assert repos.calls.count_live() == 3
    closed = repos.calls.fail_stale(repos.at(50), repos.at(-1), repos.at(200))
    assert {c.call_id for c in closed} == {unanswered.call_id}
    closed = repos.calls.fail_stale(repos.at(50), repos.at(50), repos.at(200))
    assert {(c.call_id, c.duration) for c in closed} == {(answered.call_id, 199)}
    assert repos.calls.fail_stale(repos.at(50), repos.at(50), repos.at(300)) == []
    assert repos.calls.count_live() == 1 and recent.status is CallStatus.CONNECTING


def test_pending_hang_ups_are_listed_oldest_first_until_cleared(repos: Repos) -> None:
    user = repos.user()
    calls = [repos.call(user, seconds) for seconds in (30, 10, 20)]
    for call in calls:
        repos.calls.mark_hangup_pending(call.call_id, True)
    repos.calls.mark_hangup_pending(calls[2].call_id, False)
    assert [c.call_id for c in repos.calls.pending_hang_ups(10)] == [calls[1].call_id, calls[0].call_id]
    assert [c.call_id for c in repos.calls.pending_hang_ups(1)] == [calls[1].call_id]


# A token's user that no longer exists


def test_every_signed_in_statement_finds_out_that_the_user_is_gone(repos: Repos) -> None:
    user, gone = repos.user(), uuid.uuid4()
    call = repos.call(user)
    for attempt in (
        lambda: repos.calls.open(
            Caller(gone), Call.start(gone, NUMBER, build_audio_offer(), repos.at(0)), CallLimits(), repos.at(0)
        ),
        lambda: repos.calls.list_for_user(Caller(gone), 10),
        lambda: repos.calls.live_for_user(Caller(gone)),
        lambda: repos.calls.get(call.call_id, Caller(gone)),
        lambda: repos.calls.transition(call.call_id, CallStatus.COMPLETED, repos.at(0), owner=Caller(gone)),
        lambda: repos.calls.record_answer(call.call_id, Caller(gone), "v=0", True, repos.at(0)),
    ):
        with pytest.raises(UnknownUser):
            attempt()
    assert repos.calls.list_for_user(Caller(user.user_id), 10) == [call]


# Refresh tokens


def claims(user_id: uuid.UUID, family: uuid.UUID | None = None) -> RefreshClaims:
    return RefreshClaims(user_id, family or uuid.uuid4(), secrets.token_hex(32), datetime(2030, 1, 1, tzinfo=UTC))


def test_a_refresh_token_is_used_once_and_its_reuse_found(repos: Repos) -> None:
    token = claims(repos.user().user_id)
    assert repos.refresh_tokens.use(token) is RefreshUse.FIRST_USE
    assert repos.refresh_tokens.use(token) is RefreshUse.REUSED
    assert repos.refresh_tokens.use(claims(uuid.uuid4())) is RefreshUse.NO_USER


def test_a_revoked_family_refuses_its_tokens_and_keeps_its_first_reason(repos: Repos) -> None:
    user = repos.user()
    first = claims(user.user_id)
    repos.refresh_tokens.revoke_family(first, "logout")
    repos.refresh_tokens.revoke_family(first, "reuse")
    assert repos.refresh_tokens.use(claims(user.user_id, first.family)) is RefreshUse.REVOKED
    assert not repos.users.is_signed_in(Caller(user.user_id, first.family))
    assert repos.users.is_signed_in(Caller(user.user_id, uuid.uuid4())) and repos.users.is_signed_in(
        Caller(user.user_id)
    )


def test_every_signed_in_statement_refuses_a_logged_out_family_and_changes_nothing(repos: Repos) -> None:
    user = repos.user()
    call = repos.call(user)
    token = claims(user.user_id)
    repos.refresh_tokens.revoke_family(token, "logout")
    out, other = Caller(user.user_id, token.family), Caller(user.user_id, uuid.uuid4())
    attempts: list[Callable[[Caller], object]] = [
        lambda caller: repos.calls.open(
            caller, Call.start(user.user_id, NUMBER, build_audio_offer(), repos.at(0)), CallLimits(9), repos.at(0)
        ),
        lambda caller: repos.calls.list_for_user(caller, 10),
        repos.calls.live_for_user,
        repos.contacts.list,
        lambda caller: repos.contacts.add(caller, Contact.new(user.user_id, "A", NUMBER, repos.at(0)), "a", 9),
        lambda caller: repos.calls.get(call.call_id, caller),
        lambda caller: repos.calls.record_answer(call.call_id, caller, "v=0", False, repos.at(0)),
        lambda caller: repos.calls.transition(
            call.call_id, CallStatus.COMPLETED, repos.at(1), owner=caller, reason=EndReason.CALLER_HUNG_UP
        ),
    ]
    for attempt in attempts:
        with pytest.raises(UnknownUser):
            attempt(out)
    assert repos.calls.list_for_user(other, 10) == [call]  # nothing opened, answered or ended
    for attempt in attempts:
        attempt(other)  # another session of the same user is not logged out
    assert [c.status for c in repos.calls.list_for_user(other, 10)].count(CallStatus.COMPLETED) == 1


# Live calls, for a reloaded page


def test_live_calls_are_the_users_own_newest_first(repos: Repos) -> None:
    me, other = repos.user(), repos.user()
    older, newer, ended = repos.call(me, 0), repos.call(me, 10), repos.call(me, 20)
    repos.call(other, 5)
    repos.calls.transition(newer.call_id, CallStatus.ACTIVE, repos.at(11))
    repos.calls.transition(ended.call_id, CallStatus.COMPLETED, repos.at(21), reason=EndReason.CALLER_HUNG_UP)
    live = repos.calls.live_for_user(Caller(me.user_id))
    assert [(c.call_id, c.status) for c in live] == [(newer.call_id, CallStatus.ACTIVE), (older.call_id, older.status)]
    assert repos.calls.live_for_user(Caller(other.user_id))[0].user_id == other.user_id


def test_a_call_ended_for_a_silent_page_bills_to_its_last_heartbeat(repos: Repos) -> None:
    call = repos.call(repos.user())
    repos.calls.transition(call.call_id, CallStatus.ACTIVE, repos.at(2))
    ended = repos.calls.transition(call.call_id, CallStatus.COMPLETED, repos.at(42.9), reason=EndReason.PAGE_GONE)
    assert ended is not None and (ended.call.duration, ended.call.end_reason) == (40, EndReason.PAGE_GONE)


# Contacts


def contact(repos: Repos, user: User, name: str, number: str = NUMBER, cap: int = 1000) -> Contact:
    return repos.contacts.add(
        Caller(user.user_id), Contact.new(user.user_id, name, number, repos.at(0)), name_key(name), cap
    )


def test_contacts_are_per_user_unique_by_number_and_listed_by_name(repos: Repos) -> None:
    me, other = repos.user(), repos.user()
    bea = contact(repos, me, "bea", NUMBER)
    anna = contact(repos, me, "Anna", "+4915123456789")
    contact(repos, other, "Zed", NUMBER)
    assert repos.contacts.list(Caller(me.user_id)) == [anna, bea]
    with pytest.raises(ContactAlreadyExists, match=str(bea.contact_id)):
        contact(repos, me, "Bea twice", NUMBER)
    assert len(repos.contacts.list(Caller(me.user_id))) == 2


def test_the_contact_cap_holds(repos: Repos) -> None:
    me = repos.user()
    contact(repos, me, "A", NUMBER, cap=2)
    contact(repos, me, "B", "+4915123456789", cap=2)
    with pytest.raises(TooManyContacts):
        contact(repos, me, "C", "+4930123456", cap=2)
    with pytest.raises(ContactAlreadyExists):  # a duplicate is said to be one, even at the cap
        contact(repos, me, "A again", NUMBER, cap=2)


def test_a_contact_changes_only_for_its_owner_and_never_onto_another_contacts_number(repos: Repos) -> None:
    me, other = repos.user(), repos.user()
    anna = contact(repos, me, "Anna", NUMBER)
    bea = contact(repos, me, "Bea", "+4915123456789")
    me_c = Caller(me.user_id)
    renamed = repos.contacts.update(me_c, anna.contact_id, "Anna S.", name_key("Anna S."), None, repos.at(5))
    assert renamed == dataclasses.replace(anna, name="Anna S.", updated_at=repos.at(5))
    moved = repos.contacts.update(me_c, anna.contact_id, None, None, "+4930123456", repos.at(6))
    assert moved is not None and (moved.name, moved.phone_number) == ("Anna S.", "+4930123456")
    with pytest.raises(ContactAlreadyExists):
        repos.contacts.update(me_c, bea.contact_id, None, None, "+4930123456", repos.at(7))
    assert repos.contacts.update(Caller(other.user_id), anna.contact_id, "x", "x", None, repos.at(8)) is None
    assert repos.contacts.update(me_c, uuid.uuid4(), "x", "x", None, repos.at(8)) is None
    assert not repos.contacts.remove(Caller(other.user_id), anna.contact_id)
    assert repos.contacts.remove(me_c, anna.contact_id) and not repos.contacts.remove(me_c, anna.contact_id)
    assert repos.contacts.list(me_c) == [bea]


# History: the name beside each number, and search


def test_history_names_each_number_and_finds_names_or_digits(repos: Repos) -> None:
    me, other = repos.user(), repos.user()
    to_anna = repos.call(me, 0)
    to_x = Call.start(me.user_id, "+4930123456", build_audio_offer(), repos.at(10))
    repos.calls.open(Caller(me.user_id), to_x, UNLIMITED, repos.at(-86400))
    contact(repos, me, "Anna Straße 100%", NUMBER)
    contact(repos, other, "Other's Anna", "+4930123456")
    me_c = Caller(me.user_id)

    def found(q: str) -> list[tuple[uuid.UUID, str | None]]:
        return [(e.call.call_id, e.contact_name) for e in repos.calls.history(me_c, 10, search=parse_search(q))]

    named = (to_anna.call_id, "Anna Straße 100%")
    assert [(e.call.call_id, e.contact_name) for e in repos.calls.history(me_c, 10)] == [(to_x.call_id, None), named]
    assert found("STRASSE") == [named]  # case-folded, in every script
    assert found("100%") == [named] and found("1_0") == []  # LIKE's wildcards are taken literally
    assert found("30 123") == [(to_x.call_id, None)]  # digits of the number
    assert found("+49") == [(to_x.call_id, None), named]
    assert found("anna") == [named]  # another user's contact names nothing here
    status_and_q = repos.calls.history(me_c, 10, status=CallStatus.FAILED, search=parse_search("anna"))
    assert status_and_q == []
