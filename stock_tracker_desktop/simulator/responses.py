"""Answer bodies shared by the marketplaces: JSON, WB problem+json, Ozon errors."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"


def json_response(
    payload: Any, status: int = 200, media_type: str = "application/json"
) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type=media_type)


def request_id() -> str:
    return uuid.uuid4().hex


def wb_problem(status: int, title: str, detail: str, origin: str) -> Response:
    """WB's problem+json error (title, detail, code, requestId, origin, status, ...)."""
    rid = request_id()
    return json_response(
        {
            "title": title,
            "detail": detail,
            "code": f"{rid[:8]}-{rid[8:20]}-[SIM]",
            "requestId": rid,
            "origin": origin,
            "status": status,
            "statusText": HTTPStatus(status).phrase,
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        status,
        PROBLEM_JSON,
    )


def wb_short_problem(
    status: int, title: str, detail: str, origin: str, media_type: str
) -> Response:
    """The shorter WB error some analytics methods use (title, detail, requestId, origin)."""
    body = {"title": title, "detail": detail, "requestId": request_id(), "origin": origin}
    return json_response(body, status, media_type)


def ozon_error(status: int, code: int, message: str) -> Response:
    """Ozon's error: ``{code, message, details[]}`` (gRPC-style numeric code)."""
    return json_response({"code": code, "message": message, "details": []}, status)
