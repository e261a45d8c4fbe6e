"""Postgres repositories against the real server."""

import threading
import uuid
from datetime import timedelta

import pytest
from pg8000.exceptions import DatabaseError

from calls_platform.adapters.passwords import Argon2Passwords
from calls_platform.adapters.repositories import PgCallRepository, PgUserRepository
from calls_platform.domain.calls import Call, CallStatus, EndReason
from calls_platform.domain.errors import UserAlreadyExists
from calls_platform.domain.sdp import build_audio_offer
from tests.unit.fakes import FakeClock


@pytest.fixture
def users(db):
    return PgUserRepository(db)


@pytest.fixture
def calls(db):
    return PgCallRepository(db)


def new_call(user_id, clock, number="+491512345678"):
    return Call.start(user_id, number, build_audio_offer(), clock.now()).placed(f"p-{uuid.uuid4().hex}")


def test_users_are_unique_case_insensitively(users):
    created = users.add("Dora@Example.com", "$argon2id$fake")
    assert users.get_by_email("dora@example.COM") == created
    with pytest.raises(UserAlreadyExists):
        users.add("DORA@example.com", "$argon2id$fake")


def test_passwords_are_stored_as_argon2id(db, users):
    hasher = Argon2Passwords()
    user = users.add("eve@example.com", hasher.hash("password123"))
    [[stored]] = db.run("SELECT password_hash FROM users WHERE user_id = :u", u=user.user_id)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "password123" not in stored and hasher.verify(stored, "password123")


def test_schema_refuses_a_plaintext_password(db):
    with pytest.raises(DatabaseError):
        db.run("INSERT INTO users (email, password_hash) VALUES ('x@example.com', 'password123')")


def test_a_call_round_trips(users, calls):
    user = users.add("f@example.com", "$argon2id$fake")
    call = new_call(user.user_id, FakeClock())
    calls.add(call)
    assert calls.list_for_user(user.user_id, 10) == [call]


def test_a_live_call_ends_once_billing_whole_seconds_from_the_answer(users, calls):
    clock = FakeClock()
    user = users.add("g@example.com", "$argon2id$fake")
    call = new_call(user.user_id, clock)
    calls.add(call)
    calls.transition(call.call_id, CallStatus.ACTIVE, clock.now() + timedelta(seconds=3))
    first = calls.transition(
        call.call_id,
        CallStatus.COMPLETED,
        clock.now() + timedelta(seconds=45.8),
        owner=user.user_id,
        reason=EndReason.CALLER_HUNG_UP,
    )
    again = calls.transition(
        call.call_id,
        CallStatus.COMPLETED,
        clock.now() + timedelta(seconds=50),
        owner=user.user_id,
        reason=EndReason.CALLER_HUNG_UP,
    )
    assert first.moved and first.call.duration == 42 and first.call.status is CallStatus.COMPLETED
    assert first.previous is CallStatus.ACTIVE and first.call.end_reason is EndReason.CALLER_HUNG_UP
    assert not again.moved and again.call == first.call and again.previous is CallStatus.COMPLETED


def test_a_transition_with_an_owner_does_not_touch_another_users_call(users, calls):
    clock = FakeClock()
    owner = users.add("h@example.com", "$argon2id$fake")
    call = new_call(owner.user_id, clock)
    calls.add(call)
    other = users.add("h2@example.com", "$argon2id$fake")
    outcome = calls.transition(call.call_id, CallStatus.COMPLETED, clock.now(), owner=other.user_id)
    assert not outcome.moved and outcome.call.status is CallStatus.CONNECTING
    assert outcome.call.user_id == owner.user_id


def test_an_unknown_call_is_none(calls):
    assert calls.transition(uuid.uuid4(), CallStatus.COMPLETED, FakeClock().now()) is None


