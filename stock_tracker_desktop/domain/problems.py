"""What went wrong, as a code and its parameters, rendered in the reader's language.

Errors below ui/ used to be English sentences, so a Russian window showed "token expired on
2026-11-30". Now an error carries a ``Problem``: a code and the values the sentence needs. The
sentence itself is one template per code, here; the window translates the template through Qt
(context "Problems", compiled from this file by tools/update_translations.py) and fills in the
values in its locale (dates, durations), the CLI and the logs use the English template.

A parameter named ``detail`` is text from outside (a marketplace's own words, the operating
system's): it is shown as it came, never translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Seconds(float):
    """A duration parameter: each reader words it in its own language ("2 h 5 min")."""


ParamValue = str | int | float | date | datetime
ValueText = Callable[[ParamValue], str]


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate reads
    """Marks ``text`` for translation in ``context`` without translating it here."""
    return text


class ProblemCode(StrEnum):
    # The marketplace's answers
    CREDENTIALS_REFUSED = "credentials_refused"
    ENDPOINT_RETIRED = "endpoint_retired"
    TOO_MANY_REQUESTS = "too_many_requests"
    WAIT_TOO_LONG = "wait_too_long"
    SERVER_FAILED = "server_failed"
    ANSWER_BROKEN = "answer_broken"
    ANSWER_UNREADABLE = "answer_unreadable"
    ANSWER_TOO_LARGE = "answer_too_large"
    ANSWER_TOO_SLOW = "answer_too_slow"
    NO_ANSWER = "no_answer"
    CONNECTION_FAILED = "connection_failed"
    ANSWER_MALFORMED = "answer_malformed"
    REQUEST_REFUSED = "request_refused"
    REDIRECTED = "redirected"
    CURSOR_STUCK = "cursor_stuck"
    # Credentials
    TOKEN_EXPIRED = "token_expired"
    TOKEN_UNREADABLE = "token_unreadable"
    NO_SANDBOX = "no_sandbox"
    # A sync as a whole
    SELLER_DEADLINE = "seller_deadline"
    CANCELLED = "cancelled"
    CANCELLED_IN_EXPORTS = "cancelled_in_exports"
    EXPORTS_FAILED = "exports_failed"
    LOCAL_DISK = "local_disk"
    UNEXPECTED = "unexpected"
    # The vault
    STORE_KEYRING = "store_keyring"
    STORE_PASSPHRASE = "store_passphrase"


# One English template per code, with {name} for each parameter.
TEMPLATES: Mapping[ProblemCode, str] = {
    ProblemCode.CREDENTIALS_REFUSED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace refused the credentials: {detail}"
    ),
    ProblemCode.ENDPOINT_RETIRED: QT_TRANSLATE_NOOP(
        "Problems", "endpoint retired by the marketplace"
    ),
    ProblemCode.TOO_MANY_REQUESTS: QT_TRANSLATE_NOOP(
        "Problems",
        "{marketplace} refused {what} with 429 (too many requests) {count} times in a row;"
        " the next sync will try again",
    ),
    ProblemCode.WAIT_TOO_LONG: QT_TRANSLATE_NOOP(
        "Problems", "{marketplace} asks to wait {wait} for {what}; the next sync will try again"
    ),
    ProblemCode.SERVER_FAILED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace failed with HTTP {status}"
    ),
    ProblemCode.ANSWER_BROKEN: QT_TRANSLATE_NOOP(
        "Problems", "the answer was cut off or is not JSON"
    ),
    ProblemCode.ANSWER_UNREADABLE: QT_TRANSLATE_NOOP(
        "Problems", "the answer could not be decompressed (cut off or damaged)"
    ),
    ProblemCode.ANSWER_TOO_LARGE: QT_TRANSLATE_NOOP(
        "Problems", "the answer was larger than {limit}, more than this method ever sends"
    ),
    ProblemCode.ANSWER_TOO_SLOW: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace did not finish its answer within {wait}"
    ),
    ProblemCode.NO_ANSWER: QT_TRANSLATE_NOOP("Problems", "the marketplace did not answer in time"),
    ProblemCode.CONNECTION_FAILED: QT_TRANSLATE_NOOP(
        "Problems", "the connection failed ({detail})"
    ),
    ProblemCode.ANSWER_MALFORMED: QT_TRANSLATE_NOOP(
        "Problems", "the answer does not have the documented shape: {detail}"
    ),
    ProblemCode.REQUEST_REFUSED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace refused the request (HTTP {status}){detail}"
    ),
    ProblemCode.REDIRECTED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace answered with a redirect to {host}"
    ),
    ProblemCode.CURSOR_STUCK: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace says there is more but gives no new cursor"
    ),
    ProblemCode.TOKEN_EXPIRED: QT_TRANSLATE_NOOP(
        "Problems", "the token expired on {date}; create a new one in the seller's account"
    ),
    ProblemCode.TOKEN_UNREADABLE: QT_TRANSLATE_NOOP(
        "Problems", "the token cannot be read: {detail}"
    ),
    ProblemCode.NO_SANDBOX: QT_TRANSLATE_NOOP(
        "Problems", "{marketplace} has no sandbox for {what}"
    ),
    ProblemCode.SELLER_DEADLINE: QT_TRANSLATE_NOOP(
        "Problems",
        "did not finish within {wait} and was stopped; the previous snapshot was kept and the"
        " next sync will try again",
    ),
    ProblemCode.CANCELLED: QT_TRANSLATE_NOOP(
        "Problems", "cancelled; the previous snapshot was kept"
    ),
    ProblemCode.CANCELLED_IN_EXPORTS: QT_TRANSLATE_NOOP(
        "Problems", "cancelled during the exports; the snapshot was saved"
    ),
    ProblemCode.EXPORTS_FAILED: QT_TRANSLATE_NOOP(
        "Problems", "the snapshot was saved, but an export failed: {detail}"
    ),
    ProblemCode.LOCAL_DISK: QT_TRANSLATE_NOOP("Problems", "a local file or disk error: {detail}"),
    ProblemCode.UNEXPECTED: QT_TRANSLATE_NOOP("Problems", "unexpected error ({kind}): {detail}"),
    ProblemCode.STORE_KEYRING: QT_TRANSLATE_NOOP("Problems", "system keyring ({detail})"),
    ProblemCode.STORE_PASSPHRASE: QT_TRANSLATE_NOOP(
        "Problems", "a passphrase (scrypt) in the vault file"
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """A code and the values its sentence needs; ``english()`` for logs and the CLI."""

    code: ProblemCode
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    def english(self) -> str:
        return render(TEMPLATES[self.code], self.params, english_value)

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code.value,
            "params": {k: _json_value(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Problem | None:
        """The problem stored with a run; None for what this version does not know (a run
        recorded by a newer version, or before problems had codes)."""
        try:
            code = ProblemCode(str(data["code"]))
        except (KeyError, ValueError):
            return None
        params = data.get("params")
        if not isinstance(params, Mapping):
            return cls(code)
        return cls(code, {str(k): _from_json(v) for k, v in params.items()})


def render(template: str, params: Mapping[str, ParamValue], value_text: ValueText) -> str:
    """``template`` with each ``{name}`` replaced by its value in words; a missing value stays
    visible as ``{name}`` rather than failing the message that reports a failure."""
    text = template
    for name, value in params.items():
        text = text.replace("{" + name + "}", value_text(value))
    return text


def english_value(value: ParamValue) -> str:
    if isinstance(value, Seconds):
        return duration_words(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def duration_words(seconds: float) -> str:
    """``seconds`` as "45 s", "3 min", "2 h 5 min" (English; the window words its own)."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    hours, minutes = divmod(whole // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


# Typed values survive the database as tagged JSON, so a reader can word them in its locale.
_TAGS: tuple[tuple[str, type, Callable[[str], ParamValue]], ...] = (
    ("$seconds", Seconds, lambda text: Seconds(float(text))),
    ("$datetime", datetime, datetime.fromisoformat),
    ("$date", date, date.fromisoformat),
)


def _json_value(value: ParamValue) -> object:
    for tag, kind, _ in _TAGS:
        if isinstance(value, kind):
            return {tag: value.isoformat() if isinstance(value, date) else str(float(value))}
    return value


def _from_json(value: object) -> ParamValue:
    if isinstance(value, Mapping) and len(value) == 1:
        ((tag, text),) = value.items()
        for known, _, parse in _TAGS:
            if tag == known:
                return parse(str(text))
    return value if isinstance(value, str | int | float) else str(value)
