"""Where an installation's licence stands, from what the vault keeps and the desktop's clock.

The licensing service is asked now and then (services.licence); between two answers the last
verified one holds for a grace period. This module decides, without any I/O, which plan applies
at a given moment: the one the licence holds, or FREE because the service said no, the grace
ran out, the clock was turned back, or an offline machine file expired.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from stock_tracker_desktop.domain.plans import FREE, Plan, plan_for
from stock_tracker_desktop.domain.problems import Problem, ProblemCode

GRACE = timedelta(days=14)
# How often the service is asked while it can be reached; an older answer means "offline".
CHECK_EVERY = timedelta(hours=24)
# Clocks of two honest machines differ by a few seconds, a desktop that slept by nothing: a step
# back of more than this past a time already seen is a clock turned back.
CLOCK_SLACK = timedelta(minutes=5)
# After a question that got no answer, the next waits this long: an offline desktop's commands
# do not each wait for a service that is not there.
RETRY_AFTER = timedelta(hours=1)
SOURCE_ONLINE = "online"
SOURCE_FILE = "machine-file"


class LicenceState(StrEnum):
    NONE = "none"  # no licence: the FREE plan
    ACTIVE = "active"  # the service confirmed it recently
    OFFLINE = "offline"  # confirmed before; the service has not answered since (grace)
    GRACE_OVER = "grace-over"
    CLOCK_BACK = "clock-back"
    NOT_VALID = "not-valid"  # the service says it does not hold (its code says why)
    MACHINE_FILE = "machine-file"  # an imported machine file, within its TTL
    FILE_EXPIRED = "file-expired"


@dataclass(frozen=True)
class LicenceFacts:
    """One verified answer about the licence: from the service or from a machine file."""

    valid: bool
    code: str
    detail: str
    server_time: datetime
    verified_at: datetime  # the desktop's clock when the answer was verified
    source: str = SOURCE_ONLINE
    licence_id: str | None = None
    name: str | None = None
    expiry: datetime | None = None
    status: str | None = None
    max_machines: int | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    entitlements: frozenset[str] = frozenset()
    file_expiry: datetime | None = None

    @property
    def plan(self) -> Plan:
        return plan_for(self.metadata, self.entitlements)

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "code": self.code,
            "detail": self.detail,
            "server_time": self.server_time.isoformat(),
            "verified_at": self.verified_at.isoformat(),
            "source": self.source,
            "licence_id": self.licence_id,
            "name": self.name,
            "expiry": _iso(self.expiry),
            "status": self.status,
            "max_machines": self.max_machines,
            "metadata": dict(self.metadata),
            "entitlements": sorted(self.entitlements),
            "file_expiry": _iso(self.file_expiry),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LicenceFacts:
        return cls(
            valid=bool(data["valid"]),
            code=str(data["code"]),
            detail=str(data.get("detail", "")),
            server_time=datetime.fromisoformat(data["server_time"]),
            verified_at=datetime.fromisoformat(data["verified_at"]),
            source=str(data.get("source", SOURCE_ONLINE)),
            licence_id=data.get("licence_id"),
            name=data.get("name"),
            expiry=_from_iso(data.get("expiry")),
            status=data.get("status"),
            max_machines=data.get("max_machines"),
            metadata=dict(data.get("metadata") or {}),
            entitlements=frozenset(data.get("entitlements") or ()),
            file_expiry=_from_iso(data.get("file_expiry")),
        )


@dataclass(frozen=True)
class LicenceRecord:
    """What the vault keeps about the licence (a secret: it holds the key)."""

    key: str = field(repr=False)
    machine_id: str | None = None
    heartbeat_seconds: int | None = None
    last_ping: datetime | None = None
    facts: LicenceFacts | None = None
    # The latest time the desktop's clock showed while the app ran: a clock that goes back
    # past it (or past the service's last time) was turned back.
    last_seen: datetime | None = None
    clock_back: bool = False
    last_attempt: datetime | None = None
    # What the last question to the service met (None: it was answered); kept as a problem
    # so that the window words it in its language.
    last_problem: Problem | None = None

    def seen_at(self, now: datetime) -> LicenceRecord:
        """This record once the app has seen ``now``: the clock's high-water mark moves on, or
        the grace ends for good when the clock went back (only a verified answer clears it)."""
        marks = [mark for mark in (self.last_seen, self._trusted_time) if mark is not None]
        if marks and now < max(marks) - CLOCK_SLACK:
            return replace(self, clock_back=True)
        if self.last_seen is None or now > self.last_seen:
            return replace(self, last_seen=now)
        return self

    @property
    def _trusted_time(self) -> datetime | None:
        return self.facts.server_time if self.facts is not None else None

    def as_json(self) -> dict[str, Any]:
        problem = self.last_problem
        return {
            "key": self.key,
            "machine_id": self.machine_id,
            "heartbeat_seconds": self.heartbeat_seconds,
            "last_ping": _iso(self.last_ping),
            "facts": self.facts.as_json() if self.facts is not None else None,
            "last_seen": _iso(self.last_seen),
            "clock_back": self.clock_back,
            "last_attempt": _iso(self.last_attempt),
            "last_problem": problem.as_json() if problem is not None else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LicenceRecord:
        facts = data.get("facts")
        return cls(
            key=str(data["key"]),
            machine_id=data.get("machine_id"),
            heartbeat_seconds=data.get("heartbeat_seconds"),
            last_ping=_from_iso(data.get("last_ping")),
            facts=LicenceFacts.from_json(facts) if facts else None,
            last_seen=_from_iso(data.get("last_seen")),
            clock_back=bool(data.get("clock_back", False)),
            last_attempt=_from_iso(data.get("last_attempt")),
            last_problem=_stored_problem(data.get("last_problem")),
        )


@dataclass(frozen=True)
class LicenceStanding:
    """Which plan applies now, and everything the window and ``license status`` show."""

    state: LicenceState
    plan: Plan  # what applies now
    held: Plan | None = None  # what the licence holds, when it is valid
    code: str = ""
    detail: str = ""
    name: str | None = None
    expiry: datetime | None = None
    max_machines: int | None = None
    last_check: datetime | None = None
    grace_days_left: int | None = None
    file_expiry: datetime | None = None
    last_problem: Problem | None = None

    @property
    def holds(self) -> bool:
        """The licence's plan applies (confirmed, within the grace or the machine file's TTL)."""
        return self.state in (LicenceState.ACTIVE, LicenceState.OFFLINE, LicenceState.MACHINE_FILE)

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "plan": self.plan.as_json(),
            "licence_plan": self.held.as_json() if self.held is not None else None,
            "code": self.code,
            "detail": self.detail,
            "name": self.name,
            "expiry": _iso(self.expiry),
            "max_machines": self.max_machines,
            "last_check": _iso(self.last_check),
            "grace_days_left": self.grace_days_left,
            "machine_file_expiry": _iso(self.file_expiry),
            # English, as `license status` prints it (scripts read the sentence, as before).
            "last_problem": self.last_problem.english() if self.last_problem is not None else "",
        }


def standing_of(record: LicenceRecord | None, now: datetime) -> LicenceStanding:
    """The plan that applies at ``now`` (aware) given what the vault keeps."""
    if record is None or record.facts is None:
        problem = record.last_problem if record is not None else None
        return LicenceStanding(LicenceState.NONE, FREE, last_problem=problem)
    facts = record.facts
    base = LicenceStanding(
        LicenceState.ACTIVE,
        FREE,
        held=facts.plan if facts.valid else None,
        code=facts.code,
        detail=facts.detail,
        name=facts.name,
        expiry=facts.expiry,
        max_machines=facts.max_machines,
        last_check=facts.verified_at,
        file_expiry=facts.file_expiry,
        last_problem=record.last_problem,
    )
    if record.clock_back or record.seen_at(now).clock_back:
        return replace(base, state=LicenceState.CLOCK_BACK)
    if not facts.valid:
        return replace(base, state=LicenceState.NOT_VALID)
    if facts.source == SOURCE_FILE and facts.file_expiry is not None:
        if now >= facts.file_expiry:
            return replace(base, state=LicenceState.FILE_EXPIRED)
        return replace(base, state=LicenceState.MACHINE_FILE, plan=facts.plan)
    grace_end = facts.verified_at + GRACE
    if now >= grace_end:
        return replace(base, state=LicenceState.GRACE_OVER, grace_days_left=0)
    days_left = math.ceil((grace_end - now) / timedelta(days=1))
    failed_since = record.last_attempt is not None and record.last_attempt > facts.verified_at
    offline = failed_since or now - facts.verified_at > CHECK_EVERY
    return replace(
        base,
        state=LicenceState.OFFLINE if offline else LicenceState.ACTIVE,
        plan=facts.plan,
        grace_days_left=days_left,
    )


def check_due(record: LicenceRecord | None, now: datetime) -> bool:
    """Whether the service should be asked again now (a machine file is never re-asked)."""
    if record is None or _tried_lately(record, now):
        return False
    facts = record.facts
    if facts is None:
        return True
    if facts.source == SOURCE_FILE:
        return False
    return now - facts.verified_at >= CHECK_EVERY or now < facts.verified_at


def _tried_lately(record: LicenceRecord, now: datetime) -> bool:
    tried = record.last_attempt
    failed = record.last_problem is not None
    return tried is not None and failed and tried <= now < tried + RETRY_AFTER


def ping_due(record: LicenceRecord | None, now: datetime) -> bool:
    """A heartbeat is owed: the policy asks for one every ``heartbeat_seconds``; ping at half of
    that, so one late or lost ping does not kill the machine."""
    if record is None or not record.heartbeat_seconds or record.machine_id is None:
        return False
    if _tried_lately(record, now):
        return False
    if record.last_ping is None:
        return True
    return now - record.last_ping >= timedelta(seconds=record.heartbeat_seconds / 2)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _stored_problem(value: object) -> Problem | None:
    """The record's last problem: JSON since problems had codes; the English sentence an
    earlier version stored is kept as the detail of one, so its record still loads."""
    if isinstance(value, Mapping):
        return Problem.from_json(value)
    if isinstance(value, str) and value:
        return Problem(ProblemCode.LICENCE_RECORDED_EARLIER, {"detail": value})
    return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None
