"""Domain errors. Each carries the API's error type (`code`); the web layer maps codes to HTTP statuses."""


class DomainError(Exception):
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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

    def __init__(self) -> None:
        super().__init__("a user with this email already exists")


class CallNotFound(DomainError):
    code = "call_not_found"

    def __init__(self) -> None:
        super().__init__("call not found")


class CallTerminationForbidden(DomainError):
    code = "call_termination_failed"

    def __init__(self) -> None:
        super().__init__("the call belongs to another user")


class CallAnswerForbidden(DomainError):
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


class VoipUnavailable(DomainError):
    """The VoIP provider could not place or end a call (credentials, outage, timeout)."""

    code = "call_initiation_failed"

    def __init__(self, cause: str = "") -> None:
        from calls_platform.domain.phone import mask_numbers

        super().__init__("VoIP service unavailable")
        self.cause = mask_numbers(cause)  # provider error text may hold the dialled number


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


class TooManyRequests(DomainError):
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DestinationNotAllowed(DomainError):
    """A number this deployment does not dial (high-cost type, country not allowed, or refused by the provider)."""

    code = "destination_not_allowed"


class CallInProgress(DomainError):
    code = "call_in_progress"


class DailyMinutesExceeded(DomainError):
    code = "daily_minutes_exceeded"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
