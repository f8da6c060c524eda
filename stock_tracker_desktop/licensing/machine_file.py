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
    """The machine file cannot be used; the message says why and what to do."""


def machine_file_key(licence_key: str, fingerprint: str) -> bytes:
    """The AES-256-GCM key of a machine file of ``licence_key`` for the machine ``fingerprint``."""
    return hashlib.sha256((licence_key + fingerprint).encode("utf-8")).digest()


def _b64(value: Any, what: str) -> bytes:
    try:
        return base64.b64decode(documents.text(value, what), validate=True)
    except (binascii.Error, documents.Malformed):
        raise MachineFileProblem(
            f"The machine file is damaged ({what} is not base64); check out a new one."
        ) from None


def _envelope(text: str) -> dict[str, Any]:
    body = text.strip()
    if not (body.startswith(BEGIN) and body.endswith(END)):
        raise MachineFileProblem(
            "This is not a machine file: it should start with "
            f"{BEGIN} and end with {END}. Check that the whole file was copied."
        )
    inner = "".join(body[len(BEGIN) : -len(END)].split())
    try:
        envelope = json.loads(_b64(inner, "the file"))
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict):
        raise MachineFileProblem("The machine file is damaged; check out a new one.")
    return envelope


def _decrypt(enc: str, key: bytes) -> bytes:
    parts = enc.split(".")
    if len(parts) != 3:
        raise MachineFileProblem("The machine file is damaged; check out a new one.")
    ciphertext, iv, tag = (_b64(part, "the encrypted part") for part in parts)
    try:
        return AESGCM(key).decrypt(iv, ciphertext + tag, None)
    except (InvalidTag, ValueError):
        raise MachineFileProblem(
            "The machine file belongs to another licence key or another computer; check out "
            "one for this computer with this licence."
        ) from None


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
        raise MachineFileProblem(
            f"The machine file uses {envelope.get('alg')!r}, not {ALGORITHM}; check out an "
            "encrypted one."
        )
    enc = envelope.get("enc")
    if not isinstance(enc, str):
        raise MachineFileProblem("The machine file is damaged; check out a new one.")
    try:
        verify_key = load_public_key(public_key)
    except ValueError:
        raise MachineFileProblem(
            "The licensing configuration's public key is not an ed25519 key (64 hex digits); "
            "reinstall the app or contact support."
        ) from None
    signature = _b64(envelope.get("sig"), "the signature")
    try:
        verify_key.verify(signature, SIGNING_PREFIX + enc.encode("utf-8"))
    except InvalidSignature:
        raise MachineFileProblem(
            "The machine file's signature is wrong: it was changed, or it was not issued by "
            "this app's licence server. Check out a new one."
        ) from None
    plaintext = _decrypt(enc, machine_file_key(licence_key, fingerprint))
    try:
        contents = _contents(plaintext, fingerprint)
    except (ValueError, RecursionError) as problem:  # Malformed is a ValueError
        raise MachineFileProblem(
            f"The machine file could not be read ({problem}); check out a new one."
        ) from None
    if now > contents.expiry:
        raise MachineFileProblem(
            f"The machine file expired on {contents.expiry:%Y-%m-%d %H:%M} UTC; connect to the "
            "internet so the app can check the licence, or check out a new file."
        )
    if contents.issued - now > MAX_CLOCK_SKEW:
        raise MachineFileProblem(
            "The machine file was issued after this computer's current time: the clock is "
            "wrong. Set the right date and time, then try again."
        )
    return contents
