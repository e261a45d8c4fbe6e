-- Calls and their history. The state machine lives in the domain; the schema refuses what it never allows.
CREATE TABLE calls (
    call_id          uuid PRIMARY KEY,
    user_id          uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    phone_number     text NOT NULL CHECK (phone_number ~ '^\+[1-9][0-9]{7,14}$'),
    status           text NOT NULL CHECK (status IN (
                         'connecting', 'ringing', 'active',
                         'completed', 'failed', 'busy', 'no-answer', 'canceled')),
    provider_call_id text,
    start_time       timestamptz NOT NULL,
    end_time         timestamptz,
    duration         integer CHECK (duration >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT calls_end_after_start CHECK (end_time >= start_time),
    -- A call has an end time and a duration exactly when it is in a final status.
    CONSTRAINT calls_final_has_end CHECK (
        (status IN ('connecting', 'ringing', 'active')) = (end_time IS NULL AND duration IS NULL))
);

-- History: a user's calls newest first (keyset order: start_time, then call_id).
CREATE INDEX calls_user_history_idx ON calls (user_id, start_time DESC, call_id DESC);
CREATE UNIQUE INDEX calls_provider_call_id_key ON calls (provider_call_id) WHERE provider_call_id IS NOT NULL;
