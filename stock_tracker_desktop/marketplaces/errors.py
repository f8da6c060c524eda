"""Errors a marketplace client raises. Every message is for a person and never holds a secret.

What went wrong is a :class:`Problem` (a code and typed values), so that the window can say it
in its own language; ``message`` is its English sentence, for the CLI and the logs.
"""

from __future__ import annotations

from stock_tracker_desktop.domain.problems import CallProblem, Problem


class MarketplaceError(Exception):
    """A call to a marketplace failed; ``endpoint`` names the API method (never a secret)."""

    def __init__(self, problem: Problem, *, endpoint: str = "", status: int | None = None) -> None:
        # The problem is the one argument: copying or pickling the error rebuilds it from args.
        super().__init__(problem)
        self.problem = problem
        self.endpoint = endpoint
        self.status = status

    @property
    def message(self) -> str:
        """The problem in English (derived, so it can never say something else)."""
        return self.problem.english()

    @property
    def call_problem(self) -> CallProblem:
        """The problem and the method that met it, as a connection check lists it
        (``str()`` of it is ``str()`` of this error)."""
        return CallProblem(self.problem.code, self.problem.params, endpoint=self.endpoint)

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


class UnusableCredentials(MarketplaceError, ValueError):
    """Credentials no client can be made with (a key missing, a sandbox that does not exist).
    Still a ValueError, as callers have always caught it as one."""


class Redirected(MarketplaceError):
    """The marketplace answered 3xx. Never followed (credentials must not travel to another
    host) and never retried; its body is not the answer."""
