"""Every rule the API can refuse on, one class per API error type (`code`): the use cases and adapters raise
them. The request-framing refusals (size, content type, unknown route, wrong method) are web/framing.py's.
What each one means in HTTP is the one table in `web/errors.py` (`STATUS_BY_ERROR`).
"""


class DomainError(Exception):
    """The base: an unexpected failure (`internal_error`, 500) unless a subclass says otherwise."""

    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RetryLater(DomainError):
    """A refusal for now: `retry_after` seconds from now the same request may succeed (`Retry-After`)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ValidationError(DomainError):
    code = "validation_error"


class Unauthorized(DomainError):
    code = "unauthorized"


class UnknownUser(Unauthorized):
    """A validly signed token for a user that no longer exists."""

    def __init__(self) -> None:
        super().__init__("invalid token")


class InvalidCredentials(DomainError):
    code = "invalid_credentials"

    def __init__(self) -> None:
        # One message for unknown email and wrong password: the answer must not reveal which.
        super().__init__("invalid email or password")


class UserAlreadyExists(DomainError):
    code = "user_already_exists"

    def __init__(self, lookalike: bool = False) -> None:
        # A look-alike (same TS #39 skeleton) could pass for the other account: refused the same way.
        message = "a user with an email that looks the same already exists" if lookalike else None
        super().__init__(message or "a user with this email already exists")


class CallNotFound(DomainError):
    code = "call_not_found"

    def __init__(self) -> None:
        super().__init__("call not found")


class CallTerminationFailed(DomainError):
    """Ending someone else's call."""

    code = "call_termination_failed"

    def __init__(self) -> None:
        super().__init__("the call belongs to another user")


class CallAnswerFailed(DomainError):
    """Answering someone else's call."""

    code = "call_answer_failed"

    def __init__(self) -> None:
        super().__init__("the call belongs to another user")


class CallAlreadyAnswered(DomainError):
    code = "call_already_answered"

    def __init__(self) -> None:
        super().__init__("the call already has an SDP answer")


class CallAlreadyEnded(DomainError):
    code = "call_already_ended"

    def __init__(self, status: str) -> None:
        super().__init__(f"the call has already ended with status '{status}'")
        self.status = status


class ContactNotFound(DomainError):
    code = "contact_not_found"

    def __init__(self) -> None:
        super().__init__("contact not found")


class ContactAlreadyExists(DomainError):
    """The user already has a contact for this number (one name per number)."""

    code = "contact_already_exists"


class TooManyContacts(DomainError):
    code = "too_many_contacts"


class CallInitiationFailed(DomainError):
    """The VoIP provider could not place or end a call (credentials, outage, timeout)."""

    code = "call_initiation_failed"

    def __init__(self, cause: str = "") -> None:
        super().__init__("VoIP service unavailable")
        self.cause = cause  # for the logs; a provider's text may hold the dialled number: masked where logged


class VoipNotConfigured(DomainError):
    """The VoIP provider's settings are incomplete: found before anything is dialled or recorded."""

    code = "voip_not_configured"

    def __init__(self, cause: str = "") -> None:
        super().__init__("calling is not available yet: the phone service is not set up; please try again later")
        self.cause = cause  # for the logs: which settings are missing (names only, never values)


class InvalidPhoneNumber(ValidationError):
    """The provider refused the number although it has the E.164 shape."""


class ServiceUnavailable(DomainError):
    """A dependency (database, session store, secrets) did not answer."""

    code = "service_unavailable"


class ConfigurationError(DomainError):
    """The deployment is misconfigured; the function refuses to serve rather than run insecurely."""

    code = "configuration_error"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was already used with a different request body")


class RequestInProgress(DomainError):
    code = "request_in_progress"

    def __init__(self) -> None:
        super().__init__("a request with this Idempotency-Key is still being processed; retry shortly")


class TooManyRequests(RetryLater):
    code = "too_many_requests"


class DestinationNotAllowed(DomainError):
    """A number this deployment does not dial (high-cost type, country not allowed, or refused by the provider)."""

    code = "destination_not_allowed"


class CallInProgress(DomainError):
    code = "call_in_progress"


class DailyMinutesExceeded(RetryLater):
    code = "daily_minutes_exceeded"


class EmailNotVerified(DomainError):
    """Calls that cost money (Twilio mode) need a verified email address: refused before anything is dialled."""

    code = "email_not_verified"

    def __init__(self) -> None:
        super().__init__("verify your email address before placing calls; we sent you a link (you can ask again)")


class InvalidToken(DomainError):
    """A verification or reset token that is unknown, used, expired, or was issued under another password."""

    code = "invalid_token"

    def __init__(self) -> None:
        super().__init__("this link is invalid or has expired; ask for a new one")


class LoginCodeRequired(DomainError):
    """After many failed logins, a sign-in from an address the account never used needs the emailed code."""

    code = "login_code_required"

    def __init__(self) -> None:
        super().__init__("a sign-in code was sent to the account's email address; enter it as login_code")


class Forbidden(DomainError):
    """A provider webhook whose signature is missing or wrong."""

    code = "forbidden"

    def __init__(self) -> None:
        super().__init__("invalid webhook signature")
