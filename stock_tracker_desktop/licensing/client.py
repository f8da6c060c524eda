"""A client of the Keygen API subset the app uses: validate a key, activate, look up, ping and
deactivate a machine, check out a machine file.

Nothing an answer says is believed before its signature, digest and date are verified
(``signatures``); a validation must also echo the nonce sent with it, so an old answer cannot be
replayed. The body is read with a size cap and an overall deadline: an endless or trickling answer
ends in an error, never a hang.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from stock_tracker_desktop.domain.problems import Problem, ProblemCode, Seconds, said
from stock_tracker_desktop.licensing import documents
from stock_tracker_desktop.licensing.answers import (
    LicenceRefused,
    LicensingConfig,
    LicensingError,
    Machine,
    MachineLimitExceeded,
    Unreachable,
    Validation,
)
from stock_tracker_desktop.licensing.signatures import load_public_key, unverified, verify_answer
from stock_tracker_desktop.security.loopback import is_protected_url

MEDIA_TYPE = "application/vnd.api+json"
MAX_BODY_BYTES = 1 << 20
VALIDATE_PATH = "/licenses/actions/validate-key"
MACHINE_FILE_INCLUDES = "license,license.entitlements"
# Keygen's detail ends with the limit: "machine count has exceeded maximum allowed ... (3)".
_LIMIT_IN_DETAIL = re.compile(r"\((\d+)\)\s*$")
# A refusal's advice follows its status: each is a template of its own.
_REFUSED_BY_STATUS = {
    401: ProblemCode.LICENCE_REFUSED_KEY,
    403: ProblemCode.LICENCE_REFUSED_FORBIDDEN,
    404: ProblemCode.LICENCE_REFUSED_NOT_FOUND,
}

T = TypeVar("T")
log = logging.getLogger(__name__)


class _Mismatch(Exception):
    """A verified answer that is not the answer to this request (the nonce differs)."""

    def __init__(self, check: str, what: str) -> None:
        super().__init__(what)
        self.check = check
        self.what = what


def utc_now() -> datetime:
    return datetime.now(UTC)


def _segment(value: str) -> str:
    """One path segment: ids and fingerprints are URL-safe, but a stray '/' must not route."""
    return quote(value, safe="")


def _checked_base_url(base_url: str) -> str:
    """``base_url`` without its trailing slash, refused unless https (or http to loopback)."""
    if is_protected_url(base_url):
        return base_url.rstrip("/")
    if base_url.strip().lower().startswith("http://"):
        raise LicensingError(Problem(ProblemCode.LICENCE_PLAIN_HTTP, {"url": base_url}))
    raise LicensingError(Problem(ProblemCode.LICENCE_BAD_ADDRESS, {"url": base_url}))


def _scrub(text: str, key: str) -> str:
    """A server's words, without the key (in case an error echoes it) and without a novel."""
    return (text.replace(key, "[licence key]") if key else text)[:300]


