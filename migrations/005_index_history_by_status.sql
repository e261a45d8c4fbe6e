-- History filtered by status, newest first, paged by (start_time, call_id): an index scan with no sort.
CREATE INDEX calls_user_status_history_idx ON calls (user_id, status, start_time DESC, call_id DESC);
