"""The one place where real adapters are wired in: lazily, once per Lambda container.

Each piece is built on first use, so a function that never dials never imports twilio, and one that never
touches DynamoDB never creates its client.

Every member is typed as the port (`use_cases/ports.py`) its users need, and each builder returns the real
adapter: mypy (`make typecheck`, part of `make lint`) checks that every adapter fits its port.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

from calls_platform import logs
from calls_platform.config import Environment

if TYPE_CHECKING:  # for their types only: each adapter is imported where it is first built
    from calls_platform.adapters.idempotency import PowertoolsIdempotency
    from calls_platform.adapters.metrics import EmfMetrics
    from calls_platform.adapters.postgres.database import Database, DbSettings
    from calls_platform.adapters.secrets import SecretsConfig
    from calls_platform.use_cases.account_ports import Mailer, VerifiedEmails
    from calls_platform.use_cases.accounts import AccountDeps
    from calls_platform.use_cases.auth import AuthDeps
    from calls_platform.use_cases.calls import CallDeps
    from calls_platform.use_cases.contacts import ContactDeps
    from calls_platform.use_cases.login_codes import LoginCodes
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

T = TypeVar("T")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class _Lazy[T]:
    """Builds the real object on first use: history never loads a provider's library, login never DynamoDB."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._target: T | None = None

    def __getattr__(self, name: str) -> Any:
        if self._target is None:
            self._target = self._build()
        return getattr(self._target, name)


def lazy[T](build: Callable[[], T]) -> T:
    """A stand-in for what `build` returns, built on first use. It is typed as that object, so wherever the
    stand-in goes mypy checks the built object against the port (the one place the proxy passes as its target)."""
    return cast(T, _Lazy(build))


def is_built(member: object) -> bool:
    """Whether a `lazy` stand-in has built its object (anything else is built already)."""
    return not isinstance(member, _Lazy) or member._target is not None