class LicensingClient:
    """Calls one Keygen account. Holds a connection pool: ``close()`` it, or use ``with``.

    ``clock`` is what the answers' Date is checked against; ``timeout`` bounds each call as a
    whole (connect, send, read the whole answer), not just each network read.
    """

    def __init__(
        self,
        config: LicensingConfig,
        *,
        clock: Callable[[], datetime] = utc_now,
        timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._base_url = _checked_base_url(config.base_url)
        try:
            self._public_key = load_public_key(config.public_key)
        except ValueError:
            raise LicensingError(Problem(ProblemCode.LICENCE_BAD_PUBLIC_KEY)) from None
        self._prefix = f"{self._base_url}/v1/accounts/{_segment(config.account)}"
        self._clock = clock
        self._timeout = timeout
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={
                "Accept": MEDIA_TYPE,
                "Content-Type": MEDIA_TYPE,
                "Keygen-Accept-Signature": 'algorithm="ed25519"',
                # The Digest is of the body as sent; a compressed body would need guessing which.
                "Accept-Encoding": "identity",
            },
        )

    def __repr__(self) -> str:
        return f"LicensingClient({self._prefix!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LicensingClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- the API ---------------------------------------------------------------------------------

    def validate(self, key: str, fingerprint: str) -> Validation:
        """Validate ``key`` scoped to this machine, with its entitlements when the key is known.

        An unknown key is a Validation (valid false, code NOT_FOUND), not an exception.
        """
        nonce = secrets.randbelow(2**31)

        def read(document: Mapping[str, Any]) -> Validation:
            meta = documents.mapping(document.get("meta"), "meta")
            echoed = meta.get("nonce")
            if type(echoed) is not int or echoed != nonce:
                raise _Mismatch("nonce", "it answers another request (its nonce differs)")
            return documents.validation(
                valid=meta.get("valid"),
                code=meta.get("code"),
                detail=meta.get("detail"),
                ts=documents.timestamp(meta.get("ts"), "meta.ts"),
                licence=document.get("data"),
            )

        payload = {"meta": {"key": key, "nonce": nonce, "scope": {"fingerprint": fingerprint}}}
        verdict = self._call("POST", VALIDATE_PATH, key=key, read=read, payload=payload, auth=False)
        if verdict.license_id is None:
            return verdict
        try:
            codes = self._call(
                "GET",
                f"/licenses/{_segment(verdict.license_id)}/entitlements",
                key=key,
                read=lambda document: documents.entitlement_codes(document.get("data")),
                params={"limit": "100"},
            )
        except LicenceRefused:
            # A licence that may not be used (suspended, revoked) may not read them either.
            if verdict.valid:
                raise
            return verdict
        return replace(verdict, entitlements=codes)

    def activate(
        self, key: str, license_id: str, fingerprint: str, *, name: str, platform: str
    ) -> Machine:
        """Activate this machine; one already activated (FINGERPRINT_TAKEN) is returned as is.

        MachineLimitExceeded carries the limit Keygen names at the end of its error detail.
        """
        payload = {
            "data": {
                "type": "machines",
                "attributes": {"fingerprint": fingerprint, "name": name, "platform": platform},
                "relationships": {"license": {"data": {"type": "licenses", "id": license_id}}},
            }
        }
        try:
            return self._call("POST", "/machines", key=key, read=_machine, payload=payload)
        except LicenceRefused as refused:
            if refused.code == "FINGERPRINT_TAKEN":
                return self.machine(key, fingerprint)
            raise

    def machine(self, key: str, machine_id_or_fingerprint: str) -> Machine:
        path = f"/machines/{_segment(machine_id_or_fingerprint)}"
        return self._call("GET", path, key=key, read=_machine)

    def ping(self, key: str, machine_id: str) -> Machine:
        """Send the heartbeat the policy requires every ``heartbeat_duration`` seconds."""
        path = f"/machines/{_segment(machine_id)}/actions/ping"
        return self._call("POST", path, key=key, read=_machine)

    def deactivate(self, key: str, machine_id: str) -> None:
        """Remove the machine from the licence, freeing its seat."""
        self._call("DELETE", f"/machines/{_segment(machine_id)}", key=key, read=lambda _: None)

    def check_out(self, key: str, machine_id: str, *, ttl: int) -> str:
        """A machine file (encrypted, with the licence and its entitlements) valid ``ttl`` s;
        read it with ``machine_file.read_machine_file``."""
        path = f"/machines/{_segment(machine_id)}/actions/check-out"
        params = {"encrypt": "true", "ttl": str(ttl), "include": MACHINE_FILE_INCLUDES}

        def read(document: Mapping[str, Any]) -> str:
            attributes = documents.attributes_of(document.get("data"), "the machine file")
            return documents.text(attributes.get("certificate"), "the certificate")

        return self._call("POST", path, key=key, read=read, params=params)

    # -- one exchange ----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        key: str,
        read: Callable[[Mapping[str, Any]], T],
        payload: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        auth: bool = True,
    ) -> T:
        """Send, verify, then ``read`` a success or raise the refusal."""
        request = self._http.build_request(
            method,
            self._prefix + path,
            params=params,
            headers={"Authorization": f"License {key}"} if auth else None,
            content=json.dumps(payload).encode() if payload is not None else None,
        )
        where = request.url.path
        response, body = self._exchange(request)
        verify_answer(
            self._public_key,
            method=method,
            target=request.url.raw_path.decode("ascii"),
            host=request.headers["host"],
            headers=response.headers,
            body=body,
            now=self._clock(),
        )
        try:
            document = _document(body)
            if response.status_code >= 300:
                raise _refusal(response.status_code, document, key)
            return read(document)
        except documents.Malformed as problem:
            raise unverified(
                f"malformed ({problem})", "it is not a Keygen answer", method, where
            ) from None
        except _Mismatch as mismatch:
            raise unverified(mismatch.check, mismatch.what, method, where) from None

    def _exchange(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        deadline = time.monotonic() + self._timeout
        path = request.url.path
        try:
            response = self._http.send(request, stream=True)
            try:
                if response.status_code >= 500 or response.status_code == 429:
                    log.warning("licence server answered %s to %s", response.status_code, path)
                    raise Unreachable(
                        Problem(ProblemCode.LICENCE_BUSY, {"status": response.status_code})
                    )
                return response, self._read(response, deadline)
            finally:
                response.close()
        except httpx.DecodingError:
            raise unverified(
                "encoding", "its body could not be decoded", request.method, path
            ) from None
        except httpx.TransportError as exc:
            log.warning("licence server unreachable for %s: %s", path, type(exc).__name__)
            if isinstance(exc, httpx.TimeoutException):
                silent = Problem(ProblemCode.LICENCE_SILENT, {"wait": Seconds(self._timeout)})
                raise Unreachable(silent) from exc
            raise Unreachable(Problem(ProblemCode.LICENCE_UNREACHABLE)) from exc

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        method, path = response.request.method, response.request.url.path
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise unverified("oversized", "it is far larger than any licence answer", method, path)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise unverified(
                    "oversized", "it is far larger than any licence answer", method, path
                )
            if time.monotonic() > deadline:
                # A trickle resets httpx's per-read timeout forever; this one counts the whole.
                raise httpx.ReadTimeout("the answer took too long", request=response.request)
        return bytes(body)


def _document(body: bytes) -> Mapping[str, Any]:
    """The JSON object of a body; an empty body (204) is an empty document."""
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        raise documents.Malformed("the body is not JSON") from None
    return documents.mapping(parsed, "the body")


def _machine(document: Mapping[str, Any]) -> Machine:
    return documents.machine(document.get("data"))


def _refusal(status: int, document: Mapping[str, Any], key: str) -> LicensingError:
    """The error of a refused request, from Keygen's ``{"errors": [{title, detail, code}]}``."""
    errors = document.get("errors")
    first = documents.mapping(errors[0], "an error") if isinstance(errors, list) and errors else {}
    code = first.get("code") if isinstance(first.get("code"), str) else None
    detail = first.get("detail") or first.get("title")
    detail = detail if isinstance(detail, str) else ""
    if code == "MACHINE_LIMIT_EXCEEDED":
        found = _LIMIT_IN_DETAIL.search(detail)
        return MachineLimitExceeded(int(found.group(1)) if found else None)
    words = " ".join(part for part in (_scrub(detail, key), f"({code})" if code else "") if part)
    refused = Problem(
        _REFUSED_BY_STATUS.get(status, ProblemCode.LICENCE_REFUSED),
        {"status": status, "detail": said(words)},
    )
    return LicenceRefused(refused, code=code, status=status)
