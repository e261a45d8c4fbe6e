-- Refresh tokens rotate and are single-use. A token is a signed JWT (family id + token id); what is stored is
-- the SHA-256 of each token once used, and the families revoked (reuse of a used token, or logout).
CREATE TABLE refresh_token_uses (
    token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    family_id  uuid NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    used_at    timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX refresh_token_uses_expiry_idx ON refresh_token_uses (expires_at);

CREATE TABLE revoked_token_families (
    family_id  uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    reason     text NOT NULL CHECK (reason IN ('logout', 'reuse')),
    revoked_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
