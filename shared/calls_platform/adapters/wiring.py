"""The adapters of one Lambda container, each built on first use with one idiom.

Each member is a `cached_property`, so nothing is built before a function asks for it (history never imports
twilio; registering never reads the token key). A member its users hold
without always using (the password hasher of a function that may not hash, the DynamoDB-backed stores a
request may not reach) is `lazy(self._build_...)`: a stand-in typed as its port that builds on its first
method call. Each is typed as its port (use_cases/ports.py), so mypy checks every adapter fits the port.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from calls_platform import logs
from calls_platform.adapters.aws import AwsClients
from calls_platform.config import Environment
from calls_platform.lazy import is_built, lazy

if TYPE_CHECKING:  # for their types only: each adapter is imported where it is first built
    from calls_platform.adapters.idempotency import PowertoolsIdempotency
    from calls_platform.adapters.metrics import EmfMetrics
    from calls_platform.adapters.postgres.database import Database, DbSettings
    from calls_platform.adapters.secrets import SecretsConfig
    from calls_platform.use_cases.account_ports import Mailer
    from calls_platform.use_cases.ports import (
        PasswordHasher,
        RateLimiter,
        RefreshTokenStore,
        SessionStore,
        StatusCallbacks,
        TokenService,
        UserRepository,
        VoiceTokens,
        VoipProvider,
    )


class Adapters:
    def __init__(self, env: Environment) -> None:
        self.env = env
        self.aws = AwsClients()
        logs.configure(env.log_level)

    @functools.cached_property
    def secrets(self) -> SecretsConfig:
        from calls_platform.adapters.secrets import SecretsConfig

        return SecretsConfig(self.aws.client("secretsmanager"), self.env.secrets_refresh_seconds)

    def app_secret(self) -> dict[str, Any]:
        return self.secrets.json(self.env.app_secret_id)

    @functools.cached_property
    def database(self) -> Database:
        from calls_platform.adapters.postgres.database import Database

        return Database(self.db_settings)

    def db_settings(self, refresh: bool = False) -> DbSettings:
        from calls_platform.adapters.secrets import db_settings

        if refresh:
            self.secrets.refresh(self.env.db_secret_id)
        return db_settings(self.secrets.json(self.env.db_secret_id), self.env)

    @functools.cached_property
    def tokens(self) -> TokenService:
        from calls_platform.adapters.tokens import JwtTokens

        return JwtTokens(self.app_secret().get("jwt_secret", ""), self.env.access_token_ttl)

    @functools.cached_property
    def passwords(self) -> PasswordHasher:
        return lazy(self._build_passwords)  # verifying an email or exporting calls hashes nothing

    def _build_passwords(self) -> PasswordHasher:
        from calls_platform.adapters.passwords import Argon2Passwords

        return Argon2Passwords()

    @functools.cached_property
    def mailer(self) -> Mailer:
        return lazy(self._build_mailer)

    def _build_mailer(self) -> Mailer:
        from calls_platform.adapters.email import DevLogMailer, SesMailer

        ses = SesMailer(self.aws.client("sesv2"), self.env.email_sender)
        return DevLogMailer(ses) if self.env.email_dev_log == "1" else ses

    @functools.cached_property
    def refresh_tokens(self) -> RefreshTokenStore:
        """Used refresh tokens and revoked families (logout and reuse revoke access tokens too)."""
        from calls_platform.adapters.postgres.refresh_tokens import PgRefreshTokens

        return PgRefreshTokens(self.database)

    @functools.cached_property
    def users(self) -> UserRepository:
        return lazy(self._build_users)  # the voice token function asks only in Twilio mode

    def _build_users(self) -> UserRepository:
        from calls_platform.adapters.postgres.users import PgUserRepository

        return PgUserRepository(self.database)

    @functools.cached_property
    def limiter(self) -> RateLimiter:
        return lazy(self._build_limiter)

    def _build_limiter(self) -> RateLimiter:
        from calls_platform.adapters.rate_limits import DynamoRateLimiter

        return DynamoRateLimiter(self.aws.client("dynamodb"), self.env.rate_limit_table)

    @functools.cached_property
    def sessions(self) -> SessionStore:
        return lazy(self._build_sessions)

    def _build_sessions(self) -> SessionStore:
        from calls_platform.adapters.sessions import DynamoSessionStore

        return DynamoSessionStore(self.aws.client("dynamodb"), self.env.sessions_table)

    @functools.cached_property
    def voip(self) -> VoipProvider:
        return lazy(self._build_voip)

    def _build_voip(self) -> VoipProvider:
        if self.env.voip_provider == "twilio":
            from calls_platform.adapters.voip.twilio import twilio_provider

            return twilio_provider(self.app_secret(), self.env.public_base_url, self.env.max_call_seconds)
        from calls_platform.adapters.voip.mock import MediaPeerProvider, MockVoipProvider

        return MediaPeerProvider(self.env.media_peer_url) if self.env.media_peer_url else MockVoipProvider()

    @functools.cached_property
    def voice_tokens(self) -> VoiceTokens:
        return lazy(self._build_voice_tokens)

    def _build_voice_tokens(self) -> VoiceTokens:
        if self.env.voip_provider == "twilio":
            from calls_platform.adapters.voip.voice_tokens import twilio_voice_tokens

            return twilio_voice_tokens(self.app_secret())
        from calls_platform.adapters.voip.mock import NoVoiceTokens

        return NoVoiceTokens()

    @functools.cached_property
    def status_callbacks(self) -> StatusCallbacks:
        from calls_platform.adapters.voip.twilio_webhooks import TwilioStatusCallbacks

        return TwilioStatusCallbacks(self.app_secret().get("voip_auth_token", ""))

    @functools.cached_property
    def idempotency(self) -> PowertoolsIdempotency:
        from calls_platform.adapters.idempotency import PowertoolsIdempotency

        return PowertoolsIdempotency(self.aws.client("dynamodb"), self.env.idempotency_table)

    @functools.cached_property
    def metrics(self) -> EmfMetrics:  # a Metrics port for the use cases; the container also flushes it
        return lazy(self._build_metrics)

    def _build_metrics(self) -> EmfMetrics:
        from calls_platform.adapters.metrics import EmfMetrics

        return EmfMetrics(self.env.metrics_namespace, self.env.metrics_service)

    def end_of_invocation(self) -> None:
        """Flush what an invocation recorded (metrics), if it recorded anything."""
        if "metrics" in vars(self) and is_built(self.metrics):
            self.metrics.flush()

    def warm(self) -> None:
        """Build what is the same for every copy of a SnapStart snapshot, connecting nothing: the Secrets
        Manager and DynamoDB clients (boto3 loaded, their models parsed) and the database adapter."""
        self.secrets  # noqa: B018
        self.database  # noqa: B018  the adapter only: its connection opens on the first statement
        self.aws.client("dynamodb")

    def forget_shared_state(self) -> None:
        """After a SnapStart restore: drop what copies of one snapshot must not share (connections, cached
        secrets, the token key and its verified-token cache); each copy reopens its own on first use."""
        state = vars(self)
        if "database" in state:
            self.database.close()
        self.aws.close_connections()
        if "secrets" in state:
            self.secrets.refresh(self.env.app_secret_id)  # a fresh cache: values as of now, not publish time
        for cached in ("tokens", "auth"):
            state.pop(cached, None)
