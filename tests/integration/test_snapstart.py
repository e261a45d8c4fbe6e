"""SnapStart hooks, as Lambda runs them: before the snapshot, a request, a restore, another request.

The hooks are the ones bootstrap registered with snapshot_restore_py, called from its registry as the runtime
calls them.
"""

import random

from snapshot_restore_py import get_after_restore, get_before_snapshot

from calls_platform import bootstrap, snapstart


def run_hooks(registry: list) -> None:
    for func, args, kwargs in registry:
        func(*args, **kwargs)


def backend_pid() -> int:
    return bootstrap.container().database.run("SELECT pg_backend_pid()")[0][0]


def test_bootstrap_registers_the_hooks():
    assert snapstart.before_snapshot in [func for func, _, _ in get_before_snapshot()]
    assert snapstart.after_restore in [func for func, _, _ in get_after_restore()]


def test_before_snapshot_wires_without_connecting(db):
    bootstrap.reset()
    run_hooks(get_before_snapshot())
    container = bootstrap.container()
    assert {"secretsmanager", "dynamodb"} <= set(container.aws.clients)
    assert container.database._conn is None  # nothing frozen that a copy would share


def test_a_restored_copy_serves_on_its_own_connection(db, endpoint, user):
    bootstrap.reset()
    run_hooks(get_before_snapshot())
    history = endpoint("call_history")
    assert history.call("GET", "/api/calls/history", token=user["token"]).status_code == 200
    container = bootstrap.container()
    frozen, frozen_pid = container.database._conn, backend_pid()
    container.tokens  # noqa: B018  a verified-token cache and key, as a served request leaves them

    run_hooks(get_after_restore())

    assert container.database._conn is None and "tokens" not in vars(container)
    assert history.call("GET", "/api/calls/history", token=user["token"]).status_code == 200
    assert container.database._conn is not frozen and backend_pid() != frozen_pid
    assert endpoint("health").call("GET", "/api/health").status_code == 200


def test_restored_copies_draw_different_random_numbers(db):
    random.seed(1234)  # the state every copy would thaw with
    frozen = random.getstate()
    draws = []
    for _ in range(2):
        random.setstate(frozen)
        run_hooks(get_after_restore())
        draws.append(random.random())
    assert draws[0] != draws[1]
