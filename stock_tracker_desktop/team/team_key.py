"""The team key: the AES-256 key under which sellers' marketplace secrets travel to the server.

The server stores only ciphertext (``seller_secrets.ciphertext``) and the key's version
(``team.key_version``); the key itself lives in each syncing desktop's vault and reaches a new
member in their invitation file or, after a rotation, wrapped for their key pair
(``member_keys.py``). A rotation makes a new version; a revoked member never gets it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import uuid
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
# The server keeps the version in an ``int`` column: PostgreSQL's is signed 32-bit.
MAX_VERSION = 2**31 - 1
_MAGIC = b"ST1"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_HEADER_BYTES = len(_MAGIC) + 4
_TEXT = re.compile(r"v([1-9][0-9]{0,9}):([A-Za-z0-9_-]{43}=)")


class TeamKeyError(ValueError):
    """A team key, a sealed secret or a wrapped key cannot be used; the message says why and
    never holds key material or secrets."""


class WrongKeyVersion(TeamKeyError):
    """The secret is sealed under another version of the team key than this desktop holds."""

    def __init__(self, needed: int, have: int) -> None:
        self.needed = needed
        self.have = have
        if needed > have:
            message = (
                f"this secret is under team key v{needed}; this desktop has v{have}: "
                "it gets the new key at its next pull"
            )
        else:
            message = (
                f"this secret is under the old team key v{needed}; this desktop has v{have}: "
                "it opens once the owner's key rotation has sealed it again and this desktop "
                "has pulled it"
            )
        super().__init__(message)


def _check_version(version: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError("a team key's version is an int")
    if not 1 <= version <= MAX_VERSION:
        raise TeamKeyError(f"a team key's version is 1 to {MAX_VERSION}, not {version}")


@dataclass(frozen=True)
class TeamKey:
    version: int
    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_version(self.version)
        if not isinstance(self.material, bytes) or len(self.material) != KEY_BYTES:
            raise TeamKeyError(f"a team key is {KEY_BYTES} bytes")

    @classmethod
    def generate(cls, version: int) -> TeamKey:
        return cls(version, os.urandom(KEY_BYTES))

    def to_text(self) -> str:
        """``v<version>:<the key in URL-safe base64>``, for the vault and invitation files."""
        return f"v{self.version}:{base64.urlsafe_b64encode(self.material).decode('ascii')}"

    @classmethod
    def from_text(cls, text: str) -> TeamKey:
        # The input may be a key: it never goes into the message.
        match = _TEXT.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise TeamKeyError(
                "this is not a team key: one reads v<version>:<44 characters of base64>; "
                "copy it again whole"
            )
        return cls(int(match.group(1)), base64.urlsafe_b64decode(match.group(2)))


def _header(version: int) -> bytes:
    return _MAGIC + version.to_bytes(4, "big")


def _associated_data(header: bytes, seller_id: uuid.UUID) -> bytes:
    return header + seller_id.bytes


def seal_secrets(key: TeamKey, seller_id: uuid.UUID, secrets: dict[str, str]) -> bytes:
    """Encrypt one seller's secrets under the team key, for ``seller_secrets.ciphertext``.

    The blob is ``b"ST1"`` + the key's version (4 bytes, big-endian) + a random 96-bit nonce
    + the AES-256-GCM ciphertext of the secrets' JSON with its 16-byte tag. The associated data
    is those first 7 bytes and the seller's id (16 bytes): the version cannot be altered, and a
    blob copied onto another seller's row does not open.
    """
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in secrets.items()):
        raise TypeError("a seller's secrets are a dict of str to str")
    header = _header(key.version)
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(secrets, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sealed = AESGCM(key.material).encrypt(nonce, plaintext, _associated_data(header, seller_id))
    return header + nonce + sealed


def blob_version(blob: bytes) -> int:
    """The version of the team key a sealed blob needs, read without the key."""
    if len(blob) < _HEADER_BYTES + _NONCE_BYTES + _TAG_BYTES or not blob.startswith(_MAGIC):
        raise TeamKeyError("this is not a sealed secret, or it was cut short")
    return int.from_bytes(blob[len(_MAGIC) : _HEADER_BYTES], "big")


def open_secrets(key: TeamKey, seller_id: uuid.UUID, blob: bytes) -> dict[str, str]:
    """The secrets ``seal_secrets`` sealed for this seller under this key."""
    version = blob_version(blob)
    if version != key.version:
        raise WrongKeyVersion(needed=version, have=key.version)
    header, nonce = blob[:_HEADER_BYTES], blob[_HEADER_BYTES : _HEADER_BYTES + _NONCE_BYTES]
    try:
        plaintext = AESGCM(key.material).decrypt(
            nonce, blob[_HEADER_BYTES + _NONCE_BYTES :], _associated_data(header, seller_id)
        )
    except InvalidTag:
        # GCM cannot tell these apart, and neither can anyone without the key.
        raise TeamKeyError(
            f"this secret does not open with team key v{version}: it was changed, belongs to "
            "another seller, or was sealed under another team's key"
        ) from None
    try:
        opened = json.loads(plaintext.decode("utf-8"))
    except ValueError:
        opened = None
    if not isinstance(opened, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in opened.items()
    ):
        raise TeamKeyError("this secret opened but does not hold a seller's secrets")
    return opened
