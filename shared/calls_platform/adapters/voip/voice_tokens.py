"""Access tokens for Twilio's Voice JavaScript SDK: the browser leg of a call."""

from __future__ import annotations

import uuid
from typing import Any

from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from calls_platform.adapters.voip.identity import client_identity
from calls_platform.domain.errors import ConfigurationError
from calls_platform.use_cases.call_ports import VoiceToken

TTL_SECONDS = 3600


class TwilioVoiceTokens:
    def __init__(self, account_sid: str, api_key_sid: str, api_key_secret: str, ttl: int = TTL_SECONDS) -> None:
        self._account_sid = account_sid
        self._key_sid = api_key_sid
        self._key_secret = api_key_secret
        self._ttl = ttl

    def issue(self, user_id: uuid.UUID) -> VoiceToken:
        identity = client_identity(user_id)
        token = AccessToken(self._account_sid, self._key_sid, self._key_secret, identity=identity, ttl=self._ttl)
        token.add_grant(VoiceGrant(incoming_allow=True))  # the platform's call rings this browser
        return VoiceToken(token.to_jwt(), identity, self._ttl)


def twilio_voice_tokens(secret: dict[str, Any]) -> TwilioVoiceTokens:
    missing = [k for k in ("voip_account_sid", "voip_api_key_sid", "voip_api_key_secret") if not secret.get(k)]
    if missing:
        raise ConfigurationError(f"voice tokens need {', '.join(missing)} in the app secret")
    return TwilioVoiceTokens(secret["voip_account_sid"], secret["voip_api_key_sid"], secret["voip_api_key_secret"])
