"""The account itself: sign-up with a verification email, verifying, what the account holds, export, deletion."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import datetime

from calls_platform.domain.accounts import TokenPurpose, new_token, parse_token, token_hash
from calls_platform.domain.calls import LIVE_STATUSES, Call, HistoryPosition
from calls_platform.domain.errors import (
    CallAlreadyEnded,
    CallNotFound,
    DomainError,
    InvalidCredentials,
    InvalidToken,
    TooManyRequests,
    UnknownUser,
)
from calls_platform.domain.users import Caller, User, login_password
from calls_platform.use_cases import auth, calls, emails
from calls_platform.use_cases.account_ports import Account, AccountStore, Email, Mailer
from calls_platform.use_cases.auth_ports import PasswordHasher
from calls_platform.use_cases.call_deps import CallDeps
from calls_platform.use_cases.limit_ports import Limit, RateLimiter

log = logging.getLogger(__name__)

HOUR_S = 3600
EXPORT_PAGE = 500


@dataclasses.dataclass(frozen=True)
class AccountDeps:
    accounts: AccountStore
    passwords: PasswordHasher
    limiter: RateLimiter
    mailer: Mailer
    calls: CallDeps
    page_url: str  # where the links in emails lead: the softphone page
    emails_per_address: int = 5  # an hour, per email address and per account: verification, reset, codes
    emails_per_client: int = 20  # an hour, per client address
    password_checks: int = 5  # current-password checks per account in 15 minutes (change, delete)
    reset_answer_seconds: float = 0.2  # every password-reset request takes at least this long (no timing leak)


@dataclasses.dataclass(frozen=True)
class AccountView:
    email: str
    email_verified: bool
    created_at: datetime
    minutes_left_today: int


def link(deps: AccountDeps, kind: str, token: str) -> str:
    """A link to the page with the token in the fragment: browsers never send a fragment to any server (no
    access log, no Referer holds it); the page reads it and posts it to the API."""
    return f"{deps.page_url.rstrip('/')}/#{kind}={token}"


def limit_emails(deps: AccountDeps, key: str, client_ip: str | None = None) -> None:
    """Requests for emailed tokens: per address or account, and per client address; 429 with Retry-After."""
    limits = [Limit(f"email:{key}", deps.emails_per_address, HOUR_S)]
    if client_ip is not None:
        limits.append(Limit(f"email:client:{client_ip}", deps.emails_per_client, HOUR_S))
    decision = deps.limiter.reserve(limits)
    if not decision.allowed:
        raise TooManyRequests("too many emails asked for; try again later", decision.retry_after)


def send(deps: AccountDeps, email: Email) -> None:
    """An email that cannot be sent now is logged, never a failed request: the user can ask again."""
    try:
        deps.mailer.send(email)
    except DomainError as error:
        log.error("could not send email", extra={"subject": email.subject, "cause": error.message})


def send_verification(deps: AccountDeps, user: User, language: str) -> None:
    token = new_token()
    expires = deps.calls.clock.now() + TokenPurpose.VERIFY_EMAIL.lifetime
    if deps.accounts.issue_token(user.user_id, TokenPurpose.VERIFY_EMAIL, token_hash(token, _VERIFY), expires):
        send(deps, emails.verification(user.email, language, link(deps, "verify", token)))


_VERIFY = TokenPurpose.VERIFY_EMAIL


def sign_up(
    deps: AccountDeps, auth_deps: auth.AuthDeps, email: object, password: object, client_ip: str, language: str
) -> User:
    user = auth.register(auth_deps, email, password, client_ip)
    send_verification(deps, user, language)
    return user


def resend_verification(deps: AccountDeps, caller: Caller, language: str) -> bool:
    """Send the link again; False (nothing sent) when the email is already verified."""
    account = _account(deps, caller)
    if account.email_verified:
        return False
    limit_emails(deps, f"account:{caller.user_id}")
    send_verification(deps, account.user, language)
    return True


def verify_email(deps: AccountDeps, token: object) -> User:
    user = deps.accounts.verify_email(token_hash(parse_token(token), _VERIFY), deps.calls.clock.now())
    if user is None:
        raise InvalidToken()
    log.info("email verified", extra={"user_id": str(user.user_id)})
    return user


def account_view(deps: AccountDeps, caller: Caller) -> AccountView:
    account = _account(deps, caller)
    now = deps.calls.clock.now()
    spent = deps.accounts.seconds_called_since(caller.user_id, day_start(now), now)
    left = max(0, deps.calls.limits.daily_minutes * 60 - spent) // 60
    return AccountView(account.user.email, account.email_verified, account.user.created_at, left)


def _account(deps: AccountDeps, caller: Caller) -> Account:
    return deps.accounts.get(caller)  # UnknownUser when the caller is not signed in (user gone, logged out)


def export_calls(deps: AccountDeps, caller: Caller) -> Iterator[Call]:
    """The caller's whole history, newest first, page by page (keyset: any length, no OFFSET)."""
    before: HistoryPosition | None = None
    while True:
        page = deps.calls.calls.list_for_user(caller, EXPORT_PAGE, before)
        yield from page
        if len(page) < EXPORT_PAGE:
            return
        before = HistoryPosition(page[-1].start_time, page[-1].call_id)


def check_password(deps: AccountDeps, account: Account, password: object, name: str = "password") -> None:
    """The account's current password, before a change or a deletion: limited per account, as login is."""
    secret = login_password(password)
    limits = [Limit(f"password-check:{account.user.user_id}", deps.password_checks, 15 * 60)]
    decision = deps.limiter.reserve(limits)
    if not decision.allowed:
        raise TooManyRequests(f"too many wrong {name} attempts; try again later", decision.retry_after)
    if not deps.passwords.verify(account.user.password_hash, secret):
        raise InvalidCredentials()
    deps.limiter.release(limits)


def delete_account(deps: AccountDeps, caller: Caller, password: object) -> None:
    """Hang up the live calls (the terminate path: provider leg, session), then delete the account in one
    statement: email, password hash, calls and their numbers, tokens. Only seconds called per UTC day stay."""
    account = _account(deps, caller)
    check_password(deps, account, password)
    for status in sorted(LIVE_STATUSES, key=lambda s: s.value):
        for call in deps.calls.calls.list_for_user(caller, deps.calls.limits.live_calls + 1, status=status):
            try:
                calls.terminate_call(deps.calls, caller, str(call.call_id))
            except (CallAlreadyEnded, CallNotFound) as error:  # ended meanwhile: nothing left to hang up
                log.info("live call ended before deletion", extra={"call_id": str(call.call_id), "cause": error.code})
    if not deps.accounts.delete(caller.user_id, account.user.password_hash):
        raise UnknownUser()  # deleted meanwhile, or its password changed in between: nothing is half-done
    log.info("account deleted", extra={"user_id": str(caller.user_id)})


def day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
