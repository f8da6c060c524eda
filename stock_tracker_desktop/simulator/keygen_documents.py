"""The simulated Keygen's JSON:API documents (licences, machines, entitlements, errors) and its
machine files, in the shapes the Keygen API gives them."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stock_tracker_desktop.licensing.machine_file import (
    ALGORITHM,
    BEGIN,
    END,
    SIGNING_PREFIX,
    machine_file_key,
)
from stock_tracker_desktop.simulator.keygen_records import (
    KeygenError,
    SimLicence,
    SimMachine,
    SimPolicy,
    heartbeat_status,
)

MEDIA_TYPE = "application/vnd.api+json"
MACHINE_FILE_INCLUDES = ("license", "license.entitlements")
DEFAULT_TTL = 2_629_746  # a month, Keygen's default
# Keygen calls a licence EXPIRING in its last three days.
EXPIRING_WITHIN = timedelta(days=3)
_GCM_IV_BYTES = 12
_GCM_TAG_BYTES = 16
_CERTIFICATE_LINE = 76


def iso(moment: datetime | None) -> str | None:
    """Keygen's timestamps: UTC, milliseconds, ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _link(account_id: str, *parts: str) -> str:
    return "/".join(("/v1/accounts", account_id, *parts))


def _related(kind: str, object_id: str) -> dict[str, Any]:
    return {"data": {"type": kind, "id": object_id}}


def licence_status(licence: SimLicence, now: datetime) -> str:
    if licence.suspended:
        return "SUSPENDED"
    if licence.expired(now):
        return "EXPIRED"
    if licence.expiry is not None and licence.expiry - now <= EXPIRING_WITHIN:
        return "EXPIRING"
    return "ACTIVE"


def licence_object(licence: SimLicence, account_id: str, now: datetime) -> dict[str, Any]:
    policy = licence.policy
    return {
        "id": licence.id,
        "type": "licenses",
        "attributes": {
            "name": licence.name,
            "key": licence.key,
            "expiry": iso(licence.expiry),
            "status": licence_status(licence, now),
            "uses": 0,
            "suspended": licence.suspended,
            "scheme": None,
            "encrypted": False,
            "strict": True,
            "floating": policy.max_machines > 1,
            "protected": False,
            "maxMachines": policy.max_machines,
            "maxProcesses": None,
            "maxCores": None,
            "maxUses": None,
            "requireHeartbeat": policy.require_heartbeat,
            "requireCheckIn": False,
            "metadata": dict(licence.metadata),
            "created": iso(licence.created),
            "updated": iso(licence.created),
        },
        "relationships": {
            "account": _related("accounts", account_id),
            "policy": _related("policies", policy.id),
            "machines": {
                "links": {"related": _link(account_id, "licenses", licence.id, "machines")}
            },
            "entitlements": {
                "links": {"related": _link(account_id, "licenses", licence.id, "entitlements")}
            },
        },
        "links": {"self": _link(account_id, "licenses", licence.id)},
    }


def machine_object(
    machine: SimMachine, policy: SimPolicy, account_id: str, now: datetime
) -> dict[str, Any]:
    last_ping = machine.last_ping
    next_ping = last_ping + timedelta(seconds=policy.heartbeat_duration) if last_ping else None
    return {
        "id": machine.id,
        "type": "machines",
        "attributes": {
            "fingerprint": machine.fingerprint,
            "cores": None,
            "ip": None,
            "hostname": None,
            "platform": machine.platform,
            "name": machine.name,
            "requireHeartbeat": policy.require_heartbeat,
            "heartbeatStatus": heartbeat_status(machine, policy, now),
            # Reported whether or not the policy requires heartbeats, as Keygen does.
            "heartbeatDuration": policy.heartbeat_duration,
            "lastHeartbeat": iso(last_ping),
            "nextHeartbeat": iso(next_ping),
            "metadata": {},
            "created": iso(machine.created),
            "updated": iso(last_ping or machine.created),
        },
        "relationships": {
            "account": _related("accounts", account_id),
            "license": _related("licenses", machine.licence_id),
        },
        "links": {"self": _link(account_id, "machines", machine.id)},
    }


def entitlement_object(code: str, account_id: str) -> dict[str, Any]:
    entitlement_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{account_id}/entitlements/{code}"))
    return {
        "id": entitlement_id,
        "type": "entitlements",
        "attributes": {"name": code.replace("_", " ").title(), "code": code, "metadata": {}},
        "links": {"self": _link(account_id, "entitlements", entitlement_id)},
    }


def entitlements_document(licence: SimLicence, account_id: str) -> dict[str, Any]:
    return {
        "data": [entitlement_object(code, account_id) for code in licence.entitlements],
        "links": {"self": _link(account_id, "licenses", licence.id, "entitlements")},
    }


def error_document(error: KeygenError) -> dict[str, Any]:
    found: dict[str, Any] = {"title": error.title, "detail": error.detail, "code": error.code}
    if error.pointer is not None:
        found["source"] = {"pointer": error.pointer}
    return {"errors": [found]}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def machine_file(
    signing_key: Ed25519PrivateKey,
    account_id: str,
    licence: SimLicence,
    machine: SimMachine,
    *,
    issued: datetime,
    ttl: int,
    includes: Iterable[str],
) -> str:
    """A machine file's certificate: encrypted for the licence key and the machine, signed."""
    wanted = set(includes)
    included: list[dict[str, Any]] = []
    if "license" in wanted:
        included.append(licence_object(licence, account_id, issued))
    if "license.entitlements" in wanted:
        included += [entitlement_object(code, account_id) for code in licence.entitlements]
    contents = {
        "meta": {
            "issued": iso(issued),
            "expiry": iso(issued + timedelta(seconds=ttl)),
            "ttl": ttl,
        },
        "data": machine_object(machine, licence.policy, account_id, issued),
        "included": included,
    }
    iv = os.urandom(_GCM_IV_BYTES)
    sealed = AESGCM(machine_file_key(licence.key, machine.fingerprint)).encrypt(
        iv, json.dumps(contents).encode("utf-8"), None
    )
    ciphertext, tag = sealed[:-_GCM_TAG_BYTES], sealed[-_GCM_TAG_BYTES:]
    enc = ".".join((_b64(ciphertext), _b64(iv), _b64(tag)))
    sig = _b64(signing_key.sign(SIGNING_PREFIX + enc.encode("ascii")))
    payload = _b64(json.dumps({"enc": enc, "sig": sig, "alg": ALGORITHM}).encode("utf-8"))
    lines = [payload[i : i + _CERTIFICATE_LINE] for i in range(0, len(payload), _CERTIFICATE_LINE)]
    return "\n".join((BEGIN, *lines, END)) + "\n"


def machine_file_document(
    certificate: str,
    machine: SimMachine,
    account_id: str,
    *,
    issued: datetime,
    ttl: int,
    includes: Iterable[str],
) -> dict[str, Any]:
    """check-out's answer: the machine file as a resource."""
    return {
        "data": {
            "id": str(uuid.uuid4()),
            "type": "machine-files",
            "attributes": {
                "certificate": certificate,
                "ttl": ttl,
                "expiry": iso(issued + timedelta(seconds=ttl)),
                "issued": iso(issued),
                "encrypted": True,
                "algorithm": ALGORITHM,
                "includes": sorted(includes),
            },
            "relationships": {
                "account": _related("accounts", account_id),
                "machine": _related("machines", machine.id),
                "license": _related("licenses", machine.licence_id),
            },
        }
    }
