"""The Keygen API routes the app uses, under ``/v1/accounts/{account}`` (no WB or Ozon path
starts so), each answer signed like Keygen's: errors and empty 204s too.

An unknown account is the one unsigned answer, as on Keygen: there is no key to sign it with.
``KeygenWorld.tamper`` spoils every answer after the fact, for the client's verification tests:
"body" appends a byte after signing (an empty body stays empty: a 204 cannot carry one),
"stale-date" dates it ten minutes back, "other-key" signs with a stranger's key, "unsigned"
drops the signature, "wrong-nonce" answers a validation with another nonce (a replayed answer).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from email.utils import format_datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stock_tracker_desktop.licensing.signatures import body_digest, signature_header, signing_data
from stock_tracker_desktop.simulator import keygen_documents as documents
from stock_tracker_desktop.simulator.keygen_records import KeygenError, SimLicence, SimMachine
from stock_tracker_desktop.simulator.keygen_world import KeygenWorld

PREFIX = "/v1/accounts/{account}"
STALE_BY = timedelta(minutes=10)
_STRANGER = Ed25519PrivateKey.generate()


@dataclass(frozen=True)
class Call:
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: Any  # the parsed JSON body, None without one
    authorization: str


# A status and the JSON:API document to sign and send (None: an empty body).
Answer = tuple[int, dict[str, Any] | None]
Handler = Callable[[KeygenWorld, Call], Answer]


def _bad_request(detail: str, pointer: str | None = None) -> KeygenError:
    return KeygenError(400, "Bad request", detail, "PARAMETER_INVALID", pointer)


def _object(value: Any, pointer: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _bad_request("must be an object", pointer)
    return value


def _optional_str(value: Any, pointer: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _bad_request("must be a string", pointer)
    return value


# -- the routes ------------------------------------------------------------------------------


def validate_key(keygen: KeygenWorld, call: Call) -> Answer:
    meta = _object(_object(call.body, "/").get("meta"), "/meta")
    key = meta.get("key")
    if not isinstance(key, str) or not key:
        raise _bad_request("is missing", "/meta/key")
    scope = _object(meta.get("scope"), "/meta/scope")
    fingerprint = _optional_str(scope.get("fingerprint"), "/meta/scope/fingerprint")
    verdict = keygen.validate(key, fingerprint)
    now = keygen.clock()
    answer_meta: dict[str, Any] = {
        "ts": documents.iso(now),
        "valid": verdict.valid,
        "detail": verdict.detail,
        "code": verdict.code,
        "scope": dict(scope),
    }
    if "nonce" in meta:
        answer_meta["nonce"] = meta["nonce"]
    licence = verdict.licence
    data = documents.licence_object(licence, keygen.account_id, now) if licence else None
    return 200, {"meta": answer_meta, "data": data}


def entitlements(keygen: KeygenWorld, call: Call) -> Answer:
    licence = keygen.authenticate(call.authorization)
    keygen.ensure_own_licence(licence, call.params["licence"])
    return 200, documents.entitlements_document(licence, keygen.account_id)


def _machine_answer(
    keygen: KeygenWorld, licence: SimLicence, machine: SimMachine
) -> dict[str, Any]:
    data = documents.machine_object(machine, licence.policy, keygen.account_id, keygen.clock())
    return {"data": data}


def create_machine(keygen: KeygenWorld, call: Call) -> Answer:
    licence = keygen.authenticate(call.authorization)
    data = _object(_object(call.body, "/").get("data"), "/data")
    if data.get("type") != "machines":
        raise _bad_request("must be machines", "/data/type")
    attributes = _object(data.get("attributes"), "/data/attributes")
    relationships = _object(data.get("relationships"), "/data/relationships")
    related_licence = _object(relationships.get("license"), "/data/relationships/license")
    related = _object(related_licence.get("data"), "/data/relationships/license/data")
    machine = keygen.activate(
        licence,
        licence_id=_optional_str(related.get("id"), "/data/relationships/license/data/id"),
        fingerprint=_optional_str(attributes.get("fingerprint"), "/data/attributes/fingerprint"),
        name=_optional_str(attributes.get("name"), "/data/attributes/name"),
        platform=_optional_str(attributes.get("platform"), "/data/attributes/platform"),
    )
    return 201, _machine_answer(keygen, licence, machine)


def get_machine(keygen: KeygenWorld, call: Call) -> Answer:
    licence = keygen.authenticate(call.authorization)
    return 200, _machine_answer(keygen, licence, keygen.machine(licence, call.params["machine"]))


def ping(keygen: KeygenWorld, call: Call) -> Answer:
    licence = keygen.authenticate(call.authorization)
    return 200, _machine_answer(keygen, licence, keygen.ping(licence, call.params["machine"]))


def delete_machine(keygen: KeygenWorld, call: Call) -> Answer:
    licence = keygen.authenticate(call.authorization)
    keygen.deactivate(licence, call.params["machine"])
    return 204, None


def check_out(keygen: KeygenWorld, call: Call) -> Answer:
    """Options come as query parameters or as the body's meta, as Keygen takes them."""
    licence = keygen.authenticate(call.authorization)
    meta = _object(_object(call.body, "/").get("meta"), "/meta")
    ttl_given = call.query.get("ttl", meta.get("ttl", documents.DEFAULT_TTL))
    try:
        ttl = int(ttl_given)
    except (TypeError, ValueError):
        ttl = 0
    if ttl <= 0:
        raise _bad_request("ttl must be a positive number of seconds", "/meta/ttl")
    include = call.query.get("include", meta.get("include", ""))
    asked = include.split(",") if isinstance(include, str) else include
    if not isinstance(asked, list):
        raise _bad_request("include must be a list", "/meta/include")
    # Keygen knows more includes (product, policy, owner...); the app asks for these two.
    includes = {str(part).strip() for part in asked} & set(documents.MACHINE_FILE_INCLUDES)
    machine = keygen.machine(licence, call.params["machine"])
    issued = keygen.clock()
    certificate = keygen.check_out(licence, machine.id, ttl=ttl, includes=includes, issued=issued)
    return 200, documents.machine_file_document(
        certificate, machine, keygen.account_id, issued=issued, ttl=ttl, includes=includes
    )


