-- Mock mode's media peer (and the page) can tell a call whose media failed or whose peer went away.
ALTER TABLE calls DROP CONSTRAINT calls_end_reason_check;
ALTER TABLE calls ADD CONSTRAINT calls_end_reason_check CHECK (end_reason IN (
    'caller_hung_up', 'callee_hung_up', 'busy', 'no_answer', 'failed', 'timeout', 'canceled',
    'browser_not_answered', 'connection_lost'));
