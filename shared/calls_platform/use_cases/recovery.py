"""Forgotten and changed passwords: reset by an emailed link, change while signed in."""

from __future__ import annotations

import hashlib
import logging
import time

from calls_platform.domain.accounts import TokenPurpose, new_token, parse_token, token_hash
from calls_platform.domain.errors import InvalidCredentials, InvalidToken
from calls_platform.domain.users import Caller, canonical_email, check_new_password, normalize_email
from calls_platform.use_cases import emails
from calls_platform.use_cases.accounts import AccountDeps, check_password, limit_emails, link, send

log = logging.getLogger(__name__)

_RESET = TokenPurpose.PASSWORD_RESET


def request_password_reset(deps: AccountDeps, email: object, client_ip: str, language: str) -> None:
    """Email a reset link if the address has an account. The answer is the same either way, and so is its
    time: every answer waits until `reset_answer_seconds` have passed since the request began, so neither the
    token's statement nor the email's sending shows."""
    started = time.monotonic()
    address = normalize_email(email)
    limit_emails(deps, "address:" + hashlib.sha256(canonical_email(address).encode()).hexdigest()[:32], client_ip)
    try:
        token = new_token()
        expires = deps.calls.clock.now() + _RESET.lifetime
        account = deps.accounts.find(address)
        if account is not None and deps.accounts.issue_token(
            account.user.user_id, _RESET, token_hash(token, _RESET), expires
        ):
            send(deps, emails.password_reset(account.user.email, language, link(deps, "reset", token)))
            log.info("password reset requested", extra={"user_id": str(account.user.user_id)})
    finally:
        time.sleep(max(0.0, deps.reset_answer_seconds - (time.monotonic() - started)))


def confirm_password_reset(deps: AccountDeps, token: object, password: object) -> None:
    """Set the new password (sign-up's rules) with a valid reset link; every session of the account ends."""
    hashed = token_hash(parse_token(token), _RESET)
    new_hash = deps.passwords.hash(check_new_password(password))
    user = deps.accounts.reset_password(hashed, new_hash, deps.calls.clock.now())
    if user is None:
        raise InvalidToken()
    log.info("password reset", extra={"user_id": str(user.user_id)})


def change_password(
    deps: AccountDeps, caller: Caller, current_password: object, new_password: object, language: str
) -> None:
    """Signed in, with the current password: the new one (sign-up's rules); every other session ends, and
    the owner is told by email."""
    account = deps.accounts.get(caller)
    secret = check_new_password(new_password)
    check_password(deps, account, current_password, "current_password")
    if not deps.accounts.change_password(caller, account.user.password_hash, deps.passwords.hash(secret)):
        raise InvalidCredentials()  # changed by another request in between: the current password is not this one
    log.info("password changed", extra={"user_id": str(caller.user_id)})
    send(deps, emails.password_changed(account.user.email, language, deps.page_url.rstrip("/") + "/#forgot"))
