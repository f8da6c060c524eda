"""Keygen machine files: a licence proof for offline use, signed by the account and encrypted
for one licence key on one machine.

The file is ``-----BEGIN MACHINE FILE-----``, base64 of ``{"enc", "sig", "alg"}``, then the end
line. ``sig`` is ed25519 over ``b"machine/" + enc``; ``enc`` is
``base64(ciphertext).base64(iv).base64(tag)`` of AES-256-GCM under SHA-256(licence key +
fingerprint). The signature is checked before anything is decrypted, so a forged file never
reaches the JSON reader.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.licensing import documents
from stock_tracker_desktop.licensing.answers import LicensingError, Validation
from stock_tracker_desktop.licensing.signatures import MAX_CLOCK_SKEW, load_public_key

BEGIN = "-----BEGIN MACHINE FILE-----"
END = "-----END MACHINE FILE-----"
ALGORITHM = "aes-256-gcm+ed25519"
SIGNING_PREFIX = b"machine/"
_TAG_BYTES = 16


@dataclass(frozen=True)
class MachineFile:
    """What a verified, decrypted machine file says."""

    machine_id: str
    fingerprint: str
    issued: datetime
    expiry: datetime
    licence: Validation


class MachineFileProblem(LicensingError):
    """The machine file cannot be used; the problem says why and what to do."""


def _damaged() -> MachineFileProblem:
    return MachineFileProblem(Problem(ProblemCode.LICENCE_FILE_DAMAGED))


def machine_file_key(licence_key: str, fingerprint: str) -> bytes:
    """The AES-256-GCM key of a machine file of ``licence_key`` for the machine ``fingerprint``."""
    return hashlib.sha256((licence_key + fingerprint).encode("utf-8")).digest()


def _b64(value: Any, what: str) -> bytes:
    """``value`` decoded; ``what`` names the part, in the catalogue's words (SUBJECTS)."""
    try:
        return base64.b64decode(documents.text(value, what), validate=True)
    except (binascii.Error, documents.Malformed):
        raise MachineFileProblem(
            Problem(ProblemCode.LICENCE_FILE_NOT_BASE64, {"what": what})
        ) from None


def _envelope(text: str) -> dict[str, Any]:
    body = text.strip()
    if not (body.startswith(BEGIN) and body.endswith(END)):
        raise MachineFileProblem(
            Problem(ProblemCode.LICENCE_FILE_NOT_ONE, {"begin": BEGIN, "end": END})
        )
    inner = "".join(body[len(BEGIN) : -len(END)].split())
    try:
        envelope = json.loads(_b64(inner, "the file"))
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict):
        raise _damaged()
    return envelope


def _decrypt(enc: str, key: bytes) -> bytes:
    parts = enc.split(".")
    if len(parts) != 3:
        raise _damaged()
    ciphertext, iv, tag = (_b64(part, "the encrypted part") for part in parts)
    try:
        return AESGCM(key).decrypt(iv, ciphertext + tag, None)
    except (InvalidTag, ValueError):
        raise MachineFileProblem(Problem(ProblemCode.LICENCE_FILE_OTHER_KEY_OR_MACHINE)) from None


def _of_type(included: list[Any], kind: str) -> list[Any]:
    return [item for item in included if isinstance(item, dict) and item.get("type") == kind]


def _contents(plaintext: bytes, fingerprint: str) -> MachineFile:
    document = documents.mapping(json.loads(plaintext), "the machine file")
    meta = documents.mapping(document.get("meta"), "meta")
    issued = documents.timestamp(meta.get("issued"), "meta.issued")
    machine = documents.machine(document.get("data"))
    if machine.fingerprint != fingerprint:
        raise documents.Malformed("the machine file is for another fingerprint")
    included = document.get("included") or []
    if not isinstance(included, list):
        raise documents.Malformed("included is not a list")
    licences = _of_type(included, "licenses")
    if not licences:
        raise documents.Malformed("the machine file carries no licence")
    return MachineFile(
        machine_id=machine.id,
        fingerprint=machine.fingerprint,
        issued=issued,
        expiry=documents.timestamp(meta.get("expiry"), "meta.expiry"),
        licence=documents.validation(
            valid=True,
            code="VALID",
            detail="is valid",
            ts=issued,
            licence=licences[0],
            entitlements=documents.entitlement_codes(_of_type(included, "entitlements")),
        ),
    )


def read_machine_file(
    text: str, *, licence_key: str, fingerprint: str, public_key: str, now: datetime
) -> MachineFile:
    """Verify, decrypt and read a machine file; MachineFileProblem unless it is usable at ``now``.

    A file issued more than five minutes after ``now`` means the clock was turned back (to keep
    an expired file alive): refused like an expired one.
    """
    envelope = _envelope(text)
    if envelope.get("alg") != ALGORITHM:
        used = repr(envelope.get("alg"))  # the file's word, shown as it came
        raise MachineFileProblem(
            Problem(ProblemCode.LICENCE_FILE_ALGORITHM, {"detail": used, "algorithm": ALGORITHM})
        )
    enc = envelope.get("enc")
    if not isinstance(enc, str):
        raise _damaged()
    try:
        verify_key = load_public_key(public_key)
    except ValueError:
        raise MachineFileProblem(Problem(ProblemCode.LICENCE_BAD_PUBLIC_KEY)) from None
    signature = _b64(envelope.get("sig"), "the signature")
    try:
        verify_key.verify(signature, SIGNING_PREFIX + enc.encode("utf-8"))
    except InvalidSignature:
        raise MachineFileProblem(Problem(ProblemCode.LICENCE_FILE_SIGNATURE)) from None
    plaintext = _decrypt(enc, machine_file_key(licence_key, fingerprint))
    try:
        contents = _contents(plaintext, fingerprint)
    except (ValueError, RecursionError) as problem:  # Malformed is a ValueError
        raise MachineFileProblem(
            Problem(ProblemCode.LICENCE_FILE_UNREADABLE, {"detail": str(problem)})
        ) from None
    if now > contents.expiry:
        raise MachineFileProblem(
            Problem(ProblemCode.LICENCE_FILE_EXPIRED, {"date": contents.expiry})
        )
    if contents.issued - now > MAX_CLOCK_SKEW:
        raise MachineFileProblem(Problem(ProblemCode.LICENCE_FILE_FROM_THE_FUTURE))
    return contents
