"""History pages are an index scan with no sort at any depth (EXPLAIN on real Postgres)."""

import json

import pytest

from calls_platform.adapters.postgres.calls import PgCallRepository
from calls_platform.domain.calls import CallStatus, HistoryPosition
from calls_platform.domain.history import parse_search
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


@pytest.fixture
def many_contacts(db, many_calls):
    """200 contacts for each user; the one the bulk calls go to is the first user's "Anna"."""
    db.run(
        "INSERT INTO contacts (contact_id, user_id, name, name_key, phone_number, created_at, updated_at)"
        " SELECT gen_random_uuid(), u.user_id, 'Contact ' || i, 'contact ' || i, '+4930' || (1000000 + i), now(), now()"
        " FROM users u, generate_series(1, 200) i"
    )
    db.run(
        "INSERT INTO contacts (contact_id, user_id, name, name_key, phone_number, created_at, updated_at)"
        " VALUES (gen_random_uuid(), :u, 'Anna', 'anna', '+491512345678', now(), now())",
        u=many_calls,
    )
    db.run("ANALYZE contacts")
    return many_calls


@pytest.mark.parametrize("q", ["anna", "1512345", "+49 151"])
def test_a_search_reads_one_users_calls_through_the_index_and_never_sorts(db, many_contacts, q):
    page = PgCallRepository(db).history(Caller(many_contacts), 21, search=parse_search(q))
    assert len(page) == 21 and all(entry.contact_name == "Anna" for entry in page)
    explaining = Explaining(db)
    PgCallRepository(explaining).history(Caller(many_contacts), 21, search=parse_search(q))
    assert "calls_user_history_idx" in explaining.plan and "contacts_user_phone_key" in explaining.plan
    assert '"Sort"' not in explaining.plan and "Seq Scan" not in explaining.plan


def test_a_search_that_finds_nothing_still_reads_only_one_users_calls(db, many_contacts):
    import time

    started = time.perf_counter()
    assert PgCallRepository(db).history(Caller(many_contacts), 21, search=parse_search("nobody")) == []
    assert time.perf_counter() - started < 1.0  # 3,000 index entries with one lookup each, not 63,000 rows
