"""Where the master secret lives: the OS keyring, or a file wrapped by a passphrase.

The keyring layer refuses stores that would keep the secret in clear or prompt on a terminal
(keyring's ``fail``/``null`` backends, keyrings.alt, keyrings.cryptfile): without a usable keyring
the vault asks for a passphrase instead. It never falls back to plaintext silently.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

import keyring
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KEYRING_SERVICE = "StockTrackerDesktop"

# Module prefixes of keyring backends that store in clear, refuse everything, or prompt on stdin.
_REFUSED_BACKEND_MODULES = (
    "keyring.backends.fail",
    "keyring.backends.null",
    "keyrings.alt",
    "keyrings.cryptfile",
)

# scrypt cost: about 0.1 s here; 2**15 * 8 * 128 bytes = 32 MiB of memory.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE_LENGTH = 8  # for a new vault and for recovery files; old vaults open as they are


class KeystoreError(Exception):
    """The master secret could not be read or written. The message says what to do."""


class WrongPassphrase(KeystoreError):
    """The passphrase does not open the vault."""


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    usable: bool
    backend: str
    reason: str = ""


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _refused(backend: keyring.backend.KeyringBackend) -> bool:
    children = getattr(backend, "backends", None)
    if children is not None:  # the chainer is only as good as what it chains
        return not children or all(_refused(child) for child in children)
    return _backend_name(backend).startswith(_REFUSED_BACKEND_MODULES)


def keyring_status() -> KeyringStatus:
    """Whether the system keyring can hold the master secret, and which store it is."""
    backend = keyring.get_keyring()
    name = _backend_name(backend)
    if _refused(backend):
        return KeyringStatus(False, name, "no secure system keyring is available")
    return KeyringStatus(True, name)


def keyring_get(account: str) -> bytes | None:
    try:
        value = keyring.get_password(KEYRING_SERVICE, account)
    except keyring.errors.KeyringError as exc:
        raise KeystoreError(
            f"the system keyring could not be read ({type(exc).__name__}); unlock it and try again"
        ) from None
    return base64.b64decode(value) if value else None


def keyring_set(account: str, secret: bytes) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, account, base64.b64encode(secret).decode("ascii"))
    except keyring.errors.KeyringError as exc:
        raise KeystoreError(
            f"the system keyring refused to store the key ({type(exc).__name__}); "
            "unlock it and try again"
        ) from None


def keyring_delete(account: str) -> None:
    try:
        keyring.delete_password(KEYRING_SERVICE, account)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise KeystoreError(
            f"the system keyring could not be changed ({type(exc).__name__})"
        ) from None


class PassphraseNotText(KeystoreError):
    """The passphrase holds bytes that are not UTF-8 (an environment variable set from a
    terminal in another encoding reaches Python as lone surrogates)."""


def check_new_passphrase(passphrase: str, what: str = "the vault passphrase") -> None:
    """Refuse a passphrase being chosen that is too short or not text."""
    _passphrase_bytes(passphrase)
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise KeystoreError(
            f"{what} must have at least {MIN_PASSPHRASE_LENGTH} characters; choose a longer one"
        )


def _passphrase_bytes(passphrase: str) -> bytes:
    try:
        return passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise PassphraseNotText(
            "the passphrase is not valid UTF-8 text (it holds bytes of another encoding); set "
            "STOCK_TRACKER_PASSPHRASE again from a UTF-8 terminal or type it; nothing was changed"
        ) from None


def _passphrase_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(_passphrase_bytes(passphrase))


def wrap_with_passphrase(secret: bytes, passphrase: str) -> dict[str, str | int]:
    """Encrypt ``secret`` under a key derived from ``passphrase`` (scrypt + AES-GCM).

    The AES-GCM tag doubles as the passphrase check: a wrong passphrase fails to unwrap.
    """
    if not passphrase:
        raise KeystoreError(
            f"the passphrase is empty; choose one of at least {MIN_PASSPHRASE_LENGTH} characters"
        )
    salt = os.urandom(16)
    nonce = os.urandom(12)
    key = _passphrase_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    wrapped = AESGCM(key).encrypt(nonce, secret, b"stock-tracker-master")
    return {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "wrapped": base64.b64encode(wrapped).decode("ascii"),
    }


def unwrap_with_passphrase(blob: dict[str, str | int], passphrase: str) -> bytes:
    try:
        key = _passphrase_key(
            passphrase,
            base64.b64decode(str(blob["salt"])),
            int(blob["n"]),
            int(blob["r"]),
            int(blob["p"]),
        )
        return AESGCM(key).decrypt(
            base64.b64decode(str(blob["nonce"])),
            base64.b64decode(str(blob["wrapped"])),
            b"stock-tracker-master",
        )
    except InvalidTag:
        raise WrongPassphrase("the passphrase is wrong; nothing was changed") from None
    except (KeyError, ValueError, TypeError):
        raise KeystoreError(
            "the vault file is damaged: its passphrase block is unreadable"
        ) from None