# -- signing ---------------------------------------------------------------------------------


def _target(request: Request) -> str:
    """The request target as the client sent it (what it signs the answer against)."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    return raw.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")


def signed_answer(
    keygen: KeygenWorld, request: Request, status: int, document: dict[str, Any] | None
) -> Response:
    tamper = keygen.tamper
    meta = document.get("meta") if document else None
    if tamper == "wrong-nonce" and isinstance(meta, dict) and isinstance(meta.get("nonce"), int):
        document = {**(document or {}), "meta": {**meta, "nonce": meta["nonce"] + 1}}
    body = b"" if document is None else json.dumps(document, separators=(",", ":")).encode()
    sent = keygen.clock().astimezone(UTC) - (STALE_BY if tamper == "stale-date" else timedelta())
    headers = {"Date": format_datetime(sent, usegmt=True), "Digest": body_digest(body)}
    data = signing_data(
        method=request.method,
        target=_target(request),
        host=request.headers.get("host", ""),
        date=headers["Date"],
        digest=headers["Digest"],
    )
    if tamper != "unsigned":
        key = _STRANGER if tamper == "other-key" else keygen.signing_key
        headers["Keygen-Signature"] = signature_header(keygen.account_id, key.sign(data))
    if tamper == "body" and body:
        body += b" "
    return Response(
        body, status_code=status, headers=headers, media_type=documents.MEDIA_TYPE if body else None
    )


def _unknown_account() -> Response:
    error = KeygenError(
        404, "Not found", "The requested account was not found", "ACCOUNT_NOT_FOUND"
    )
    body = json.dumps(documents.error_document(error)).encode()
    return Response(body, status_code=404, media_type=documents.MEDIA_TYPE)


async def _call_of(request: Request) -> Call:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise _bad_request("The request data did not contain valid JSON") from None
    return Call(
        params=request.path_params,
        query=request.query_params,
        body=body,
        authorization=request.headers.get("authorization", ""),
    )


def _endpoint(keygen: KeygenWorld, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if request.path_params["account"] not in (keygen.account, keygen.account_id):
            return _unknown_account()
        try:
            status, document = handler(keygen, await _call_of(request))
        except KeygenError as error:
            status, document = error.status, documents.error_document(error)
        return signed_answer(keygen, request, status, document)

    return endpoint


def routes(keygen: KeygenWorld) -> list[Route]:
    def route(path: str, handler: Handler, method: str) -> Route:
        return Route(PREFIX + path, _endpoint(keygen, handler), methods=[method])

    return [
        route("/licenses/actions/validate-key", validate_key, "POST"),
        route("/licenses/{licence}/entitlements", entitlements, "GET"),
        route("/machines", create_machine, "POST"),
        route("/machines/{machine}", get_machine, "GET"),
        route("/machines/{machine}", delete_machine, "DELETE"),
        route("/machines/{machine}/actions/ping", ping, "POST"),
        route("/machines/{machine}/actions/check-out", check_out, "POST"),
    ]
