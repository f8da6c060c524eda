"""The invitation file a team's owner hands one staff member: where the server is, the member's
login and password, their role and, for members who sync, the team key.

The file may travel by e-mail or on a USB stick, so everything in it but the format header is
AES-256-GCM under a key scrypt derives from a passphrase the owner tells the member another way:

    {"format": "stock-tracker-invitation", "version": 1,
     "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<base64>"},
     "nonce": "<base64>", "ciphertext": "<base64>"}

The plaintext is the invitation as JSON; the associated data is ``FORMAT`` and the version, so
the header cannot be swapped for another format's. The scrypt cost is read from the file and
bounded, so a hostile file cannot make the reader allocate gigabytes or spin for hours.
"""

from __future__ import annotations

import base64
import json
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from stock_tracker_desktop.security.files import write_private_file
from stock_tracker_desktop.team.names import RoleNames, TeamRole, role_prefix
from stock_tracker_desktop.team.team_key import TeamKey
from stock_tracker_desktop.user_files import (
    KB,
    FileKind,
    FileProblem,
    UserFileError,
    read_user_file,
)

FORMAT = "stock-tracker-invitation"
VERSION = 1
VALID_FOR = timedelta(days=7)
MIN_PASSPHRASE_LENGTH = 8
SCRYPT_N = 2**15  # about 0.1 s and 32 MiB
# What a file may ask of the reader: 2**17 is 128 MiB of memory with r = 8.
MIN_SCRYPT_N = 2**14
MAX_SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
INVITATION_FILE = FileKind("team invitation", 1 * KB * KB)
_TEXT_FIELDS = (
    "team",
    "host",
    "database",
    "sslmode",
    "sslrootcert",
    "login",
    "password",
    "role",
    "licence_key",
    "created_at",
    "expires_at",
)
_SALT_BYTES = 16
_NONCE_BYTES = 12
_ASSOCIATED_DATA = f"{FORMAT}/{VERSION}".encode("ascii")
# A dataclass default cannot depend on another field: this marker means "a week after
# created_at" and is replaced in __post_init__ (compared by identity, never by value).
_WEEK_AFTER_CREATION = datetime.min.replace(tzinfo=UTC)


class InvitationProblem(StrEnum):
    NOT_FOUND = "not_found"
    NOT_AN_INVITATION = "not_an_invitation"
    NEWER_FORMAT = "newer_format"
    WRONG_PASSPHRASE = "wrong_passphrase"  # noqa: S105 (a problem's name, not a secret)
    EXPIRED = "expired"
    WEAK_PASSPHRASE = "weak_passphrase"  # noqa: S105 (writing: a passphrase too short to use)
    USED = "used"  # the server refused its login: joined with already, or the member revoked


