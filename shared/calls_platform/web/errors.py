"""The API's error contract: a flat `{"error": <type>, "message": <text>}` with the error's HTTP status.

`STATUS_BY_ERROR` is the one table from error (`domain/errors.py`) to HTTP status: the functions, the local
gateway and refusals made by the framework or http.server all answer through it. A subclass not listed
answers with its nearest listed base's status (InvalidPhoneNumber is a ValidationError: 400).
"""

import json

from calls_platform.domain import errors as e

# For a status that several errors share, the first listed is the generic one `error_for_status` returns.
STATUS_BY_ERROR: dict[type[e.DomainError], int] = {
    e.ValidationError: 400,
    e.InvalidAccountToken: 400,
    e.Unauthorized: 401,
    e.InvalidCredentials: 401,
    e.LoginCodeRequired: 401,
    e.SignatureRejected: 403,
    e.CallTerminationForbidden: 403,
    e.CallAnswerForbidden: 403,
    e.DestinationNotAllowed: 403,
    e.EmailNotVerified: 403,
    e.NotFound: 404,
    e.CallNotFound: 404,
    e.ContactNotFound: 404,
    e.MethodNotAllowed: 405,
    e.UserAlreadyExists: 409,
    e.CallAlreadyEnded: 409,
    e.CallAlreadyAnswered: 409,
    e.RequestInProgress: 409,
    e.CallInProgress: 409,
    e.ContactAlreadyExists: 409,
    e.TooManyContacts: 409,
    e.PayloadTooLarge: 413,
    e.UriTooLong: 414,
    e.UnsupportedMediaType: 415,
    e.IdempotencyKeyReused: 422,
    e.TooManyRequests: 429,
    e.DailyMinutesExceeded: 429,
    e.HeadersTooLarge: 431,
    e.DomainError: 500,
    e.ConfigurationError: 500,
    e.VoipUnavailable: 503,
    e.ServiceUnavailable: 503,
    e.VoipNotConfigured: 503,
}

# The errors that carry no more than a message: what a refusal known only by its status becomes.
_GENERIC = (
    e.ValidationError,
    e.Unauthorized,
    e.NotFound,
    e.MethodNotAllowed,
    e.PayloadTooLarge,
    e.UriTooLong,
    e.UnsupportedMediaType,
    e.HeadersTooLarge,
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
