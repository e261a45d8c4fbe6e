-- Live-call limits that parallel requests cannot overshoot: a live call holds one of its user's numbered
-- slots (0 .. limit-1), and no two live calls of a user hold the same slot. A call leaves the index when it
-- ends, whichever code path ends it, so nothing has to give a slot back.
ALTER TABLE calls ADD COLUMN live_slot smallint CHECK (live_slot >= 0);
UPDATE calls c SET live_slot = numbered.slot
FROM (SELECT call_id, row_number() OVER (PARTITION BY user_id ORDER BY start_time) - 1 AS slot
      FROM calls WHERE status IN ('connecting', 'ringing', 'active')) AS numbered
WHERE c.call_id = numbered.call_id;
CREATE UNIQUE INDEX calls_live_slot_key ON calls (user_id, live_slot)
    WHERE status IN ('connecting', 'ringing', 'active');
