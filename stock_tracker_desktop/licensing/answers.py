"""What the licence server answers, as values, and the ways a licensing call can fail.

Every failure carries a ``Problem`` (domain.problems) that says what to do next, so the window
words it in its language; ``str()`` is its English, for the CLI and the logs. None of them carries
the licence key: a message ends up in logs, dialogs and support mails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stock_tracker_desktop.domain.problems import Problem, ProblemCode


@dataclass(frozen=True)
class LicensingConfig:
    """Where the Keygen account lives and the key its answers are signed with."""

    base_url: str  # e.g. "https://api.keygen.sh" (no trailing slash)
    account: str  # account id or slug
    public_key: str  # the account's ed25519 verify key, 64 hex chars


@dataclass(frozen=True)
class Validation:
    """A licence validation (Keygen's validate-key meta and data)."""

    valid: bool
    code: str
    detail: str
    ts: datetime
    license_id: str | None
    name: str | None
    expiry: datetime | None
    status: str | None
    max_machines: int | None
    metadata: Mapping[str, Any]
    entitlements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Machine:
    """An activated machine. ``heartbeat_duration`` is None when the policy wants no pings."""

    id: str
    fingerprint: str
    heartbeat_status: str | None
    heartbeat_duration: int | None


class LicensingError(Exception):
    """Any licensing failure; ``problem`` says what went wrong and what to do."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem.english()


class Unreachable(LicensingError):
    """The licence server could not be reached or did not answer in time (or answered 5xx)."""


class Unverified(LicensingError):
    """An answer failed verification; it counts as no answer at all."""


class MachineLimitExceeded(LicensingError):
    """The licence is active on as many machines as its plan allows."""

    def __init__(self, max_machines: int | None) -> None:
        self.max_machines = max_machines
        if max_machines is None:
            super().__init__(Problem(ProblemCode.LICENCE_MACHINE_LIMIT_UNKNOWN))
        else:
            super().__init__(Problem(ProblemCode.LICENCE_MACHINE_LIMIT, {"limit": max_machines}))


class LicenceRefused(LicensingError):
    """The licence server refused the request (an API error other than the machine limit)."""

    def __init__(self, problem: Problem, *, code: str | None, status: int) -> None:
        super().__init__(problem)
        self.code = code
        self.status = status