def test_concurrent_ends_end_the_call_exactly_once(stack, users, calls):
    """Each thread has its own connection, as concurrent Lambda containers do."""
    from calls_platform import bootstrap
    from calls_platform.adapters.postgres import Database

    clock = FakeClock()
    user = users.add("race@example.com", "$argon2id$fake")
    call = new_call(user.user_id, clock)
    calls.add(call)
    settings = bootstrap.container().db_settings()
    outcomes, barrier = [], threading.Barrier(10, timeout=30)

    def finish(i):
        repo = PgCallRepository(Database(lambda refresh: settings))
        barrier.wait()
        outcomes.append(
            repo.transition(
                call.call_id, CallStatus.COMPLETED, clock.now() + timedelta(seconds=i), reason=EndReason.CALLER_HUNG_UP
            )
        )

    threads = [threading.Thread(target=finish, args=(i,)) for i in range(10)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    winners = [o for o in outcomes if o.moved]
    assert len(winners) == 1
    assert {o.call.duration for o in outcomes} == {winners[0].call.duration}


def test_schema_refuses_impossible_calls(db, users):
    user = users.add("i@example.com", "$argon2id$fake")
    base = "INSERT INTO calls (call_id, user_id, phone_number, status, start_time, end_time, duration) VALUES "
    bad_rows = [
        "(gen_random_uuid(), :u, '+491512345678', 'ringing-ish', now(), NULL, NULL)",
        "(gen_random_uuid(), :u, '491512345678', 'connecting', now(), NULL, NULL)",
        "(gen_random_uuid(), :u, '+491512345678', 'completed', now(), now() - interval '1 s', 0)",
        "(gen_random_uuid(), :u, '+491512345678', 'completed', now(), now(), -1)",
        "(gen_random_uuid(), :u, '+491512345678', 'connecting', now(), now(), 0)",
        "(gen_random_uuid(), gen_random_uuid(), '+491512345678', 'connecting', now(), NULL, NULL)",
    ]
    for row in bad_rows:
        with pytest.raises(DatabaseError):
            db.run(base + row, u=user.user_id)


def test_history_is_newest_first_and_only_the_users(users, calls):
    clock = FakeClock()
    me = users.add("j@example.com", "$argon2id$fake")
    other = users.add("k@example.com", "$argon2id$fake")
    first = new_call(me.user_id, clock)
    clock.advance(10)
    second = new_call(me.user_id, clock)
    for call in (first, second, new_call(other.user_id, clock)):
        calls.add(call)
    assert [c.call_id for c in calls.list_for_user(me.user_id, 10)] == [second.call_id, first.call_id]
    assert len(calls.list_for_user(me.user_id, 1)) == 1


def test_provider_events_find_the_call_by_provider_id_and_never_go_backwards(users, calls):
    clock = FakeClock()
    user = users.add("l@example.com", "$argon2id$fake")
    call = new_call(user.user_id, clock)
    calls.add(call)
    pid = call.provider_call_id
    assert calls.transition_by_provider_id(pid, CallStatus.RINGING, clock.now(), None, None).moved
    assert calls.transition_by_provider_id(pid, CallStatus.ACTIVE, clock.now(), None, None).moved
    assert not calls.transition_by_provider_id(pid, CallStatus.RINGING, clock.now(), None, None).moved
    done = calls.transition_by_provider_id(pid, CallStatus.COMPLETED, clock.now(), EndReason.CALLEE_HUNG_UP, 17)
    assert done.moved and done.call.duration == 17 and done.call.answer_time == clock.now()
    assert not calls.transition_by_provider_id(pid, CallStatus.ACTIVE, clock.now(), None, None).moved
    assert calls.transition_by_provider_id("CAunknown", CallStatus.ACTIVE, clock.now(), None, None) is None


def test_postgres_and_the_fake_agree_on_transitions(users, calls):
    """The SQL and the in-memory fake implement one rule; the unit tests rely on the fake."""
    from tests.unit.fakes import FakeCalls

    clock = FakeClock()
    user = users.add("m@example.com", "$argon2id$fake")
    fake = FakeCalls()
    steps = [
        (CallStatus.RINGING, 1, None),
        (CallStatus.ACTIVE, 2, None),
        (CallStatus.RINGING, 3, None),
        (CallStatus.COMPLETED, 47.5, EndReason.CALLEE_HUNG_UP),
        (CallStatus.FAILED, 50, EndReason.FAILED),
    ]
    call = new_call(user.user_id, clock)
    calls.add(call)
    fake.add(call)
    for status, seconds, reason in steps:
        at = clock.now() + timedelta(seconds=seconds)
        real = calls.transition(call.call_id, status, at, reason=reason)
        mirror = fake.transition(call.call_id, status, at, reason=reason)
        assert (real.moved, real.previous, real.call) == (mirror.moved, mirror.previous, mirror.call)


def test_a_token_for_a_user_that_no_longer_exists_is_found_out_by_the_statement_itself(db, users, calls):
    """No extra round trip: each statement a signed-in request runs also says whether its user exists."""
    from calls_platform.domain.errors import UnknownUser

    clock = FakeClock()
    gone = uuid.uuid4()
    user = users.add("n@example.com", "$argon2id$fake")
    call = new_call(user.user_id, clock)
    calls.add(call)
    before = db.statements
    for attempt in (
        lambda: calls.add(new_call(gone, clock)),
        lambda: calls.list_for_user(gone, 10),
        lambda: calls.get(call.call_id, gone),
        lambda: calls.transition(call.call_id, CallStatus.COMPLETED, clock.now(), owner=gone),
        lambda: calls.record_answer(call.call_id, gone, "v=0", True, clock.now()),
    ):
        with pytest.raises(UnknownUser):
            attempt()
    assert db.statements - before == 5
    assert calls.list_for_user(user.user_id, 10) == [call]
    assert calls.get(uuid.uuid4(), user.user_id) is None