class InvitationError(ValueError):
    """An invitation cannot be written or read; the message says what to do and never holds the
    passphrase or anything from inside the file."""

    def __init__(
        self, reason: InvitationProblem, message: str, *, expires_at: datetime | None = None
    ) -> None:
        self.reason = reason
        self.expires_at = expires_at
        super().__init__(message)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Invitation:
    team: str
    host: str
    port: int
    database: str
    sslmode: str
    sslrootcert: str  # the server's CA certificate as PEM text, or ""
    login: str
    password: str = field(repr=False)
    role: TeamRole
    team_key: TeamKey | None = field(repr=False)  # for the members who sync only
    licence_key: str = field(default="", repr=False)
    created_at: datetime = field(default_factory=_utc_now)
    expires_at: datetime = _WEEK_AFTER_CREATION

    def __post_init__(self) -> None:
        # Normalised here, so that a role given as "admin" compares and serialises as the enum.
        object.__setattr__(self, "role", TeamRole(self.role))
        if self.expires_at is _WEEK_AFTER_CREATION:
            object.__setattr__(self, "expires_at", self.created_at + VALID_FOR)
        if self.role.syncs and self.team_key is None:
            raise ValueError(
                f"a member with the {self.role} role syncs: the invitation needs the team key"
            )
        if not self.role.syncs and self.team_key is not None:
            raise ValueError("a viewer does not sync: the invitation must not carry the team key")
        if self.created_at.tzinfo is None or self.expires_at.tzinfo is None:
            raise ValueError("an invitation's times are aware (UTC)")
        if self.expires_at <= self.created_at:
            raise ValueError("an invitation expires after it is created")
        if isinstance(self.port, bool) or not 1 <= self.port <= 65535:
            raise ValueError(f"{self.port} is not a TCP port")

    def _to_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "sslmode": self.sslmode,
            "sslrootcert": self.sslrootcert,
            "login": self.login,
            "password": self.password,
            "role": self.role.value,
            "team_key": self.team_key.to_text() if self.team_key else None,
            "licence_key": self.licence_key,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "expires_at": self.expires_at.astimezone(UTC).isoformat(),
        }

    @classmethod
    def _from_json(cls, data: Any) -> Invitation:
        """Raises ValueError (TeamKeyError is one) or TypeError for anything malformed."""
        if not isinstance(data, dict):
            raise TypeError("not an object")
        texts = {name: data[name] for name in _TEXT_FIELDS}
        if not all(isinstance(value, str) for value in texts.values()):
            raise TypeError("a field that is text is not")
        port, team_key = data["port"], data["team_key"]
        if not isinstance(port, int) or not (team_key is None or isinstance(team_key, str)):
            raise TypeError("the port or the team key has the wrong type")
        return cls(
            team=texts["team"],
            host=texts["host"],
            port=port,
            database=texts["database"],
            sslmode=texts["sslmode"],
            sslrootcert=texts["sslrootcert"],
            login=texts["login"],
            password=texts["password"],
            role=TeamRole(texts["role"]),
            team_key=TeamKey.from_text(team_key) if team_key is not None else None,
            licence_key=texts["licence_key"],
            created_at=datetime.fromisoformat(texts["created_at"]),
            expires_at=datetime.fromisoformat(texts["expires_at"]),
        )


def _passphrase_bytes(passphrase: str) -> bytes | None:
    """NFC, because the owner and the member type it on different systems (a composed and a
    decomposed "й" look the same); None for a str that holds no text (lone surrogates)."""
    try:
        return unicodedata.normalize("NFC", passphrase).encode("utf-8")
    except UnicodeEncodeError:
        return None


