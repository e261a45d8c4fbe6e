"""Sign up, log in, and who is calling."""

import dataclasses
import logging
import uuid

from calls_platform.domain.errors import InvalidCredentials, Unauthorized
from calls_platform.domain.users import User, check_new_password, login_password, normalize_email
from calls_platform.use_cases.ports import IssuedToken, PasswordHasher, TokenService, UserRepository

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class AuthDeps:
    users: UserRepository
    passwords: PasswordHasher
    tokens: TokenService


def register(deps: AuthDeps, email: object, password: object) -> User:
    address = normalize_email(email)
    secret = check_new_password(password)
    user = deps.users.add(address, deps.passwords.hash(secret))
    log.info("user registered", extra={"user_id": str(user.user_id)})
    return user


def login(deps: AuthDeps, email: object, password: object) -> IssuedToken:
    address = normalize_email(email)
    secret = login_password(password)
    user = deps.users.get_by_email(address)
    if user is None:
        deps.passwords.burn(secret)
        raise InvalidCredentials()
    if not deps.passwords.verify(user.password_hash, secret):
        log.info("login failed", extra={"user_id": str(user.user_id)})
        raise InvalidCredentials()
    return deps.tokens.issue(user.user_id)


def bearer_user(tokens: TokenService, authorization: str | None) -> uuid.UUID:
    """The user id behind an `Authorization: Bearer <token>` header."""
    if not authorization:
        raise Unauthorized("missing Authorization header; expected 'Bearer <token>'")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("malformed Authorization header; expected 'Bearer <token>'")
    return tokens.verify(token.strip())
