-- A call ended here whose hang-up the provider did not confirm: its provider leg may still run (and bill).
-- The scheduled sweep retries the hang-up until the provider confirms, then clears the mark.
ALTER TABLE calls ADD COLUMN provider_hangup_pending boolean NOT NULL DEFAULT false;
CREATE INDEX calls_provider_hangup_pending_idx ON calls (start_time) WHERE provider_hangup_pending;
