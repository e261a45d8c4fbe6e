-- When the callee answered (duration is billed from here) and why the call ended.
ALTER TABLE calls
    ADD COLUMN answer_time timestamptz,
    ADD COLUMN end_reason  text CHECK (end_reason IN (
        'caller_hung_up', 'callee_hung_up', 'busy', 'no_answer', 'failed', 'timeout', 'canceled')),
    ADD CONSTRAINT calls_answer_after_start CHECK (answer_time >= start_time),
    ADD CONSTRAINT calls_final_has_reason CHECK (
        (status IN ('connecting', 'ringing', 'active')) = (end_reason IS NULL)) NOT VALID;

-- Calls that ended before this migration get the reason their status implies.
UPDATE calls SET end_reason = CASE status
    WHEN 'completed' THEN 'caller_hung_up' WHEN 'busy' THEN 'busy' WHEN 'no-answer' THEN 'no_answer'
    WHEN 'canceled' THEN 'canceled' ELSE 'failed' END
WHERE status NOT IN ('connecting', 'ringing', 'active');

ALTER TABLE calls VALIDATE CONSTRAINT calls_final_has_reason;

-- Provider status callbacks find their call by the provider's id.
-- (calls_provider_call_id_key from 002 already serves this lookup.)
