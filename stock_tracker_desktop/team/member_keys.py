"""Members' X25519 key pairs, and the team key wrapped for each of them.

Every member who syncs publishes a public key (``member_keys``); the private part stays in their
desktop's vault. When the owner rotates the team key, they wrap the new key for each remaining
member's public key (``key_grants``), so only the server carries it and the server cannot open
it; a revoked member gets no grant and never learns the new key.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from stock_tracker_desktop.team.team_key import KEY_BYTES, TeamKey, TeamKeyError

X25519_BYTES = 32
_MAGIC = b"SK1"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_HEADER_BYTES = len(_MAGIC) + 4
_WRAPPED_BYTES = _HEADER_BYTES + X25519_BYTES + _NONCE_BYTES + KEY_BYTES + _TAG_BYTES
_INFO = b"stock-tracker team key"
_TEXT = re.compile(r"x25519:([A-Za-z0-9_-]{43}=)")


@dataclass(frozen=True)
class MemberKeyPair:
    private: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.private, bytes) or len(self.private) != X25519_BYTES:
            raise TeamKeyError(f"a member's private key is {X25519_BYTES} bytes")

    @classmethod
    def generate(cls) -> MemberKeyPair:
        return cls(X25519PrivateKey.generate().private_bytes_raw())

    def public_bytes(self) -> bytes:
        """The raw 32-byte public key, for ``member_keys.public_key``."""
        return self._key().public_key().public_bytes_raw()

    def to_text(self) -> str:
        """``x25519:<the private key in URL-safe base64>``, for the vault."""
        return "x25519:" + base64.urlsafe_b64encode(self.private).decode("ascii")

    @classmethod
    def from_text(cls, text: str) -> MemberKeyPair:
        match = _TEXT.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise TeamKeyError(
                "this is not a member's key pair: one reads x25519:<44 characters of base64>"
            )
        return cls(base64.urlsafe_b64decode(match.group(1)))

    def _key(self) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(self.private)


def _header(version: int) -> bytes:
    return _MAGIC + version.to_bytes(4, "big")


def _wrapping_key(
    shared: bytes, ephemeral_public: bytes, member_public: bytes, member: str, version: int
) -> bytes:
    # Both public keys salt the derivation (the exchange alone does not commit to them); the
    # version goes before the name so that the variable-length name ends the info unambiguously.
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + member_public,
        info=_INFO + b"\x00" + version.to_bytes(4, "big") + member.encode("utf-8"),
    ).derive(shared)


def wrap_team_key(team_key: TeamKey, member: str, public_key: bytes) -> bytes:
    """The team key sealed for one member's public key, for ``key_grants.wrapped``.

    The blob is ``b"SK1"`` + the key's version (4 bytes, big-endian) + a fresh ephemeral X25519
    public key (32 bytes) + a random 96-bit nonce + the AES-256-GCM ciphertext of the 32-byte key
    with its 16-byte tag (87 bytes in all). The AES key is HKDF-SHA256 of the exchange, its info
    binding the member's name and the version; the first 7 bytes are the associated data.
    """
    try:
        recipient = X25519PublicKey.from_public_bytes(public_key)
        ephemeral = X25519PrivateKey.generate()
        shared = ephemeral.exchange(recipient)
    except ValueError:
        # Wrong length, or a low-order point whose exchange gives all zeros.
        raise TeamKeyError(f"the public key of {member} is not a usable X25519 key") from None
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    header = _header(team_key.version)
    key = _wrapping_key(shared, ephemeral_public, public_key, member, team_key.version)
    nonce = os.urandom(_NONCE_BYTES)
    return header + ephemeral_public + nonce + AESGCM(key).encrypt(nonce, team_key.material, header)


def unwrap_team_key(pair: MemberKeyPair, member: str, wrapped: bytes) -> TeamKey:
    """The team key ``wrap_team_key`` wrapped for this member and this key pair."""
    if len(wrapped) != _WRAPPED_BYTES or not wrapped.startswith(_MAGIC):
        raise TeamKeyError("this is not a wrapped team key, or it was cut short")
    header = wrapped[:_HEADER_BYTES]
    version = int.from_bytes(header[len(_MAGIC) :], "big")
    ephemeral_public = wrapped[_HEADER_BYTES : _HEADER_BYTES + X25519_BYTES]
    nonce_at = _HEADER_BYTES + X25519_BYTES
    nonce = wrapped[nonce_at : nonce_at + _NONCE_BYTES]
    private = pair._key()
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _wrapping_key(
            shared, ephemeral_public, private.public_key().public_bytes_raw(), member, version
        )
        material = AESGCM(key).decrypt(nonce, wrapped[nonce_at + _NONCE_BYTES :], header)
    except (ValueError, InvalidTag):
        raise TeamKeyError(
            f"this team key v{version} does not open for {member} with this desktop's key "
            "pair: it was wrapped for another member or key pair, or it was changed"
        ) from None
    return TeamKey(version, material)
