"""The simulated Keygen account: policies, licences and machines, and Keygen's rules over them.

Every licence has a policy of its own, as the app's are: strict and fingerprint-scoped (a machine
must be activated before a validation holds), floating when it allows more than one machine.
Heartbeats follow Keygen's FROM_FIRST_PING basis, KEEP_DEAD cull strategy and ALWAYS_REVIVE
resurrection: a machine never pinged is NOT_STARTED however long ago it was activated; it is DEAD
once more than ``heartbeat_duration`` seconds have passed since its last ping (by ``clock``, no
grace period), stays on the licence while dead (validations say HEARTBEAT_DEAD), and its next ping
brings it back as RESURRECTED.

The server runs on its own thread while tests change the state from theirs: every read and
change holds the lock, and what leaves it is a frozen snapshot.
"""

from __future__ import annotations

import hashlib
import random
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from stock_tracker_desktop.domain.plans import plan_for
from stock_tracker_desktop.simulator import keygen_documents
from stock_tracker_desktop.simulator.keygen_records import (
    ACCESS_WHEN_EXPIRED,
    ExpirationStrategy,
    KeygenError,
    SimLicence,
    SimMachine,
    SimPolicy,
    Tamper,
    Verdict,
    heartbeat_status,
    utc_now,
)

ACCOUNT_SLUG = "stock-tracker-sim"


def _not_found(kind: str, name: str) -> KeygenError:
    return KeygenError(
        404, "Not found", f"The requested {kind} '{name}' was not found", "NOT_FOUND"
    )


