"""What makes tenant input acceptable, checked offline, with messages that say what to do.

Pure functions: the service adds what needs the database (a duplicate name).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from stock_tracker_desktop.domain.problems import Problem, ProblemCode
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
class InputProblem:
    """One reason input was refused. ``field`` names the input (CLI option, editor field);
    ``problem`` says why, in words each front end renders in its language."""

    field: str
    problem: Problem

    @property
    def message(self) -> str:
        """In English, as the CLI prints it."""
        return self.problem.english()

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidTenant(ValueError):
    """Input was refused; ``problems`` lists every reason at once, not just the first."""

    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def check_name(name: str) -> list[InputProblem]:
    cleaned = " ".join(name.split())
    if not cleaned:
        return [InputProblem("name", Problem(ProblemCode.NAME_EMPTY))]
    if len(cleaned) > MAX_NAME_LENGTH:
        return [
            InputProblem("name", Problem(ProblemCode.NAME_TOO_LONG, {"limit": MAX_NAME_LENGTH}))
        ]
    code = text_problem(cleaned)
    return [InputProblem("name", Problem(code, {"what": "the name"}))] if code else []


def text_problem(text: str) -> ProblemCode | None:
    """Why ``text`` cannot be a name (of a seller, of a tag), or None when it can: it must hold
    no control characters (terminal escape codes, the bell, ...), no bidi controls, no
    undecodable bytes and at least one visible character. Whitespace such as tabs and line
    breaks is not checked here: names are stored with it collapsed into single spaces.

    The caller says what the text is (``{what}``: "the name", "the tag {tag}")."""
    categories = {unicodedata.category(ch) for ch in text}
    if "Cs" in categories:  # bytes that were not UTF-8 (argv, a file), decoded as surrogates
        return ProblemCode.TEXT_NOT_UTF8
    if "Cc" in categories:
        return ProblemCode.TEXT_CONTROL_CHARACTERS
    if _BIDI_CONTROLS.intersection(text):
        return ProblemCode.TEXT_DIRECTION_CONTROL
    if all(_invisible(ch) for ch in text):
        return ProblemCode.TEXT_INVISIBLE
    return None


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs") or ch in _BLANK_LETTERS


def check_wb_token(
    token: str, *, sandbox: bool, now: datetime | None = None
) -> tuple[WbTokenInfo | None, list[InputProblem], list[Problem]]:
    """Parse a WB token; return its claims, the problems that refuse it and mere warnings."""
    if not token.strip():
        return None, [InputProblem("token", Problem(ProblemCode.WB_TOKEN_EMPTY))], []
    if not token.isascii():  # a JWT is ASCII; anything else is a copying accident or stray bytes
        return None, [InputProblem("token", Problem(ProblemCode.WB_TOKEN_FOREIGN_CHARACTERS))], []
    try:
        info = parse_wb_token(token)
    except TokenFormatError:
        return None, [InputProblem("token", Problem(ProblemCode.TOKEN_UNREADABLE))], []
    problems: list[InputProblem] = []
    warnings: list[Problem] = []
    if info.sandbox and not sandbox:
        problems.append(InputProblem("sandbox", Problem(ProblemCode.WB_TOKEN_IS_SANDBOX)))
    if sandbox and not info.sandbox:
        problems.append(InputProblem("sandbox", Problem(ProblemCode.WB_TOKEN_IS_PRODUCTION)))
    when = now or datetime.now(UTC)
    if info.expired(when):
        assert info.expires_at is not None
        warnings.append(Problem(ProblemCode.WB_TOKEN_EXPIRED, {"date": info.expires_at.date()}))
    if info.missing:
        categories = ", ".join(info.missing)
        warnings.append(Problem(ProblemCode.WB_TOKEN_LACKS, {"categories": categories}))
    return info, problems, warnings


def check_ozon(client_id: str, api_key: str) -> list[InputProblem]:
    problems = []
    if not _OZON_CLIENT_ID.match(client_id.strip()):
        problems.append(InputProblem("client_id", Problem(ProblemCode.OZON_CLIENT_ID_FORMAT)))
    if not _OZON_API_KEY.match(api_key.strip()):
        problems.append(InputProblem("api_key", Problem(ProblemCode.OZON_API_KEY_FORMAT)))
    return problems


def check_service_account(text: str) -> tuple[str | None, list[InputProblem]]:
    """A Google service-account key: returns its e-mail (the address to share sheets with)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None, [InputProblem("service_account", Problem(ProblemCode.KEY_NOT_JSON))]
    if not isinstance(data, dict):
        return None, [InputProblem("service_account", Problem(ProblemCode.KEY_NOT_OBJECT))]
    missing = [k for k in ("client_email", "private_key") if not data.get(k)]
    if missing:
        fields = " and ".join(missing)  # JSON keys, the same in every language
        return None, [
            InputProblem("service_account", Problem(ProblemCode.KEY_LACKS, {"fields": fields}))
        ]
    if data.get("type", "service_account") != "service_account":
        return None, [InputProblem("service_account", Problem(ProblemCode.KEY_NOT_SERVICE_ACCOUNT))]
    return str(data["client_email"]), []


def check_notes(notes: str) -> list[InputProblem]:
    """Notes may hold line breaks and anything printable, but only text (no stray bytes)."""
    if any(unicodedata.category(ch) == "Cs" for ch in notes):
        return [InputProblem("notes", Problem(ProblemCode.NOTES_NOT_UTF8))]
    return []


def check_tags(tags: list[str] | tuple[str, ...]) -> list[InputProblem]:
    """Tags are short names: the same characters are refused as in a seller's name."""
    for tag in (" ".join(t.split()) for t in tags):
        code = text_problem(tag) if tag else None
        if code is not None:
            # The subject first, the tag's own text after: it fills the subject's {tag}.
            return [
                InputProblem("tags", Problem(code, {"what": "the tag {tag}", "tag": repr(tag)}))
            ]
    return []


def normalise_tags(tags: list[str] | tuple[str, ...]) -> str:
    cleaned = {" ".join(t.split()) for t in tags}
    return ",".join(sorted(t for t in cleaned if t))


def split_tags(stored: str) -> tuple[str, ...]:
    return tuple(t for t in stored.split(",") if t)
