-- migrate: no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
-- An index on a large table, built without blocking writes (each statement runs on its own, outside a
-- transaction). Rerunnable: a build that failed half way leaves an INVALID index, which the first line drops.
DROP INDEX CONCURRENTLY IF EXISTS calls_big_status_time_idx;
CREATE INDEX CONCURRENTLY calls_big_status_time_idx ON calls_big (status, start_time);
