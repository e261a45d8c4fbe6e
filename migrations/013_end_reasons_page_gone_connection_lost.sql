-- Two end reasons: `page_gone` (the page showing a live call stopped polling, its heartbeat: the sweep ends the
-- call, billed to the last heartbeat) and `connection_lost` (the call's media failed or its peer went away).
-- The list is widened: the new check replaces the old one in this same transaction, and NOT VALID skips a scan
-- of every call that could only pass (each row met the narrower check); new rows are checked.
-- squawk-ignore ban-drop-constraint
ALTER TABLE calls DROP CONSTRAINT calls_end_reason_check;
ALTER TABLE calls ADD CONSTRAINT calls_end_reason_check CHECK (end_reason IN (
    'caller_hung_up', 'callee_hung_up', 'busy', 'no_answer', 'failed', 'timeout', 'canceled',
    'browser_not_answered', 'page_gone', 'connection_lost')) NOT VALID;
