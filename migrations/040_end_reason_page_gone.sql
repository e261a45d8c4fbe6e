-- Never a stranded call: a call whose page stopped polling (its heartbeat) is ended by the sweep with its own
-- reason, billed to the last heartbeat.
ALTER TABLE calls DROP CONSTRAINT calls_end_reason_check;
ALTER TABLE calls ADD CONSTRAINT calls_end_reason_check CHECK (end_reason IN (
    'caller_hung_up', 'callee_hung_up', 'busy', 'no_answer', 'failed', 'timeout', 'canceled',
    'browser_not_answered', 'page_gone'));
