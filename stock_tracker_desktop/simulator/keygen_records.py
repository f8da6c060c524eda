"""The simulated Keygen account's records: policies, licences, machines, verdicts, errors.

Frozen snapshots: the server's thread and the tests' thread share them without a lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

ExpirationStrategy = Literal["RESTRICT_ACCESS", "REVOKE_ACCESS", "MAINTAIN_ACCESS", "ALLOW_ACCESS"]
# Under these strategies an expired licence still validates (valid, code EXPIRED).
ACCESS_WHEN_EXPIRED = frozenset({"MAINTAIN_ACCESS", "ALLOW_ACCESS"})
# What the next answers do wrong, for the client's verification tests (keygen_api).
Tamper = Literal["body", "stale-date", "other-key", "unsigned", "wrong-nonce"]


def utc_now() -> datetime:
    return datetime.now(UTC)


class KeygenError(Exception):
    """An API error, answered as Keygen's ``{"errors": [{title, detail, code}]}``."""

    def __init__(
        self, status: int, title: str, detail: str, code: str, pointer: str | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code
        self.pointer = pointer


@dataclass(frozen=True)
class SimPolicy:
    id: str
    max_machines: int
    expiration_strategy: ExpirationStrategy
    require_heartbeat: bool
    heartbeat_duration: int


@dataclass(frozen=True)
class SimLicence:
    id: str
    key: str = field(repr=False)
    name: str
    policy: SimPolicy
    metadata: Mapping[str, Any]
    entitlements: tuple[str, ...]
    expiry: datetime | None
    suspended: bool
    created: datetime

    def expired(self, now: datetime) -> bool:
        return self.expiry is not None and self.expiry <= now


@dataclass(frozen=True)
class SimMachine:
    id: str
    fingerprint: str
    licence_id: str
    name: str | None
    platform: str | None
    created: datetime
    last_ping: datetime | None = None
    resurrected: bool = False


@dataclass(frozen=True)
class Verdict:
    """A validation's outcome; ``licence`` is None for an unknown key."""

    valid: bool
    code: str
    detail: str
    licence: SimLicence | None


def heartbeat_status(machine: SimMachine, policy: SimPolicy, now: datetime) -> str:
    if machine.last_ping is None:
        return "NOT_STARTED"
    if now - machine.last_ping > timedelta(seconds=policy.heartbeat_duration):
        return "DEAD"
    return "RESURRECTED" if machine.resurrected else "ALIVE"