class KeygenWorld:
    """The account the simulator serves under ``/v1/accounts/{account}``.

    Its signing key, account id, licence ids and keys follow from ``seed``: the same seed gives
    the same public key (the demo's configuration stays valid from run to run).
    ``clock`` is the server's time (answers' Date, expiry, heartbeats); tests move it.
    ``tamper`` makes every following answer hostile until it is set back to None.
    """

    def __init__(self, seed: int | str) -> None:
        secret = hashlib.sha256(f"sim-keygen-key/{seed}".encode()).digest()
        self.signing_key = Ed25519PrivateKey.from_private_bytes(secret)
        self.public_key_hex = self.signing_key.public_key().public_bytes_raw().hex()
        self._rng = random.Random(f"{seed}/keygen")
        self.account = ACCOUNT_SLUG
        self.account_id = self._new_id()
        self.clock: Callable[[], datetime] = utc_now
        self.tamper: Tamper | None = None
        self._lock = threading.RLock()
        self._licences: dict[str, SimLicence] = {}  # by key
        self._machines: dict[str, SimMachine] = {}  # by id

    def _new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _new_key(self) -> str:
        # Keygen's default key format: five groups of six hex digits and the scheme version.
        groups = (f"{self._rng.getrandbits(24):06X}" for _ in range(5))
        return "-".join(groups) + "-V3"

    # -- the test API ----------------------------------------------------------------------------

    def add_licence(
        self,
        key: str | None = None,
        *,
        plan: str = "pro",
        sellers: int | None = None,
        entitlements: Iterable[str] | None = None,
        max_machines: int = 3,
        expiry: datetime | None = None,
        expiration_strategy: ExpirationStrategy = "RESTRICT_ACCESS",
        status: Literal["ACTIVE", "SUSPENDED"] = "ACTIVE",
        require_heartbeat: bool = False,
        heartbeat_duration: int = 600,
        name: str | None = None,
    ) -> SimLicence:
        """A licence (and its own policy). ``entitlements`` default to the plan's features;
        ``sellers`` None leaves the plan's seller limit (no ``sellers`` in the metadata)."""
        with self._lock:
            key = key or self._new_key()
            if key in self._licences:
                raise ValueError("a licence with this key exists already")
            if entitlements is None:
                entitlements = sorted(plan_for({"plan": plan}, ()).features)
            metadata: dict[str, Any] = {"plan": plan}
            if sellers is not None:
                metadata["sellers"] = sellers
            policy = SimPolicy(
                id=self._new_id(),
                max_machines=max_machines,
                expiration_strategy=expiration_strategy,
                require_heartbeat=require_heartbeat,
                heartbeat_duration=heartbeat_duration,
            )
            licence = SimLicence(
                id=self._new_id(),
                key=key,
                name=name or f"{plan.title()} licence",
                policy=policy,
                metadata=metadata,
                entitlements=tuple(entitlements),
                expiry=expiry,
                suspended=status == "SUSPENDED",
                created=self.clock(),
            )
            self._licences[key] = licence
            return licence

    def demo_licence(self) -> SimLicence:
        """The Agency licence the demo activates (and `stock-tracker simulator` prints): the
        same key for the same seed, so a demo data directory keeps it from run to run."""
        with self._lock:
            key = f"DEMO-{self.account_id[:8].upper()}-AGENCY-V3"
            found = self._licences.get(key)
            if found is not None:
                return found
            return self.add_licence(key, plan="agency", max_machines=100, name="Demo agency")

    def _update(self, key: str, **changes: Any) -> SimLicence:
        with self._lock:
            licence = replace(self._licences[key], **changes)
            self._licences[key] = licence
            return licence

    def suspend(self, key: str) -> SimLicence:
        return self._update(key, suspended=True)

    def set_expiry(self, key: str, when: datetime | None) -> SimLicence:
        return self._update(key, expiry=when)

    def machines(self, key: str) -> list[SimMachine]:
        """The machines activated on the licence of ``key``, oldest first."""
        with self._lock:
            licence = self._licences[key]
            return [m for m in self._machines.values() if m.licence_id == licence.id]

    # -- Keygen's rules --------------------------------------------------------------------------

    def validate(self, key: str, fingerprint: str | None) -> Verdict:
        """validate-key's verdict, in Keygen's order: the licence, then the scope, then the
        machine's heartbeat; an expiry that keeps access is reported last."""
        with self._lock:
            licence = self._licences.get(key)
            if licence is None:
                return Verdict(False, "NOT_FOUND", "does not exist", None)
            now = self.clock()
            expired = licence.expired(now)
            policy = licence.policy
            if licence.suspended:
                return Verdict(False, "SUSPENDED", "is suspended", licence)
            if expired and policy.expiration_strategy not in ACCESS_WHEN_EXPIRED:
                return Verdict(False, "EXPIRED", "is expired", licence)
            if not fingerprint:
                return Verdict(
                    False, "FINGERPRINT_SCOPE_REQUIRED", "fingerprint scope is required", licence
                )
            machines = self.machines(key)
            if not machines:
                if policy.max_machines == 1:
                    return Verdict(
                        False, "NO_MACHINE", "must have exactly 1 associated machine", licence
                    )
                return Verdict(
                    False, "NO_MACHINES", "must have at least 1 associated machine", licence
                )
            machine = next((m for m in machines if m.fingerprint == fingerprint), None)
            if machine is None:
                return Verdict(
                    False,
                    "FINGERPRINT_SCOPE_MISMATCH",
                    "fingerprint is not activated (does not match any associated machines)",
                    licence,
                )
            if policy.require_heartbeat:
                beat = heartbeat_status(machine, policy, now)
                if beat == "NOT_STARTED":
                    return Verdict(
                        False, "HEARTBEAT_NOT_STARTED", "machine heartbeat is required", licence
                    )
                if beat == "DEAD":
                    return Verdict(False, "HEARTBEAT_DEAD", "machine heartbeat is dead", licence)
            if expired:
                return Verdict(True, "EXPIRED", "is expired", licence)
            return Verdict(True, "VALID", "is valid", licence)

    def authenticate(self, authorization: str) -> SimLicence:
        """The licence of an ``Authorization: License <key>`` header, if it may use the API."""
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "license" or not key.strip():
            raise KeygenError(
                401,
                "Unauthorized",
                "You must be authenticated to complete the request",
                "TOKEN_MISSING",
            )
        with self._lock:
            licence = self._licences.get(key.strip())
            if licence is None:
                raise KeygenError(401, "Unauthorized", "License key is invalid", "LICENSE_INVALID")
            if licence.suspended:
                raise KeygenError(403, "Access denied", "License is suspended", "LICENSE_SUSPENDED")
            if (
                licence.expired(self.clock())
                and licence.policy.expiration_strategy == "REVOKE_ACCESS"
            ):
                raise KeygenError(403, "Access denied", "License is expired", "LICENSE_EXPIRED")
            return licence

    def activate(
        self,
        licence: SimLicence,
        *,
        licence_id: str | None,
        fingerprint: str | None,
        name: str | None,
        platform: str | None,
    ) -> SimMachine:
        if licence_id != licence.id:
            raise KeygenError(
                403,
                "Access denied",
                "You do not have permission to complete the request",
                "FORBIDDEN",
            )
        if not fingerprint:
            raise KeygenError(
                422,
                "Unprocessable resource",
                "cannot be blank",
                "FINGERPRINT_BLANK",
                "/data/attributes/fingerprint",
            )
        with self._lock:
            machines = self.machines(licence.key)
            if any(m.fingerprint == fingerprint for m in machines):
                raise KeygenError(
                    422,
                    "Unprocessable resource",
                    "has already been taken",
                    "FINGERPRINT_TAKEN",
                    "/data/attributes/fingerprint",
                )
            limit = licence.policy.max_machines
            if len(machines) >= limit:
                raise KeygenError(
                    422,
                    "Unprocessable resource",
                    f"machine count has exceeded maximum allowed by current policy ({limit})",
                    "MACHINE_LIMIT_EXCEEDED",
                    "/data",
                )
            machine = SimMachine(
                id=self._new_id(),
                fingerprint=fingerprint,
                licence_id=licence.id,
                name=name,
                platform=platform,
                created=self.clock(),
            )
            self._machines[machine.id] = machine
            return machine

    def machine(self, licence: SimLicence, id_or_fingerprint: str) -> SimMachine:
        """A machine of ``licence`` by its id or its fingerprint (Keygen takes either)."""
        with self._lock:
            for machine in self.machines(licence.key):
                if id_or_fingerprint in (machine.id, machine.fingerprint):
                    return machine
        raise _not_found("machine", id_or_fingerprint)

    def ping(self, licence: SimLicence, id_or_fingerprint: str) -> SimMachine:
        with self._lock:
            machine = self.machine(licence, id_or_fingerprint)
            now = self.clock()
            dead = heartbeat_status(machine, licence.policy, now) == "DEAD"
            machine = replace(machine, last_ping=now, resurrected=dead)
            self._machines[machine.id] = machine
            return machine

    def deactivate(self, licence: SimLicence, id_or_fingerprint: str) -> None:
        with self._lock:
            del self._machines[self.machine(licence, id_or_fingerprint).id]

    def check_out(
        self,
        licence: SimLicence,
        id_or_fingerprint: str,
        *,
        ttl: int,
        includes: Iterable[str] = keygen_documents.MACHINE_FILE_INCLUDES,
        issued: datetime | None = None,
    ) -> str:
        """A machine file of a machine of ``licence``, issued now (or at ``issued``)."""
        machine = self.machine(licence, id_or_fingerprint)
        return keygen_documents.machine_file(
            self.signing_key,
            self.account_id,
            licence,
            machine,
            issued=issued or self.clock(),
            ttl=ttl,
            includes=frozenset(includes),
        )

    def issue_machine_file(
        self, key: str, fingerprint: str, ttl_seconds: int, issued: datetime | None = None
    ) -> str:
        """The machine file check-out would give the machine ``fingerprint`` of ``key``'s
        licence, with the licence and its entitlements; ``issued`` may lie in the past."""
        with self._lock:
            licence = self._licences[key]
        return self.check_out(licence, fingerprint, ttl=ttl_seconds, issued=issued)

    @staticmethod
    def ensure_own_licence(licence: SimLicence, licence_id: str) -> None:
        """A licence authenticated by its key sees itself only: any other is not found."""
        if licence_id != licence.id:
            raise _not_found("license", licence_id)
