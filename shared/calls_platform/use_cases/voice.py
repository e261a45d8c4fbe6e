"""The browser's token for the provider's Voice SDK (Twilio mode; none in mock mode)."""

import dataclasses
import logging

from calls_platform.domain.errors import ConfigurationError, UnknownUser, VoipNotConfigured
from calls_platform.domain.users import Caller
from calls_platform.use_cases.auth_ports import UserRepository
from calls_platform.use_cases.call_ports import VoiceToken, VoiceTokens

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class VoiceTokenDeps:
    """What handing out a provider's token needs: the tokens, and the users to check the caller is still there."""

    tokens: VoiceTokens
    users: UserRepository


def voice_token(deps: VoiceTokenDeps, caller: Caller) -> VoiceToken | None:
    """A fresh token for the browser's Voice SDK client (None where the provider needs none). A provider token
    is handed out only to a caller still signed in (user there, family not logged out): the one statement
    this request runs, and only when there is a token to hand out."""
    try:
        token = deps.tokens.issue(caller.user_id)
    except ConfigurationError as error:  # only the provider's keys are read here: say so without naming them
        log.error("voip provider not configured", extra={"cause": error.message})
        raise VoipNotConfigured(error.message) from None
    if token is not None and not deps.users.is_signed_in(caller):
        raise UnknownUser()
    return token
