"""The installation's licence: asking the licensing service, keeping its last verified answer in
the vault, and the plan that follows (domain.licence decides the plan; domain.plans the limits).

The record is an agency secret like the Google key: Fernet inside the encrypted database. The
network half (``ask``) touches no database, so the core runs it off the database thread and
stores what it returns there; the CLI and tests call the same methods in turn.
"""

from __future__ import annotations

import logging
import os
import platform
import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from stock_tracker_desktop.config import (
    DEFAULT_LICENSE_ACCOUNT,
    DEFAULT_LICENSE_BASE_URL,
    DEFAULT_LICENSE_PUBLIC_KEY,
    LICENSE_ACCOUNT_ENV,
    LICENSE_BASE_URL_ENV,
    LICENSE_KEY_ENV,
    LICENSE_PUBLIC_KEY_ENV,
)
from stock_tracker_desktop.domain.licence import (
    SOURCE_FILE,
    LicenceFacts,
    LicenceRecord,
    LicenceStanding,
    check_due,
    ping_due,
    standing_of,
    utc_now,
)
from stock_tracker_desktop.domain.plans import Plan
from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.licensing.answers import (
    LicenceRefused,
    LicensingConfig,
    LicensingError,
    Machine,
    MachineLimitExceeded,
    Validation,
)
from stock_tracker_desktop.licensing.fingerprint import machine_fingerprint
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.storage import agency_secrets

log = logging.getLogger(__name__)

LICENCE_SECRET = "licence"  # noqa: S105 (the row's name, not a secret)
# Validation codes that mean "this machine is not activated on the licence (any more)".
NEEDS_MACHINE = frozenset({"NO_MACHINE", "NO_MACHINES", "FINGERPRINT_SCOPE_MISMATCH"})
HEARTBEAT_NOT_STARTED = "HEARTBEAT_NOT_STARTED"
HEARTBEAT_DEAD = "HEARTBEAT_DEAD"
UNKNOWN_KEY = "NOT_FOUND"
# The high-water mark of the clock is written at most this often (a write per status read
# would be a write per window refresh).
SEEN_EVERY = timedelta(minutes=10)

if TYPE_CHECKING:
    from stock_tracker_desktop.licensing.client import LicensingClient


