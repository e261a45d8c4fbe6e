"""The API's error contract: a flat `{"error": <type>, "message": <text>}` with the error's HTTP status.

`STATUS_BY_ERROR` is the one table from error (`domain/errors.py`, `web/framing.py`) to HTTP status: the
functions, the local gateway and refusals made by the framework or http.server all answer through it. A
subclass not listed answers with its nearest listed base's status (InvalidPhoneNumber is a ValidationError: 400).
"""

import json

from calls_platform.domain import errors as e
from calls_platform.web import framing as f

# For a status that several errors share, the first listed is the generic one `error_for_status` returns.
STATUS_BY_ERROR: dict[type[e.DomainError], int] = {
    e.ValidationError: 400,
    e.InvalidToken: 400,
    e.Unauthorized: 401,
    e.InvalidCredentials: 401,
    e.LoginCodeRequired: 401,
    e.Forbidden: 403,
    e.CallTerminationFailed: 403,
    e.CallAnswerFailed: 403,
    e.DestinationNotAllowed: 403,
    e.EmailNotVerified: 403,
    f.NotFound: 404,
    e.CallNotFound: 404,
    e.ContactNotFound: 404,
    f.MethodNotAllowed: 405,
    e.UserAlreadyExists: 409,
    e.CallAlreadyEnded: 409,
    e.CallAlreadyAnswered: 409,
    e.RequestInProgress: 409,
    e.CallInProgress: 409,
    e.ContactAlreadyExists: 409,
    e.TooManyContacts: 409,
    f.PayloadTooLarge: 413,
    f.UriTooLong: 414,
    f.UnsupportedMediaType: 415,
    e.IdempotencyKeyReused: 422,
    e.TooManyRequests: 429,
    e.DailyMinutesExceeded: 429,
    f.HeadersTooLarge: 431,
    e.DomainError: 500,
    e.ConfigurationError: 500,
    e.CallInitiationFailed: 503,
    e.ServiceUnavailable: 503,
    e.VoipNotConfigured: 503,
}

# The errors that carry no more than a message: what a refusal known only by its status becomes.
_GENERIC = (
    e.ValidationError,
    e.Unauthorized,
    f.NotFound,
    f.MethodNotAllowed,
    f.PayloadTooLarge,
    f.UriTooLong,
    f.UnsupportedMediaType,
    f.HeadersTooLarge,
    e.ServiceUnavailable,
)


def status_of(error: e.DomainError | type[e.DomainError]) -> int:
    kind = error if isinstance(error, type) else type(error)
    return next(STATUS_BY_ERROR[base] for base in kind.__mro__ if base in STATUS_BY_ERROR)


def error_body(error: e.DomainError) -> str:
    return json.dumps({"error": error.code, "message": error.message})


def error_for_status(status: int, message: str) -> e.DomainError:
    """A refusal the framework or http.server made, known only by its status, as this API's error."""
    kind = next((k for k in _GENERIC if status_of(k) == status), e.DomainError)
    return kind(message)


def internal_error() -> e.DomainError:
    """What a bug answers: the trace goes to the log, never to the client."""
    return e.DomainError("internal server error")