def _derive(passphrase: bytes, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def write_invitation(
    path: Path, invitation: Invitation, passphrase: str, *, work_factor: int = SCRYPT_N
) -> None:
    """Write ``invitation`` to ``path`` under ``passphrase``, atomically and readable by the user
    only. ``work_factor`` is scrypt's n; below the default only to make tests fast."""
    if not MIN_SCRYPT_N <= work_factor <= MAX_SCRYPT_N or work_factor & (work_factor - 1):
        raise ValueError(
            f"scrypt's n is a power of two from {MIN_SCRYPT_N} to {MAX_SCRYPT_N}, "
            "or the file could not be read"
        )
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        what = "empty" if not passphrase else f"{len(passphrase)} characters long"
        raise InvitationError(
            InvitationProblem.WEAK_PASSPHRASE,
            f"the invitation's passphrase is {what}; choose one of at least "
            f"{MIN_PASSPHRASE_LENGTH} characters",
        )
    secret = _passphrase_bytes(passphrase)
    if secret is None:
        raise InvitationError(
            InvitationProblem.WEAK_PASSPHRASE,
            "the invitation's passphrase is not valid text (it holds bytes of another "
            "encoding); type it again",
        )
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(invitation._to_json(), ensure_ascii=False).encode("utf-8")
    ciphertext = AESGCM(_derive(secret, salt, work_factor)).encrypt(
        nonce, plaintext, _ASSOCIATED_DATA
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {
            "name": "scrypt",
            "n": work_factor,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": _b64(salt),
        },
        "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext),
    }
    encoded = (json.dumps(document, indent=2) + "\n").encode("ascii")
    write_private_file(path, encoded, private_folder=False)


def _ask_for_new(name: str = "NAME") -> str:
    return (
        "ask the team's owner for a new invitation: "
        f"`stock-tracker team invite {name} --role ROLE --out FILE`"
    )


def used_invitation() -> InvitationError:
    """The server refused the invitation's login: its one-time password was changed when
    someone joined with it, or its member was revoked since."""
    return InvitationError(
        InvitationProblem.USED,
        "this invitation has been used already (joining changes its one-time password) or "
        "its member was revoked: " + _ask_for_new(),
    )


def _damaged(path: Path) -> InvitationError:
    return InvitationError(
        InvitationProblem.NOT_AN_INVITATION,
        f"{path} is not a Stock Tracker team invitation, or it was damaged on the way; "
        + _ask_for_new(),
    )


def _wrong_passphrase(path: Path) -> InvitationError:
    # GCM cannot tell a wrong passphrase from a changed ciphertext: the message names both.
    return InvitationError(
        InvitationProblem.WRONG_PASSPHRASE,
        f"the passphrase does not open {path}; check the passphrase the owner gave you "
        "(capitals count). If it is right, the file was changed on the way: " + _ask_for_new(),
    )


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError("not base64 text")
    return base64.b64decode(value, validate=True)


def _sealed_parts(document: dict[str, Any]) -> tuple[int, bytes, bytes, bytes]:
    """scrypt's n, the salt, the nonce and the ciphertext of a version-1 file; ValueError or
    TypeError when they are missing, malformed, or a cost this reader refuses to pay."""
    kdf = document.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise TypeError("not an scrypt block")
    n = kdf.get("n")
    if (
        not isinstance(n, int)
        or not MIN_SCRYPT_N <= n <= MAX_SCRYPT_N
        or n & (n - 1)
        or kdf.get("r") != SCRYPT_R
        or kdf.get("p") != SCRYPT_P
    ):
        raise ValueError("scrypt parameters out of bounds")
    salt = _unb64(kdf.get("salt"))
    nonce = _unb64(document.get("nonce"))
    ciphertext = _unb64(document.get("ciphertext"))
    if not _SALT_BYTES <= len(salt) <= 64 or len(nonce) != _NONCE_BYTES:
        raise ValueError("salt or nonce of the wrong size")
    return n, salt, nonce, ciphertext


def read_invitation(path: Path, passphrase: str, *, now: datetime | None = None) -> Invitation:
    """The invitation in ``path``, opened with ``passphrase``; ``InvitationError`` says what is
    wrong. ``now`` (aware) is when it must still be valid, the current time by default."""
    try:
        text = read_user_file(path, INVITATION_FILE)
    except UserFileError as exc:
        if exc.problem in (FileProblem.TOO_LARGE, FileProblem.BINARY, FileProblem.ENCODING):
            raise _damaged(path) from None
        # Missing, a folder, a device, unreadable: the path does not give an invitation.
        raise InvitationError(InvitationProblem.NOT_FOUND, f"{exc}; or {_ask_for_new()}") from None
    try:
        document = json.loads(text)
    # RecursionError: JSON nested deeper than the parser goes.
    except (ValueError, RecursionError):
        raise _damaged(path) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _damaged(path)
    version = document.get("version")
    if isinstance(version, int) and version > VERSION:
        raise InvitationError(
            InvitationProblem.NEWER_FORMAT,
            f"{path} was written by a newer Stock Tracker (invitation format {version}); "
            "update Stock Tracker on this desktop and open the invitation again",
        )
    if version != VERSION:
        raise _damaged(path)
    try:
        n, salt, nonce, ciphertext = _sealed_parts(document)
    except (ValueError, TypeError):
        raise _damaged(path) from None
    secret = _passphrase_bytes(passphrase)
    if secret is None:  # no text encodes to this, so no invitation was written under it
        raise _wrong_passphrase(path)
    try:
        plaintext = AESGCM(_derive(secret, salt, n)).decrypt(nonce, ciphertext, _ASSOCIATED_DATA)
    except InvalidTag:
        raise _wrong_passphrase(path) from None
    try:
        invitation = Invitation._from_json(json.loads(plaintext.decode("utf-8")))
    except (KeyError, ValueError, TypeError, RecursionError):
        # TeamKeyError is a ValueError: a damaged team key inside is a damaged invitation.
        raise _damaged(path) from None
    moment = now if now is not None else _utc_now()
    if moment >= invitation.expires_at:
        member = RoleNames(role_prefix(invitation.database)).member_name(invitation.login)
        raise InvitationError(
            InvitationProblem.EXPIRED,
            f"the invitation to team {invitation.team} expired on "
            f"{invitation.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC; "
            + _ask_for_new(member or "NAME"),
            expires_at=invitation.expires_at,
        )
    return invitation
