"""The refusals of a request's framing, before any use case runs: unknown route, wrong method, size, content
type. Raised by web/ and the local gateway (infra/), never by a use case."""

from collections.abc import Sequence

from calls_platform.domain.errors import DomainError


class NotFound(DomainError):
    code = "not_found"


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"

    def __init__(self, message: str, allowed: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.allowed = tuple(allowed)  # the methods the route does take (the `Allow` header)


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class UriTooLong(DomainError):
    code = "uri_too_long"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class HeadersTooLarge(DomainError):
    code = "headers_too_large"
