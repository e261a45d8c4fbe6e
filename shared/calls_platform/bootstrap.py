"""The one place where adapters are wired to the use cases, once per Lambda container: `container()`.

The adapters themselves, each built on first use, are `adapters/wiring.py`'s; the container adds what each
group of use cases needs (`auth`, `accounts`, `call_deps`, `contact_deps`), built the same way. SnapStart's
hooks (snapstart.py) are registered here with the `container` getter: snapstart imports nothing of this.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import TYPE_CHECKING

from calls_platform import snapstart
from calls_platform.adapters.clock import SystemClock
from calls_platform.adapters.wiring import Adapters
from calls_platform.config import Environment
from calls_platform.lazy import lazy

if TYPE_CHECKING:  # for their types only: each is imported where it is first built
    from calls_platform.use_cases.account_ports import VerifiedEmails
    from calls_platform.use_cases.accounts import AccountDeps
    from calls_platform.use_cases.auth import AuthDeps
    from calls_platform.use_cases.call_deps import CallDeps
    from calls_platform.use_cases.contacts import ContactDeps
    from calls_platform.use_cases.login_codes import LoginCodes
    from calls_platform.use_cases.ports import TokenService
    from calls_platform.use_cases.voice import VoiceTokenDeps


class Container(Adapters):
    @functools.cached_property
    def auth(self) -> AuthDeps:
        from calls_platform.use_cases.auth import AuthDeps

        return AuthDeps(
            users=self.users,
            passwords=self.passwords,
            tokens=lazy(self._built_tokens),  # registering needs no token key
            refresh_tokens=self.refresh_tokens,
            limiter=self.limiter,
            registrations_per_address=self.env.registrations_per_address,
            codes=self._login_codes(),
        )

    def _built_tokens(self) -> TokenService:
        return self.tokens

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
    def call_deps(self) -> CallDeps:
        """What the call use cases need (`call_deps.calls` is the call repository)."""
        from calls_platform.adapters.postgres.calls import PgCallRepository
        from calls_platform.domain.calls import CallLimits
        from calls_platform.domain.destinations import HIGH_RISK_COUNTRIES, countries
        from calls_platform.use_cases.call_deps import CallDeps

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
    def voice_token_deps(self) -> VoiceTokenDeps:
        from calls_platform.use_cases.voice import VoiceTokenDeps

        return VoiceTokenDeps(self.voice_tokens, self.users)

    @functools.cached_property
    def contact_deps(self) -> ContactDeps:
        from calls_platform.adapters.postgres.contacts import PgContactRepository
        from calls_platform.use_cases.contacts import ContactDeps

        return ContactDeps(PgContactRepository(self.database), SystemClock(), self.env.max_contacts)


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


# Registered when a function first imports the wiring, as the runtime asks (before the snapshot is taken).
snapstart.register(container)
