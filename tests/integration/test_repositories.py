"""What only the Postgres adapters promise: the schema's guarantees, concurrency, and round trips. What every
repository promises, fakes included, is in tests/contract/test_repositories.py."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pg8000.exceptions import DatabaseError

from calls_platform.adapters.passwords import Argon2Passwords
from calls_platform.adapters.postgres.calls import PgCallRepository
from calls_platform.adapters.postgres.users import PgUserRepository
from calls_platform.domain.calls import Call, CallLimits, CallStatus, EndReason
from calls_platform.domain.sdp import build_audio_offer
from calls_platform.domain.users import Caller
from tests.unit.fakes import FakeClock


@pytest.fixture
def users(db):
    return PgUserRepository(db)


@pytest.fixture
def calls(db):
    return PgCallRepository(db)


def new_call(user_id, clock, number="+491512345678"):
    return Call.start(user_id, number, build_audio_offer(), clock.now()).placed(f"p-{uuid.uuid4().hex}")


def opened(calls, call):
    """The call recorded as initiating records it (opened within limits), with the provider id its first
    status callback stores."""
    calls.open(Caller(call.user_id), call, CallLimits(live_calls=100), call.start_time - timedelta(hours=1))
    calls._db.run("UPDATE calls SET provider_call_id = :p WHERE call_id = :c", p=call.provider_call_id, c=call.call_id)


def test_passwords_are_stored_as_argon2id(db, users):
    hasher = Argon2Passwords()
    user = users.add("eve@example.com", hasher.hash("password123"))
    [[stored]] = db.run("SELECT password_hash FROM users WHERE user_id = :u", u=user.user_id)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "password123" not in stored and hasher.verify(stored, "password123")


def test_schema_refuses_a_plaintext_password(db):
    with pytest.raises(DatabaseError):
        db.run("INSERT INTO users (email, password_hash) VALUES ('x@example.com', 'password123')")


def test_concurrent_ends_end_the_call_exactly_once(stack, users, calls):
    """Each thread has its own connection, as concurrent Lambda containers do."""
    from calls_platform import bootstrap
    from calls_platform.adapters.postgres.database import Database

    clock = FakeClock()
    user = users.add("race@example.com", "$argon2id$fake")
    call = new_call(user.user_id, clock)
    opened(calls, call)
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
    winners = [o for o in outcomes if o.changed]
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


def test_a_gone_user_or_a_logged_out_token_is_found_out_by_the_statement_itself(db, users, calls):
    """No extra round trip: each statement a signed-in request runs also checks that its user exists and that
    the token's family was not logged out."""
    from calls_platform.adapters.postgres.refresh_tokens import PgRefreshTokens
    from calls_platform.domain.errors import UnknownUser
    from calls_platform.use_cases.ports import RefreshClaims

    clock = FakeClock()
    user = users.add("n@example.com", "$argon2id$fake")
    call = new_call(user.user_id, clock)
    opened(calls, call)
    logged_out = RefreshClaims(user.user_id, uuid.uuid4(), "0" * 64, clock.now() + timedelta(days=1))
    PgRefreshTokens(db).revoke_family(logged_out, "logout")
    attempts = [
        lambda caller: calls.open(caller, new_call(caller.user_id, clock), CallLimits(), clock.now()),
        lambda caller: calls.list_for_user(caller, 10),
        lambda caller: calls.get(call.call_id, caller),
        lambda caller: calls.transition(call.call_id, CallStatus.COMPLETED, clock.now(), owner=caller),
        lambda caller: calls.record_answer(call.call_id, caller, "v=0", True, clock.now()),
    ]
    for caller in (Caller(uuid.uuid4()), Caller(user.user_id, logged_out.family)):
        before = db.statements
        for attempt in attempts:
            with pytest.raises(UnknownUser):
                attempt(caller)
        assert not users.is_signed_in(caller)  # the voice token's one statement
        assert db.statements - before == 6
    assert calls.list_for_user(Caller(user.user_id), 10) == [call]
    assert calls.get(uuid.uuid4(), Caller(user.user_id)) is None


def test_deleting_a_user_deletes_their_contacts_and_nothing_else(db, users):
    from calls_platform.adapters.postgres.contacts import PgContactRepository
    from calls_platform.domain.contacts import Contact

    gone, stays = users.add("gone@example.com", "$argon2id$x"), users.add("stays@example.com", "$argon2id$x")
    contacts = PgContactRepository(db)
    now = datetime.now(UTC)
    for owner in (gone, stays):
        contacts.add(Caller(owner.user_id), Contact.new(owner.user_id, "Anna", "+491512345678", now), "anna", 10)
    db.run("DELETE FROM users WHERE user_id = :u", u=gone.user_id)
    assert db.run("SELECT user_id FROM contacts") == [[stays.user_id]]