class Container:
    def __init__(self, env: Environment) -> None:
        self.env = env
        self._clients: dict[str, Any] = {}
        logs.configure(env.log_level)

    @functools.cached_property
    def _boto(self) -> Any:
        import boto3

        # boto3 honours AWS_ENDPOINT_URL itself, so the same code talks to AWS, moto server or LocalStack.
        return boto3.session.Session()

    def _client(self, service: str) -> Any:
        """One client per service per container, shared by every adapter that uses the service."""
        if service not in self._clients:
            from botocore.config import Config

            # Bounded: an unreachable service costs a request seconds, not the whole Lambda timeout.
            config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
            self._clients[service] = self._boto.client(service, config=config)
        return self._clients[service]

    @functools.cached_property
    def secrets(self) -> SecretsConfig:
        from calls_platform.adapters.secrets import SecretsConfig

        return SecretsConfig(self._client("secretsmanager"), self.env.secrets_refresh_seconds)

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
        return db_settings(self.secrets.json(self.env.db_secret_id))

    @functools.cached_property
    def tokens(self) -> TokenService:
        from calls_platform.adapters.tokens import JwtTokens

        return JwtTokens(self.app_secret().get("jwt_secret", ""), self.env.access_token_ttl)

    @functools.cached_property
    def passwords(self) -> PasswordHasher:
        def build() -> PasswordHasher:
            from calls_platform.adapters.passwords import Argon2Passwords

            return Argon2Passwords()

        return lazy(build)  # verifying an email or exporting calls hashes nothing

    @functools.cached_property
    def auth(self) -> AuthDeps:
        from calls_platform.use_cases.auth import AuthDeps

        return AuthDeps(
            users=self.users,
            passwords=self.passwords,
            tokens=lazy(lambda: self.tokens),  # registering needs no token key
            refresh_tokens=self.refresh_tokens,
            limiter=self.limiter,
            registrations_per_address=self.env.registrations_per_address,
            codes=self._login_codes(),
        )

    def _login_codes(self) -> LoginCodes:
        from calls_platform.use_cases.login_codes import LoginCodes

        return LoginCodes(self.accounts)

    @functools.cached_property
    def accounts(self) -> AccountDeps:
        """What the account use cases need (use_cases/accounts.py, recovery.py, login_codes.py)."""
        from calls_platform.adapters.postgres.accounts import PgAccounts
        from calls_platform.use_cases.accounts import AccountDeps

        env = self.env
        return AccountDeps(
            accounts=PgAccounts(self.database),
            passwords=self.passwords,
            limiter=self.limiter,
            mailer=self.mailer,
            calls=self.call_deps,
            page_url=env.page_url or env.public_base_url,
            emails_per_address=env.account_emails_per_hour,
            emails_per_client=env.account_emails_per_client_per_hour,
            reset_answer_seconds=env.password_reset_answer_ms / 1000,
        )

    @functools.cached_property
    def mailer(self) -> Mailer:
        def build() -> Mailer:
            from calls_platform.adapters.email import DevLogMailer, SesMailer

            ses = SesMailer(self._client("sesv2"), self.env.email_sender)
            return DevLogMailer(ses) if self.env.email_dev_log == "1" else ses

        return lazy(build)

    @functools.cached_property
    def refresh_tokens(self) -> RefreshTokenStore:
        """Used refresh tokens and revoked families (logout and reuse revoke access tokens too)."""
        from calls_platform.adapters.postgres.refresh_tokens import PgRefreshTokens

        return PgRefreshTokens(self.database)

    @functools.cached_property
    def users(self) -> UserRepository:
        def build() -> UserRepository:
            from calls_platform.adapters.postgres.users import PgUserRepository

            return PgUserRepository(self.database)

        return lazy(build)  # the voice token function asks only in Twilio mode

    @functools.cached_property
    def limiter(self) -> RateLimiter:
        def build() -> RateLimiter:
            from calls_platform.adapters.rate_limits import DynamoRateLimiter

            return DynamoRateLimiter(self._client("dynamodb"), self.env.rate_limit_table)

        return lazy(build)

    @functools.cached_property
    def sessions(self) -> SessionStore:
        from calls_platform.adapters.sessions import DynamoSessionStore

        return lazy(lambda: DynamoSessionStore(self._client("dynamodb"), self.env.sessions_table))

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

        return PowertoolsIdempotency(self._client("dynamodb"), self.env.idempotency_table)

    @functools.cached_property
    def call_deps(self) -> CallDeps:
        """What the call use cases need (`call_deps.calls` is the call repository)."""
        from calls_platform.adapters.postgres.calls import PgCallRepository
        from calls_platform.domain.calls import CallLimits
        from calls_platform.domain.destinations import HIGH_RISK_COUNTRIES, countries
        from calls_platform.use_cases.calls import CallDeps

        return CallDeps(
            calls=PgCallRepository(self.database),
            sessions=self.sessions,
            voip=self.voip,
            voice_tokens=self.voice_tokens,
            clock=SystemClock(),
            session_ttl=timedelta(seconds=self.env.session_ttl),
            metrics=self.metrics,
            heartbeat_grace=timedelta(seconds=self.env.heartbeat_grace),
            verified_emails=self._verified_emails(),
            limits=CallLimits(
                live_calls=self.env.max_live_calls,
                daily_minutes=self.env.daily_call_minutes,
                countries=countries(self.env.call_countries, "CALL_ALLOWED_COUNTRIES"),
                denied_countries=countries(self.env.call_denied_countries, "CALL_DENIED_COUNTRIES")
                if self.env.call_denied_countries
                else HIGH_RISK_COUNTRIES,
                attempts_per_hour=self.env.call_attempts_per_hour,
            ),
            limiter=self.limiter,
        )

    def _verified_emails(self) -> VerifiedEmails | None:
        """Calls that cost money need a verified email: Twilio mode only (mock mode places no real calls)."""
        if self.env.voip_provider != "twilio":
            return None
        from calls_platform.adapters.postgres.accounts import PgAccounts

        return PgAccounts(self.database)

    @functools.cached_property
    def contact_deps(self) -> ContactDeps:
        from calls_platform.adapters.postgres.contacts import PgContactRepository
        from calls_platform.use_cases.contacts import ContactDeps

        return ContactDeps(PgContactRepository(self.database), SystemClock(), self.env.max_contacts)

    @functools.cached_property
    def metrics(self) -> EmfMetrics:  # a Metrics port for the use cases; the container also flushes it
        def build() -> EmfMetrics:
            from calls_platform.adapters.metrics import EmfMetrics

            return EmfMetrics()

        return lazy(build)

    def end_of_invocation(self) -> None:
        """Flush what an invocation recorded (metrics), if it recorded anything."""
        if "metrics" in vars(self) and is_built(self.metrics):
            self.metrics.flush()


_container: Container | None = None


def container() -> Container:
    global _container
    if _container is None:
        _container = Container(Environment.from_env())
    return _container


def reset(new: Container | None = None) -> None:
    """Forget the wiring (tests, or the local server after reseeding); `new` replaces it."""
    global _container
    if _container is not None and "database" in vars(_container):
        _container.database.close()
    _container = new


def _register_snapstart_hooks() -> None:
    from calls_platform import snapstart

    snapstart.register()


_register_snapstart_hooks()
