"""Validate HTTP exchanges against the marketplaces' official OpenAPI specs (openapi-core).

The vendor files are not strictly valid OpenAPI, so each is prepared once per process:
spec validation is off, Ozon's placeholder ``pattern: " YYYY-..."`` strings are dropped, and
every file gets one root server (WB paths carry per-path servers, Ozon's is ``//api-seller...``)
so that a request is matched by its path alone.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

# The vendors' files, vendored beside the tests (tests/specs/SOURCES.md says where each came
# from); STOCK_TRACKER_SPECS_DIR points at a newer set when one is being tried.
SPEC_DIR = Path(
    os.environ.get("STOCK_TRACKER_SPECS_DIR") or Path(__file__).resolve().parent / "specs"
)
# The legacy WB reports file repeats paths of wb-reports.yaml, so it is left out.
SPEC_FILES: tuple[str, ...] = (
    "wb-general.yaml",
    "wb-products.yaml",
    "wb-analytics.yaml",
    "wb-reports.yaml",
    "ozon-seller.json",
    # Ozon operations newer than ozon-seller.json (/v2/product/info/stocks-by-warehouse/fbs).
    "ozon-seller-2026-09-additions.json",
)
HOST = "http://simulator"
_HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def _strip_placeholders(node: Any) -> Any:
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and ("YYYY" in pattern or pattern.startswith(" ")):
            node.pop("pattern")
        for value in node.values():
            _strip_placeholders(value)
    elif isinstance(node, list):
        for value in node:
            _strip_placeholders(value)
    return node


@functools.cache
def _load(name: str) -> dict[str, Any]:
    text = (SPEC_DIR / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        spec = json.loads(text)
    else:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        spec = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    spec["servers"] = [{"url": HOST}]
    for item in spec["paths"].values():
        item.pop("servers", None)
    if spec.get("info", {}).get("contact", "") is None:
        spec["info"].pop("contact")
    return _strip_placeholders(spec)


@functools.cache
def _openapi(name: str) -> OpenAPI:
    # openapi-core parses only application/json by itself; WB errors are problem+json.
    config = Config(
        spec_validator_cls=None,
        extra_media_type_deserializers={"application/problem+json": json.loads},
    )
    return OpenAPI.from_dict(_load(name), config=config)


@functools.cache
def _path_index(
    files: tuple[str, ...] = SPEC_FILES,
) -> list[tuple[re.Pattern[str], str, str, frozenset[str]]]:
    index = []
    for name in files:
        for template, item in _load(name)["paths"].items():
            regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            methods = frozenset(m for m in item if m in _HTTP_METHODS)
            index.append((re.compile(f"^{regex}$"), name, template, methods))
    return index


def _match(path: str, method: str, files: tuple[str, ...] = SPEC_FILES) -> tuple[str, str] | None:
    for regex, name, template, methods in _path_index(files):
        if method.lower() in methods and regex.match(path):
            return name, template
    return None


def spec_for(path: str, method: str, files: tuple[str, ...] = SPEC_FILES) -> str | None:
    """The spec file that describes this operation, or None (``files``: where to look)."""
    found = _match(path, method, files)
    return found[0] if found else None


def _operation_template(path: str, method: str, files: tuple[str, ...]) -> str | None:
    found = _match(path, method, files)
    return found[1] if found else None


@dataclass
class _Request:
    path: str
    method: str
    parameters: RequestParameters
    content_type: str
    body: bytes | None
    host_url: str = HOST

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


@dataclass
class _Response:
    status_code: int
    content_type: str
    data: bytes | None
    headers: Headers = field(default_factory=Headers)


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, in plain terms (build it from httpx or starlette objects)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes


@dataclass
class Violations:
    request: list[str]
    response: list[str]

    def __bool__(self) -> bool:
        return bool(self.request or self.response)


def _describe(error: Exception) -> str:
    parts = [f"{type(error).__name__}: {error}"]
    for nested in getattr(error, "schema_errors", None) or ():
        parts.append(f"  - {getattr(nested, 'message', nested)}")
    if error.__cause__ is not None:
        parts.append(f"  cause: {error.__cause__}")
    return "\n".join(parts)


def validate_exchange(
    exchange: Exchange,
    *,
    allow_undeclared: frozenset[int] = frozenset(),
    check_response: bool = True,
    spec_files: tuple[str, ...] = SPEC_FILES,
) -> Violations:
    """Check a request and its answer against the operation the path belongs to.

    ``allow_undeclared``: statuses the marketplace really sends although the operation does not
    list them (Ozon's 429); such answers are not checked. ``check_response=False`` checks the
    request alone (e.g. for answers broken on purpose). ``spec_files``: the specs to look the
    operation up in (the marketplaces' by default; tests/fake_sheets.py passes Google's).
    """
    name = spec_for(exchange.path, exchange.method, spec_files)
    if name is None:
        return Violations([f"{exchange.method} {exchange.path}: no operation in {spec_files}"], [])
    api = _openapi(name)
    headers = Headers(list(exchange.request_headers.items()))
    request = _Request(
        path=exchange.path,
        method=exchange.method.lower(),
        parameters=RequestParameters(query=ImmutableMultiDict(exchange.query), header=headers),
        content_type=headers.get("content-type", "").lower(),
        body=exchange.request_body or None,
    )
    request_errors = [_describe(e) for e in api.unmarshal_request(request).errors]
    response_errors: list[str] = []
    declared = _declared_statuses(name, exchange, spec_files)
    if check_response and (
        exchange.status in declared
        or "default" in declared
        or exchange.status not in allow_undeclared
    ):
        response = _Response(
            status_code=exchange.status,
            content_type=exchange.response_headers.get("content-type", "").split(";")[0].lower(),
            data=exchange.response_body,
            headers=Headers(list(exchange.response_headers.items())),
        )
        response_errors = [_describe(e) for e in api.unmarshal_response(request, response).errors]
    label = f"{exchange.method} {exchange.path} -> {exchange.status} ({name})"
    return Violations(
        [f"{label} request: {e}" for e in request_errors],
        [f"{label} response: {e}" for e in response_errors],
    )


def _declared_statuses(name: str, exchange: Exchange, files: tuple[str, ...]) -> set[Any]:
    template = _operation_template(exchange.path, exchange.method, files)
    operation = _load(name)["paths"][template].get(exchange.method.lower(), {}) if template else {}
    return {int(k) if str(k).isdigit() else k for k in operation.get("responses", {})}
