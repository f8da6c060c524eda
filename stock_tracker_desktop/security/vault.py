"""The vault: one random master secret per installation, and the keys derived from it.

From the master, HKDF derives the SQLCipher key of the database and the Fernet key for secrets
stored inside it. Secrets are Fernet-encrypted even inside the encrypted database, so that a
decrypted backup or a team push never carries a token in clear.

``vault.json`` beside the database says where the master lives (``keyring`` or ``passphrase``),
holds a check value that proves a master belongs to this installation, and, during a rotation,
the pending next master. Every write of it is atomic (temp file + rename).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.security import keystore
from stock_tracker_desktop.security.files import write_private_file
from stock_tracker_desktop.security.keystore import KeystoreError, WrongPassphrase
from stock_tracker_desktop.user_files import RECOVERY_FILE, read_user_file

VAULT_FILE = "vault.json"
VAULT_FORMAT = 1
RECOVERY_KIND = "stock-tracker-recovery"
PREVIOUS_KEYS = "previous_keys"
STORE_KEYRING = "keyring"
STORE_PASSPHRASE = "passphrase"  # noqa: S105 (a store name, not a secret)

PassphraseProvider = Callable[[], str | None]

__all__ = [
    "KeystoreError",
    "PassphraseRequired",
    "Vault",
    "VaultError",
    "WrongPassphrase",
]


class VaultError(KeystoreError):
    """The vault cannot be opened or changed; the message says what to do."""


class PassphraseRequired(VaultError):
    """No usable system keyring and no passphrase was given."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


def check_value(master: bytes) -> str:
    return hmac.new(master, b"stock-tracker/key-check", hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class MasterKeys:
    """Keys derived from one master secret."""

    master: bytes

    @property
    def database_key(self) -> str:
        """SQLCipher raw-key literal: no password KDF at open, so opening stays fast."""
        return "x'" + _derive(self.master, b"stock-tracker/sqlcipher").hex() + "'"

    @property
    def fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(_derive(self.master, b"stock-tracker/fernet")))

    @property
    def check(self) -> str:
        return check_value(self.master)

    def __repr__(self) -> str:  # never show key material
        return "MasterKeys(<hidden>)"


