"""Sign-in codes after many failed logins (NIST SP 800-63B: at most 100 consecutive failures).

Past that many on one account, a sign-in from an address the account never signed in from also needs a code
emailed to the owner; the addresses the owner signs in from (remembered by login) are not held up.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid

from calls_platform.domain.accounts import TokenPurpose, new_login_code, token_hash
from calls_platform.domain.errors import InvalidCredentials, LoginCodeRequired
from calls_platform.domain.users import User
from calls_platform.use_cases import emails
from calls_platform.use_cases.accounts import AccountDeps, limit_emails, send
from calls_platform.use_cases.auth_ports import IssuedToken, TokenService

log = logging.getLogger(__name__)

_CODE = TokenPurpose.LOGIN_CODE


@dataclasses.dataclass(frozen=True)
class LoginCodes:
    deps: AccountDeps

    def find(self, address: str) -> tuple[User | None, int]:
        """The user of the address and its consecutive failed logins (one statement, as login's own read)."""
        account = self.deps.accounts.find(address)
        return (account.user, account.failed_logins) if account else (None, 0)

    def require(self, user: User, right: bool, code: str | None, language: str) -> None:
        """Refuse without a valid code: LoginCodeRequired (a code is emailed only when the password was right,
        yet the answer is the same), InvalidCredentials for a wrong code."""
        if code is None:
            if right:
                self._send(user, language)
            else:
                self.failed(user)
            raise LoginCodeRequired()
        if right and not self.deps.accounts.use_login_code(
            user.user_id, token_hash(code, _CODE, str(user.user_id)), self.deps.calls.clock.now()
        ):
            log.info("wrong sign-in code", extra={"user_id": str(user.user_id)})
            raise InvalidCredentials()

    def _send(self, user: User, language: str) -> None:
        limit_emails(self.deps, f"account:{user.user_id}")
        code = new_login_code()
        expires = self.deps.calls.clock.now() + _CODE.lifetime
        if self.deps.accounts.issue_token(user.user_id, _CODE, token_hash(code, _CODE, str(user.user_id)), expires):
            send(self.deps, emails.login_code(user.email, language, code))
            log.warning("sign-in code sent after many failed logins", extra={"user_id": str(user.user_id)})

    def failed(self, user: User) -> None:
        self.deps.accounts.count_failed_login(user.user_id)

    def signed_in(self, user: User, tokens: TokenService) -> IssuedToken:
        """A successful sign-in ends the failure streak and starts a token family a password change can end."""
        family = uuid.uuid4()
        self.deps.accounts.signed_in(user.user_id, family)
        return tokens.issue(user.user_id, family)
