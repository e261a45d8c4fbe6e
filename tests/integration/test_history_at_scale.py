"""History pages are an index scan with no sort at any depth (EXPLAIN on real Postgres)."""

import json

import pytest

from calls_platform.adapters.postgres.calls import PgCallRepository
from calls_platform.domain.calls import CallStatus, HistoryPosition
from calls_platform.domain.users import Caller


@pytest.fixture
def many_calls(db):
    """One user with 3,000 calls among 20,000 of others, loaded with generate_series, statistics fresh."""
    db.run(
        "INSERT INTO users (user_id, email, password_hash)"
        " SELECT gen_random_uuid(), 'bulk' || i || '@example.com', '$argon2id$bulk' FROM generate_series(1, 21) i"
    )
    users = [row[0] for row in db.run("SELECT user_id FROM users ORDER BY email")]
    db.run(
        "INSERT INTO calls (call_id, user_id, phone_number, status, start_time, end_time, duration, end_reason)"
        " SELECT gen_random_uuid(), (CAST(:users AS uuid[]))[1 + (i % 21)], '+491512345678',"
        " CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'completed' END,"
        " now() - make_interval(secs => i), now() - make_interval(secs => i), 0, 'failed'"
        " FROM generate_series(1, 63000) i",
        users=[str(u) for u in users],
    )
    db.run("ANALYZE calls")
    return users[0]


class Explaining:
    """Runs the repository's own statement under EXPLAIN instead, and keeps the plan."""

    def __init__(self, db):
        self.db = db
        self.plan = ""

    def records(self, sql, **params):
        [[raw]] = self.db.run("EXPLAIN (FORMAT JSON) " + sql, **params)
        self.plan = json.dumps(raw if not isinstance(raw, str) else json.loads(raw))
        return [{"call_id": None}]  # as if the user had no calls: the plan is what the test reads


def test_deep_pages_use_the_index_without_sorting(db, many_calls):
    repo = PgCallRepository(db)
    page = repo.list_for_user(Caller(many_calls), 21)
    deep = repo.list_for_user(Caller(many_calls), 21, HistoryPosition(page[10].start_time, page[10].call_id))
    assert deep[:10] == page[11:]
    explaining = Explaining(db)
    last = HistoryPosition(page[-1].start_time, page[-1].call_id)
    PgCallRepository(explaining).list_for_user(Caller(many_calls), 21, last)
    assert "calls_user_history_idx" in explaining.plan
    assert '"Sort"' not in explaining.plan and "Seq Scan" not in explaining.plan


def test_status_filtered_pages_use_their_index(db, many_calls):
    explaining = Explaining(db)
    PgCallRepository(explaining).list_for_user(Caller(many_calls), 21, status=CallStatus.FAILED)
    assert "calls_user_status_history_idx" in explaining.plan and '"Sort"' not in explaining.plan
