"""Scrubbing secrets out of log records, whatever code produced them.

Secrets are recognised by shape (a JWT, a PEM private key, a UUID-shaped Ozon API key next to its
header name, values of fields called token/api_key/passphrase/...), so nothing has to keep a list
of live secrets in memory to hide them.
"""

from __future__ import annotations

import logging
import re

MASK = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JSON Web Tokens (WB tokens, Google assertions).
    (re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"), MASK),
    # PEM private keys, also with JSON-escaped newlines.
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        MASK,
    ),
    # Header or field names that carry a secret, in "name: value", "name=value", JSON or repr form.
    # A quoted value is masked whole, spaces and all; a bare one up to the next blank.
    (
        re.compile(
            r"(?i)(\b(?:authorization|api[-_]?key|token|passphrase|password|secret|private_key)"
            r"[\"']?\s*[:=]\s*)(?:\"[^\"]*\"|'[^']*'|(?:bearer\s+)?[^\s\"',}]+)"
        ),
        r"\1" + MASK,
    ),
    # SQLCipher raw keys.
    (re.compile(r"x'[0-9a-fA-F]{32,}'"), MASK),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites every record's message (and traceback) without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
