-- WebRTC signalling: the live session's id and the SDP offer/answer exchanged with the browser.
ALTER TABLE calls
    ADD COLUMN session_id text,
    ADD COLUMN sdp_offer  text,
    ADD COLUMN sdp_answer text;

CREATE UNIQUE INDEX calls_session_id_key ON calls (session_id) WHERE session_id IS NOT NULL;
