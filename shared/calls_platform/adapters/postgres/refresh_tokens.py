"""Used refresh tokens (by hash) and revoked token families in Postgres."""

from __future__ import annotations

from calls_platform.adapters.postgres.database import Database
from calls_platform.use_cases.auth_ports import RefreshClaims, RefreshUse

_USE = """
    WITH me AS (SELECT user_id FROM users WHERE user_id = :user_id),
    revoked AS (SELECT 1 FROM revoked_token_families WHERE family_id = :family),
    used AS (
        INSERT INTO refresh_token_uses (token_hash, family_id, user_id, expires_at)
        SELECT :hash, :family, user_id, :expires FROM me WHERE NOT EXISTS (SELECT 1 FROM revoked)
        ON CONFLICT (token_hash) DO NOTHING
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM me) AS user_exists, EXISTS (SELECT 1 FROM revoked) AS revoked,
        EXISTS (SELECT 1 FROM used) AS first_use
"""


class PgRefreshTokens:
    """Rotation and reuse detection in one statement; logout and reuse revoke a whole family."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def use(self, claims: RefreshClaims) -> RefreshUse:
        [found] = self._db.records(
            _USE, user_id=claims.user_id, family=claims.family, hash=claims.token_hash, expires=claims.expires_at
        )
        if not found["user_exists"]:
            return RefreshUse.NO_USER
        if found["revoked"]:
            return RefreshUse.REVOKED
        return RefreshUse.FIRST_USE if found["first_use"] else RefreshUse.REUSED

    def revoke_family(self, claims: RefreshClaims, reason: str) -> None:
        self._db.run(
            "INSERT INTO revoked_token_families (family_id, user_id, reason, expires_at)"
            " SELECT :family, user_id, :reason, :expires FROM users WHERE user_id = :user_id"
            " ON CONFLICT (family_id) DO NOTHING",
            family=claims.family,
            user_id=claims.user_id,
            reason=reason,
            expires=claims.expires_at,
        )
