"""What makes tenant input acceptable, checked offline, with messages that say what to do.

Pure functions: the service adds what needs the database (a duplicate name).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from stock_tracker_desktop.domain.wb_token import TokenFormatError, WbTokenInfo, parse_wb_token

MAX_NAME_LENGTH = 200
_OZON_CLIENT_ID = re.compile(r"^\d{1,20}$")
_OZON_API_KEY = re.compile(r"^[A-Za-z0-9-]{16,128}$")
# Bidi controls reorder what is shown ("evil\u202etxt.exe" reads "evilexe.txt"): a name must
# read as it is written.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Letters that draw nothing (Hangul fillers, the blank Braille pattern, ...), beyond the
# whitespace and format characters that Unicode's categories already tell apart.
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason input was refused. ``field`` names the input (CLI option, editor field)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidTenant(ValueError):
    """Input was refused; ``problems`` lists every reason at once, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def check_name(name: str) -> list[Problem]:
    cleaned = " ".join(name.split())
    if not cleaned:
        return [Problem("name", "the name is empty; give the seller a name the team recognises")]
    if len(cleaned) > MAX_NAME_LENGTH:
        return [Problem("name", f"the name is longer than {MAX_NAME_LENGTH} characters")]
    problem = text_problem(cleaned, "the name")
    return [Problem("name", problem)] if problem else []


def text_problem(text: str, what: str) -> str:
    """Why ``text`` cannot be a name (of a seller, of a tag), or "" when it can: it must hold
    no control characters (terminal escape codes, the bell, ...), no bidi controls, no
    undecodable bytes and at least one visible character. Whitespace such as tabs and line
    breaks is not checked here: names are stored with it collapsed into single spaces."""
    categories = {unicodedata.category(ch) for ch in text}
    if "Cs" in categories:  # bytes that were not UTF-8 (argv, a file), decoded as surrogates
        return f"{what} is not valid UTF-8 text; type it again"
    if "Cc" in categories:
        return (
            f"{what} holds control characters (such as terminal escape codes); "
            "type it as plain text"
        )
    if _BIDI_CONTROLS.intersection(text):
        return (
            f"{what} holds a text-direction control (such as U+202E), which makes it show "
            "differently from how it reads; remove it"
        )
    if all(_invisible(ch) for ch in text):
        return f"{what} has only invisible characters; give a name the team can read"
    return ""


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs") or ch in _BLANK_LETTERS


def check_wb_token(
    token: str, *, sandbox: bool, now: datetime | None = None
) -> tuple[WbTokenInfo | None, list[Problem], list[str]]:
    """Parse a WB token; return its claims, the problems that refuse it and mere warnings."""
    if not token.strip():
        return None, [Problem("token", "the WB token is empty")], []
    if not token.isascii():  # a JWT is ASCII; anything else is a copying accident or stray bytes
        return (
            None,
            [Problem("token", "the WB token holds characters no token has; copy it again")],
            [],
        )
    try:
        info = parse_wb_token(token)
    except TokenFormatError as exc:
        return None, [Problem("token", str(exc))], []
    problems: list[Problem] = []
    warnings: list[str] = []
    if info.sandbox and not sandbox:
        problems.append(
            Problem("sandbox", "this is a sandbox token; mark the tenant as sandbox (--sandbox)")
        )
    if sandbox and not info.sandbox:
        problems.append(
            Problem("sandbox", "this is a production token; do not mark the tenant as sandbox")
        )
    when = now or datetime.now(UTC)
    if info.expired(when):
        assert info.expires_at is not None
        warnings.append(
            f"the token expired on {info.expires_at:%Y-%m-%d}; create a new one in the seller's "
            "cabinet (Settings > API access) before the next sync"
        )
    if info.missing:
        warnings.append(
            "the token lacks the categories "
            + ", ".join(info.missing)
            + "; syncs will fail for what they cover until a token with them is used"
        )
    return info, problems, warnings


def check_ozon(client_id: str, api_key: str) -> list[Problem]:
    problems = []
    if not _OZON_CLIENT_ID.match(client_id.strip()):
        problems.append(
            Problem(
                "client_id", "the Ozon Client-Id is a number (Seller cabinet > Settings > API keys)"
            )
        )
    if not _OZON_API_KEY.match(api_key.strip()):
        problems.append(
            Problem(
                "api_key", "the Ozon API key should look like 1a2b3c4d-…; copy it again in full"
            )
        )
    return problems


def check_service_account(text: str) -> tuple[str | None, list[Problem]]:
    """A Google service-account key: returns its e-mail (the address to share sheets with)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None, [Problem("service_account", "the service-account key is not JSON")]
    if not isinstance(data, dict):
        return None, [Problem("service_account", "the service-account key is not a JSON object")]
    missing = [k for k in ("client_email", "private_key") if not data.get(k)]
    if missing:
        return None, [
            Problem(
                "service_account",
                "the service-account key lacks "
                + " and ".join(missing)
                + "; download a new JSON key from Google Cloud (IAM > Service accounts > Keys)",
            )
        ]
    if data.get("type", "service_account") != "service_account":
        return None, [Problem("service_account", "the JSON is not a service-account key")]
    return str(data["client_email"]), []


def check_notes(notes: str) -> list[Problem]:
    """Notes may hold line breaks and anything printable, but only text (no stray bytes)."""
    if any(unicodedata.category(ch) == "Cs" for ch in notes):
        return [Problem("notes", "the notes are not valid UTF-8 text; type them again")]
    return []


def check_tags(tags: list[str] | tuple[str, ...]) -> list[Problem]:
    """Tags are short names: the same characters are refused as in a seller's name."""
    cleaned = (" ".join(t.split()) for t in tags)
    problems = (text_problem(t, f"the tag {t!r}") for t in cleaned if t)
    return [Problem("tags", p) for p in problems if p][:1]


def normalise_tags(tags: list[str] | tuple[str, ...]) -> str:
    cleaned = {" ".join(t.split()) for t in tags}
    return ",".join(sorted(t for t in cleaned if t))


def split_tags(stored: str) -> tuple[str, ...]:
    return tuple(t for t in stored.split(",") if t)
