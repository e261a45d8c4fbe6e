"""Concurrency against real Postgres: each thread is its own container with its own connection."""

import threading
import uuid

from calls_platform.bootstrap import Container
from calls_platform.config import Environment
from calls_platform.domain.errors import CallAlreadyEnded, UserAlreadyExists
from calls_platform.domain.users import Caller
from calls_platform.use_cases import auth, calls


def run_together(count, work):
    containers = [Container(Environment.from_env()) for _ in range(count)]
    results, barrier = [None] * count, threading.Barrier(count, timeout=60)

    def run(i):
        barrier.wait()
        try:
            results[i] = work(containers[i])
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    [t.start() for t in threads]
    [t.join(timeout=120) for t in threads]
    for container in containers:
        if "database" in vars(container):
            container.database.close()
    return results


def test_the_same_email_registered_by_20_requests_makes_one_account(db):
    results = run_together(20, lambda c: auth.register(c.auth, "race@example.com", "password123"))
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert all(isinstance(r, UserAlreadyExists) for r in results if isinstance(r, Exception))
    assert db.run("SELECT count(*) FROM users WHERE lower(email) = 'race@example.com'") == [[1]]


def test_the_same_call_terminated_by_50_requests_ends_once(db, endpoint, user):
    call = (
        endpoint("initiate_call")
        .call("POST", "/api/calls/initiate", {"phone_number": "+491512345678"}, token=user["token"])
        .json
    )
    [[user_id]] = db.run("SELECT user_id FROM calls WHERE call_id = :c", c=uuid.UUID(call["call_id"]))
    results = run_together(50, lambda c: calls.terminate_call(c.call_deps, Caller(user_id), call["call_id"]))
    ended = [r for r in results if not isinstance(r, Exception)]
    assert len(ended) == 1
    assert all(isinstance(r, CallAlreadyEnded) for r in results if isinstance(r, Exception))
    assert db.run("SELECT status, duration FROM calls") == [["completed", ended[0].duration]]