def _read_meta(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        meta = json.loads(text)
    except ValueError:
        raise VaultError(
            f"{path} is damaged (not JSON); restore it from a backup or import a recovery file"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != VAULT_FORMAT:
        raise VaultError(f"{path} is not a vault file of a version this app understands")
    return meta


class Vault:
    """An unlocked vault for one data directory."""

    def __init__(self, home: Path, meta: dict[str, Any], keys: MasterKeys) -> None:
        self.home = home
        self._meta = meta
        self.keys = keys
        self._pending: MasterKeys | None = None

    def __repr__(self) -> str:
        return f"Vault(home={str(self.home)!r}, store={self.store!r})"

    # ----- opening -------------------------------------------------------------------------

    @staticmethod
    def meta_path(home: Path) -> Path:
        return home / VAULT_FILE

    @classmethod
    def exists(cls, home: Path) -> bool:
        return cls.meta_path(home).exists()

    @classmethod
    def open(cls, home: Path, passphrase: PassphraseProvider) -> Vault:
        """Unlock the vault of ``home``, creating it on first use.

        A new vault goes into the system keyring when one is usable, otherwise it is protected by
        the passphrase that ``passphrase()`` returns.
        """
        meta = _read_meta(cls.meta_path(home))
        if meta is None:
            return cls._create(home, passphrase)
        keys = MasterKeys(cls._load_master(meta, passphrase))
        if not hmac.compare_digest(keys.check, str(meta.get("check", ""))):
            raise VaultError(
                "the key found for this data directory does not belong to it; "
                "import the recovery file made on the original machine (vault import-recovery)"
            )
        return cls(home, meta, keys)

    @classmethod
    def _create(cls, home: Path, passphrase: PassphraseProvider) -> Vault:
        master = os.urandom(32)
        meta: dict[str, Any] = {
            "format": VAULT_FORMAT,
            "install_id": str(uuid.uuid4()),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        cls._store_master(meta, master, passphrase, account_suffix="", choosing=True)
        meta["check"] = check_value(master)
        vault = cls(home, meta, MasterKeys(master))
        vault._save()
        return vault

    @staticmethod
    def _account(meta: dict[str, Any], suffix: str) -> str:
        return f"master:{meta['install_id']}{suffix}"

    @classmethod
    def _store_master(
        cls,
        meta: dict[str, Any],
        master: bytes,
        passphrase: PassphraseProvider,
        *,
        account_suffix: str,
        store: str | None = None,
        choosing: bool = False,
    ) -> None:
        """Put ``master`` into the store ``meta`` names (or the best one for a new vault).
        ``choosing``: the passphrase is chosen now (a new vault), so it must be long enough;
        a rotation keeps the vault's passphrase, whatever its length."""
        status = keystore.keyring_status()
        store = store or meta.get("store") or (STORE_KEYRING if status.usable else STORE_PASSPHRASE)
        if store == STORE_KEYRING:
            if not status.usable:
                raise VaultError(
                    f"the system keyring ({status.backend}) is not usable: {status.reason}"
                )
            keystore.keyring_set(cls._account(meta, account_suffix), master)
            meta["keyring_backend"] = status.backend
        else:
            secret = passphrase()
            if not secret:
                raise PassphraseRequired(
                    "no secure system keyring is available, so the vault needs a passphrase: "
                    "set STOCK_TRACKER_PASSPHRASE (headless) or enter it when the app asks"
                )
            if choosing:
                keystore.check_new_passphrase(secret)
            meta["passphrase" + account_suffix] = keystore.wrap_with_passphrase(master, secret)
        meta["store"] = store

    @classmethod
    def _load_master(
        cls, meta: dict[str, Any], passphrase: PassphraseProvider, suffix: str = ""
    ) -> bytes:
        if meta.get("store") == STORE_KEYRING:
            master = keystore.keyring_get(cls._account(meta, suffix))
            if master is None:
                raise VaultError(
                    "the system keyring holds no key for this data directory; import the "
                    "recovery file (vault import-recovery) or restore the keyring"
                )
            return master
        blob = meta.get("passphrase" + suffix)
        if not isinstance(blob, dict):
            raise VaultError("the vault file has no passphrase block; it is damaged")
        secret = passphrase()
        if not secret:
            raise PassphraseRequired(
                "this vault is protected by a passphrase: set STOCK_TRACKER_PASSPHRASE "
                "(headless) or enter it when the app asks"
            )
        return keystore.unwrap_with_passphrase(blob, secret)

    def discard(self) -> None:
        """Remove this vault's file and its key in the keyring: for a vault just created by a
        start-up that then failed, so that no half-made installation is left behind."""
        if self.store == STORE_KEYRING:
            keystore.keyring_delete(self._account(self._meta, ""))
        self.meta_path(self.home).unlink(missing_ok=True)

    def _save(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private_file(self.meta_path(self.home), json.dumps(self._meta, indent=2).encode())

    # ----- facts ---------------------------------------------------------------------------

    @property
    def store(self) -> str:
        return str(self._meta["store"])

    @property
    def install_id(self) -> str:
        return str(self._meta["install_id"])

    def store_problem(self) -> Problem:
        """Where the master key lives, as a code (and the keyring backend's name, shown as it
        is): the Settings dialog words it in its language."""
        if self.store != STORE_KEYRING:
            return Problem(ProblemCode.STORE_PASSPHRASE)
        backend = self._meta.get("keyring_backend")
        if not backend:  # a vault.json written by hand, or damaged
            return Problem(ProblemCode.STORE_KEYRING_UNKNOWN)
        return Problem(ProblemCode.STORE_KEYRING, {"detail": str(backend)})

    def describe_store(self) -> str:
        """Where the master key lives, in English (the CLI)."""
        return self.store_problem().english()

    # ----- secrets -------------------------------------------------------------------------

    def encrypt(self, secret: dict[str, str]) -> bytes:
        return self.keys.fernet.encrypt(json.dumps(secret, sort_keys=True).encode("utf-8"))

    def decrypt(self, token: bytes) -> dict[str, str]:
        try:
            return json.loads(self.keys.fernet.decrypt(token))
        except InvalidToken:
            raise VaultError(
                "a stored secret cannot be decrypted with this vault's key; the database and the "
                "vault do not match"
            ) from None

    # ----- rotation ------------------------------------------------------------------------

    @property
    def pending_keys(self) -> MasterKeys | None:
        """The next master while a rotation is under way (or was interrupted)."""
        return self._pending

    def begin_rotation(self, passphrase: PassphraseProvider) -> MasterKeys:
        """Make and durably store the next master before anything is re-encrypted with it."""
        master = os.urandom(32)
        pending_meta = dict(self._meta)
        self._store_master(pending_meta, master, passphrase, account_suffix=":pending")
        pending_meta["pending_check"] = check_value(master)
        self._meta = pending_meta
        self._save()
        self._pending = MasterKeys(master)
        return self._pending

    def load_pending(self, passphrase: PassphraseProvider) -> MasterKeys | None:
        """The pending master left by an interrupted rotation, if any."""
        if "pending_check" not in self._meta:
            return None
        master = self._load_master(self._meta, passphrase, suffix=":pending")
        if not hmac.compare_digest(check_value(master), str(self._meta["pending_check"])):
            raise VaultError("the pending key of an interrupted rotation is damaged")
        self._pending = MasterKeys(master)
        return self._pending

    def rotating_fernet(self) -> MultiFernet:
        """Decrypts with the current or next key, encrypts with the next one."""
        if self._pending is None:
            raise VaultError("no rotation is under way")
        return MultiFernet([self._pending.fernet, self.keys.fernet])

    def commit_rotation(self) -> None:
        """Make the pending master the current one (called once the database uses it)."""
        if self._pending is None:
            raise VaultError("no rotation is under way")
        old_meta = self._meta
        meta = {
            k: v for k, v in old_meta.items() if k not in ("pending_check", "passphrase:pending")
        }
        if self.store == STORE_KEYRING:
            keystore.keyring_set(self._account(meta, ""), self._pending.master)
        else:
            meta["passphrase"] = old_meta["passphrase:pending"]
        meta["check"] = self._pending.check
        meta[PREVIOUS_KEYS] = self._previous_under(
            self._pending, [self.keys, *self.previous_keys()]
        )
        meta["rotated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self._meta = meta
        self._save()
        if self.store == STORE_KEYRING:
            keystore.keyring_delete(self._account(meta, ":pending"))
        self.keys, self._pending = self._pending, None

    def previous_keys(self) -> list[MasterKeys]:
        """The masters this installation had before its rotations, newest first: what opens
        the backups taken before them. They are kept encrypted under the current master."""
        stored = self._meta.get(PREVIOUS_KEYS, {})
        keys = []
        for check, token in stored.items():
            try:
                master = self.keys.fernet.decrypt(token.encode("ascii"))
            except (InvalidToken, AttributeError, ValueError):
                continue  # a damaged entry costs that one old backup, not the vault
            if hmac.compare_digest(check_value(master), check):
                keys.append(MasterKeys(master))
        return keys

    @staticmethod
    def _previous_under(current: MasterKeys, previous: list[MasterKeys]) -> dict[str, str]:
        return {old.check: current.fernet.encrypt(old.master).decode("ascii") for old in previous}

    def abandon_rotation(self) -> None:
        """Forget a pending master that the database never started to use."""
        if "pending_check" not in self._meta:
            return
        if self.store == STORE_KEYRING:
            keystore.keyring_delete(self._account(self._meta, ":pending"))
        self._meta = {
            k: v for k, v in self._meta.items() if k not in ("pending_check", "passphrase:pending")
        }
        self._save()
        self._pending = None

    # ----- recovery ------------------------------------------------------------------------

    def export_recovery(self, path: Path, passphrase: str) -> None:
        """Write the master, protected by ``passphrase``, for moving to a new machine."""
        payload = {
            "kind": RECOVERY_KIND,
            "format": VAULT_FORMAT,
            "install_id": self.install_id,
            "check": self.keys.check,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "protected": keystore.wrap_with_passphrase(self.keys.master, passphrase),
        }
        write_private_file(path, json.dumps(payload, indent=2).encode())

    @classmethod
    def import_recovery(
        cls,
        home: Path,
        path: Path,
        recovery_passphrase: str,
        passphrase: PassphraseProvider,
    ) -> Vault:
        """Install the master from a recovery file into this machine's store. The file is read
        as every file a user names is (a FIFO or a device is refused, not waited on)."""
        text = read_user_file(path, RECOVERY_FILE)
        try:
            payload = json.loads(text)
        except ValueError as exc:
            raise VaultError(
                f"{path} cannot be read as a recovery file ({exc.__class__.__name__})"
            ) from None
        if not isinstance(payload, dict) or payload.get("kind") != RECOVERY_KIND:
            raise VaultError(f"{path} is not a Stock Tracker recovery file")
        master = keystore.unwrap_with_passphrase(payload["protected"], recovery_passphrase)
        if not hmac.compare_digest(check_value(master), str(payload.get("check"))):
            raise VaultError(f"{path} is damaged: its key does not match its check value")
        existing = _read_meta(cls.meta_path(home))
        if existing is not None and existing.get("check") != payload["check"]:
            raise VaultError(
                "this data directory belongs to another installation; import the recovery file "
                "into the data directory copied from the machine that made it"
            )
        meta: dict[str, Any] = {
            "format": VAULT_FORMAT,
            "install_id": payload["install_id"],
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "check": payload["check"],
        }
        cls._store_master(meta, master, passphrase, account_suffix="", choosing=True)
        vault = cls(home, meta, MasterKeys(master))
        vault._save()
        return vault