class LicenceProblem(Exception):
    """A licence command could not do what was asked; ``problem`` says why and what to do
    (``str()`` in English). Nothing stored was changed."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem.english()


def _nothing_changed(met: Problem) -> LicenceProblem:
    return LicenceProblem(Problem(ProblemCode.LICENCE_NOTHING_CHANGED, {"problem": met}))


def licensing_config(ctx: AppContext) -> LicensingConfig:
    """The service to ask: the environment's variables, else the settings, else the build's."""
    settings = SettingsService(ctx).load()

    def pick(env: str, setting: str, default: str) -> str:
        return os.environ.get(env, "").strip() or setting or default

    return LicensingConfig(
        base_url=pick(
            LICENSE_BASE_URL_ENV, settings.licence_base_url, DEFAULT_LICENSE_BASE_URL
        ).rstrip("/"),
        account=pick(LICENSE_ACCOUNT_ENV, settings.licence_account, DEFAULT_LICENSE_ACCOUNT),
        public_key=pick(
            LICENSE_PUBLIC_KEY_ENV, settings.licence_public_key, DEFAULT_LICENSE_PUBLIC_KEY
        ).lower(),
    )


class LicenceService:
    def __init__(
        self,
        ctx: AppContext,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """``clock`` (aware UTC) is the desktop's: tests freeze it and turn it back."""
        self.ctx = ctx
        self.clock = clock

    def _client(self, config: LicensingConfig) -> LicensingClient:
        # Loaded with the first question to the service: checking a plan from the vault, as
        # every seller list does, never pays for the HTTP stack.
        from stock_tracker_desktop.licensing.client import LicensingClient

        return LicensingClient(config, clock=self.clock)

    # ----- the record in the vault -----------------------------------------------------------

    def record(self) -> LicenceRecord | None:
        found = agency_secrets.get(self.ctx.database, LICENCE_SECRET)
        return LicenceRecord.from_json(self.ctx.vault.decrypt(found[0])) if found else None

    def save(self, record: LicenceRecord) -> None:
        public = (record.facts.name or "") if record.facts is not None else ""
        secret = self.ctx.vault.encrypt(record.as_json())
        agency_secrets.put(self.ctx.database, LICENCE_SECRET, secret, public)

    def forget(self) -> None:
        agency_secrets.remove(self.ctx.database, LICENCE_SECRET)

    # ----- where it stands --------------------------------------------------------------------

    def standing(self) -> LicenceStanding:
        """Where the licence stands now, from the vault alone (no network). The clock's
        high-water mark moves on as a side effect, so a later step back is noticed."""
        record = self.record()
        if record is None:
            return standing_of(None, self.clock())
        now = self.clock()
        seen = record.seen_at(now)
        moved = seen.clock_back != record.clock_back or (
            record.last_seen is None or now - record.last_seen >= SEEN_EVERY
        )
        if moved:
            self.save(seen)
        return standing_of(seen, now)

    def plan(self) -> Plan:
        """The plan that applies now. An installation with no licence stored and a key in the
        environment activates it here first (unattended installs)."""
        if self.record() is None and os.environ.get(LICENSE_KEY_ENV, "").strip():
            self._activate_from_environment()
        return self.standing().plan

    def _activate_from_environment(self) -> None:
        """Whatever the service says, or that it said nothing, is kept with the key: the next
        seller list must not wait for the service again (every one reads the plan), and the
        background check, due again an hour later, takes the key once the service answers."""
        fresh = LicenceRecord(key=os.environ[LICENSE_KEY_ENV].strip())
        self.save(self.ask(fresh, self.config()))

    def check_due(self) -> bool:
        now = self.clock()
        record = self.record()
        return check_due(record, now) or ping_due(record, now)

    def config(self) -> LicensingConfig:
        return licensing_config(self.ctx)

    def key(self) -> str:
        """The stored licence key ("" without one): a team invitation carries it."""
        record = self.record()
        return record.key if record is not None else ""

    # ----- asking the service (network only: no database here) ------------------------------

    def ask(self, record: LicenceRecord, config: LicensingConfig) -> LicenceRecord:
        """``record`` after asking the service (validate, activate, heartbeat as the answers
        require); never raises for the service's or the network's failures: they become the
        record's ``last_problem`` and the last verified answer stays in force."""
        if record.facts is not None and record.facts.source == SOURCE_FILE:
            return record  # an air-gapped desktop's machine file is never re-asked
        now = self.clock()
        try:
            return self._asked(record, config)
        except MachineLimitExceeded as exc:
            facts = _refused_facts(record, "MACHINE_LIMIT_EXCEEDED", str(exc), now)
            return replace(record, facts=facts, last_attempt=now, last_problem=exc.problem)
        except LicensingError as exc:  # unreachable, unverified, refused: no answer
            log.warning("the licensing service was not heard: %s", exc)
            return replace(record, last_attempt=now, last_problem=exc.problem)

    def _asked(self, record: LicenceRecord, config: LicensingConfig) -> LicenceRecord:
        with self._client(config) as client:
            return self._asked_with(client, record)

    def _asked_with(self, client: LicensingClient, record: LicenceRecord) -> LicenceRecord:
        fingerprint = machine_fingerprint(self.ctx.home)
        key = record.key
        validation = client.validate(key, fingerprint)
        machine: Machine | None = None
        if validation.license_id and validation.code in NEEDS_MACHINE:
            machine = self._activate_machine(client, key, validation.license_id, fingerprint)
            validation = client.validate(key, fingerprint)
        elif validation.license_id and validation.code == HEARTBEAT_DEAD and record.machine_id:
            # The service gave up on this machine: free its seat and take one afresh.
            try:
                client.deactivate(key, record.machine_id)
            except LicenceRefused as exc:
                log.info("the dead machine could not be deactivated (%s); activating anyway", exc)
            machine = self._activate_machine(client, key, validation.license_id, fingerprint)
            validation = client.validate(key, fingerprint)
        elif validation.license_id and validation.valid and record.machine_id is None:
            machine = client.machine(key, fingerprint)  # to learn whether heartbeats are owed
        machine_id = machine.id if machine is not None else record.machine_id
        heartbeat = machine.heartbeat_duration if machine is not None else record.heartbeat_seconds
        last_ping = record.last_ping
        pinging = validation.code in (HEARTBEAT_NOT_STARTED, HEARTBEAT_DEAD) or ping_due(
            replace(record, machine_id=machine_id, heartbeat_seconds=heartbeat), self.clock()
        )
        if validation.license_id and machine_id and pinging:
            pinged = client.ping(key, machine_id)
            heartbeat = pinged.heartbeat_duration or heartbeat
            last_ping = self.clock()
            if not validation.valid:
                validation = client.validate(key, fingerprint)
        now = self.clock()
        return replace(
            record,
            machine_id=machine_id,
            heartbeat_seconds=heartbeat,
            last_ping=last_ping,
            facts=_facts(validation, now),
            clock_back=False,  # a verified answer from the service sets the clock straight
            last_seen=max(now, record.last_seen or now),
            last_attempt=now,
            last_problem=None,
        )

    @staticmethod
    def _activate_machine(
        client: LicensingClient, key: str, licence_id: str, fingerprint: str
    ) -> Machine:
        return client.activate(
            key, licence_id, fingerprint, name=socket.gethostname(), platform=platform.system()
        )

    def activation(
        self, key: str, previous: LicenceRecord | None, config: LicensingConfig
    ) -> LicenceRecord:
        """The record of this desktop activated on ``key``, to be saved. Raises
        LicenceProblem when the service cannot be asked, does not know the key, or has no
        seat left: then nothing is to be saved."""
        key = key.strip()
        if not key:
            raise LicenceProblem(Problem(ProblemCode.LICENCE_KEY_EMPTY))
        fresh = LicenceRecord(key=key, last_seen=previous.last_seen if previous else None)
        try:
            asked = self._asked(fresh, config)
        except LicensingError as exc:
            raise _nothing_changed(exc.problem) from None
        if asked.facts is not None and asked.facts.code == UNKNOWN_KEY:
            raise _nothing_changed(Problem(ProblemCode.LICENCE_KEY_UNKNOWN))
        return asked

    def activate(self, key: str) -> LicenceStanding:
        """``activation`` and save, in one go (the caller may wait on the network)."""
        self.save(self.activation(key, self.record(), self.config()))
        return self.standing()

    def release(self, record: LicenceRecord, config: LicensingConfig) -> None:
        """Free this desktop's seat on the licence. Raises LicenceProblem when the service
        cannot be asked: then the licence is to stay."""
        if record.machine_id is None:
            return  # never took a seat (a machine file brought the licence)
        try:
            with self._client(config) as client:
                client.deactivate(record.key, record.machine_id)
        except LicenceRefused as exc:
            if exc.status != 404:  # already gone on the service's side: nothing to free
                stays = Problem(ProblemCode.LICENCE_STAYS, {"problem": exc.problem})
                raise LicenceProblem(stays) from None
        except LicensingError as exc:
            unheard = Problem(ProblemCode.LICENCE_STAYS_UNHEARD, {"problem": exc.problem})
            raise LicenceProblem(unheard) from None

    def from_machine_file(
        self, text: str, key: str, previous: LicenceRecord | None, config: LicensingConfig
    ) -> LicenceRecord:
        """The record an offline machine file (air-gapped offices) brings: verified with the
        service's public key, decrypted with the licence key and this machine's fingerprint,
        holding until its TTL ends. Raises LicenceProblem for a file that does not hold."""
        key = (key or (previous.key if previous else "")).strip()
        if not key:
            raise LicenceProblem(Problem(ProblemCode.LICENCE_FILE_NEEDS_KEY))
        from stock_tracker_desktop.licensing.machine_file import read_machine_file

        now = self.clock()
        try:
            machine_file = read_machine_file(
                text,
                licence_key=key,
                fingerprint=machine_fingerprint(self.ctx.home),
                public_key=config.public_key,
                now=now,
            )
        except LicensingError as exc:
            raise _nothing_changed(exc.problem) from None
        facts = replace(
            _facts(machine_file.licence, now),
            source=SOURCE_FILE,
            server_time=machine_file.issued,
            file_expiry=machine_file.expiry,
        )
        last_seen = previous.last_seen if previous else None
        return LicenceRecord(
            key=key,
            machine_id=machine_file.machine_id,
            facts=facts,
            last_seen=max(now, last_seen or now),
            last_attempt=now,
        )


def _facts(validation: Validation, now: datetime) -> LicenceFacts:
    return LicenceFacts(
        valid=validation.valid,
        code=validation.code,
        detail=validation.detail,
        server_time=validation.ts,
        verified_at=now,
        licence_id=validation.license_id,
        name=validation.name,
        expiry=validation.expiry,
        status=validation.status,
        max_machines=validation.max_machines,
        metadata=dict(validation.metadata),
        entitlements=frozenset(validation.entitlements),
    )


def _refused_facts(record: LicenceRecord, code: str, detail: str, now: datetime) -> LicenceFacts:
    """The service's verified "no seat for this machine": the licence does not hold here."""
    known = record.facts
    base = known if known is not None else LicenceFacts(False, code, detail, now, now)
    return replace(base, valid=False, code=code, detail=detail, verified_at=now, server_time=now)
