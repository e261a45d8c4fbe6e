-- Browser leg first (Twilio mode): a call whose browser leg was never accepted ends with its own reason,
-- and no phone was dialled.
ALTER TABLE calls DROP CONSTRAINT calls_end_reason_check;
ALTER TABLE calls ADD CONSTRAINT calls_end_reason_check CHECK (end_reason IN (
    'caller_hung_up', 'callee_hung_up', 'busy', 'no_answer', 'failed', 'timeout', 'canceled',
    'browser_not_answered'));
