"""Keygen's response signatures: what is signed, and checking an answer before it is believed.

Keygen signs every answer with the account's ed25519 key over four lines: the request target, the
host, the Date and the Digest (SHA-256 of the body). The request target and the host are the ones
the client sent, so an answer cannot be replayed for another request; the Date bounds how old a
replayed answer of the same request can be; the Digest binds the body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.licensing.answers import Unverified

ALGORITHM = "ed25519"
SIGNED_HEADERS = "(request-target) host date digest"
MAX_CLOCK_SKEW = timedelta(minutes=5)
_PARAMETER = re.compile(r'(\w+)="([^"]*)"')

log = logging.getLogger(__name__)


def body_digest(body: bytes) -> str:
    """The Digest header of ``body``."""
    return "sha-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def signing_data(*, method: str, target: str, host: str, date: str, digest: str) -> bytes:
    """The bytes Keygen signs; ``target`` is the path with its query, as sent."""
    lines = (
        f"(request-target): {method.lower()} {target}",
        f"host: {host}",
        f"date: {date}",
        f"digest: {digest}",
    )
    return "\n".join(lines).encode("utf-8")


def signature_header(keyid: str, signature: bytes) -> str:
    """The Keygen-Signature header carrying ``signature`` (what the server sends)."""
    encoded = base64.b64encode(signature).decode("ascii")
    return (
        f'keyid="{keyid}", algorithm="{ALGORITHM}", signature="{encoded}", '
        f'headers="{SIGNED_HEADERS}"'
    )


def load_public_key(public_key_hex: str) -> Ed25519PublicKey:
    """The account's verify key from its 64 hex digits; ValueError when it is not one."""
    try:
        raw = bytes.fromhex(public_key_hex)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError("an ed25519 public key is 64 hex digits")
    return Ed25519PublicKey.from_public_bytes(raw)


def unverified(check: str, what: str, method: str, path: str) -> Unverified:
    """Log which ``check`` failed and return the Unverified to raise; ``what`` completes
    "the answer could not be verified: ..." and is one of the catalogue's words
    (domain.problems.SUBJECTS), so the window translates it."""
    # The path names a licence or machine id at most; the key travels in bodies and headers only.
    log.warning("licence server answer to %s %s rejected: %s", method.upper(), path, check)
    return Unverified(Problem(ProblemCode.LICENCE_UNVERIFIED, {"what": what}))


def verify_answer(
    public_key: Ed25519PublicKey,
    *,
    method: str,
    target: str,
    host: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
) -> None:
    """Raise Unverified unless ``body`` and ``headers`` are Keygen's signed answer to the request
    ``method target`` sent to ``host``, dated within five minutes of ``now``."""
    path = target.split("?", 1)[0]
    header = headers.get("keygen-signature")
    if not header:
        raise unverified("unsigned", "it was not signed", method, path)
    parameters = dict(_PARAMETER.findall(header))
    if parameters.get("algorithm") != ALGORITHM:
        raise unverified("algorithm", "it was not signed with ed25519", method, path)
    if parameters.get("headers") != SIGNED_HEADERS:
        raise unverified(
            "signed headers", "its signature does not cover the request and its body", method, path
        )
    digest = headers.get("digest", "")
    if not hmac.compare_digest(digest.encode(), body_digest(body).encode()):
        raise unverified("digest", "its body is not the one the server signed", method, path)
    date = headers.get("date", "")
    data = signing_data(method=method, target=target, host=host, date=date, digest=digest)
    try:
        signature = base64.b64decode(parameters.get("signature", ""), validate=True)
        public_key.verify(signature, data)
    except (binascii.Error, InvalidSignature):
        raise unverified(
            "signature", "it was not signed by the licence server's key", method, path
        ) from None
    try:
        sent = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        sent = None
    if sent is None or sent.tzinfo is None or abs(sent - now) > MAX_CLOCK_SKEW:
        raise unverified(
            "date", "its Date is more than 5 minutes from this computer's clock", method, path
        )
