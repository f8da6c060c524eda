"""Errors a marketplace client raises. Every message is for a person and never holds a secret."""

from __future__ import annotations


class MarketplaceError(Exception):
    """A call to a marketplace failed; ``endpoint`` names the API method (never a secret)."""

    def __init__(self, message: str, *, endpoint: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint
        self.status = status

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.message}" if self.endpoint else self.message


class AuthError(MarketplaceError):
    """The credential was refused: expired, malformed, wrong environment or lacking a category."""


class EndpointRetired(MarketplaceError):
    """The marketplace answered 404 for a method we rely on: it was switched off."""


class RateLimitExhausted(MarketplaceError):
    """The marketplace kept answering 429 beyond the retry budget."""


class AnswerTooLarge(MarketplaceError):
    """An answer held more than its method's bound (decompressed): a misbehaving server, and
    never asked again in the same sync."""


class ServerError(MarketplaceError):
    """The marketplace kept failing (5xx) beyond the retry budget."""


class NetworkError(MarketplaceError):
    """The marketplace could not be reached (DNS, connection, timeout) beyond the retry budget."""


class MalformedResponse(MarketplaceError):
    """An answer did not have the shape the spec promises; the message names the field."""


class RequestRejected(MarketplaceError):
    """A 4xx other than 401/403/404/429: the request itself was refused."""


class Redirected(MarketplaceError):
    """The marketplace answered 3xx. Never followed (credentials must not travel to another
    host) and never retried; its body is not the answer."""
