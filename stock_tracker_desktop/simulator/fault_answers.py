"""What each injected fault answers, in the dialect of the marketplace the path belongs to."""

from __future__ import annotations

import re

from starlette.responses import Response

from stock_tracker_desktop.simulator.faults import Fault, FaultKind
from stock_tracker_desktop.simulator.responses import json_response, ozon_error, wb_problem

_OZON_PATH = re.compile(r"^/v\d+/")


def is_ozon_path(path: str) -> bool:
    return bool(_OZON_PATH.match(path))


def fault_answer(fault: Fault, path: str) -> Response | None:
    """The replacement answer, or None when the real handler must still run."""
    ozon = is_ozon_path(path)
    if fault.kind is FaultKind.SERVER_ERROR:
        # A burst alternates 503 and 500, as overloaded marketplaces do.
        status = 503 if fault.count % 2 == 0 else 500
        if ozon:
            return ozon_error(status, 14 if status == 503 else 13, "internal error")
        return wb_problem(status, "internal server error", "try again later", "sim-gateway")
    if fault.kind is FaultKind.TIMEOUT:
        return wb_problem(504, "gateway timeout", "upstream timed out", "sim-gateway")
    if fault.kind is FaultKind.RETIRED:
        if ozon:
            return ozon_error(404, 5, "Not Found")
        return wb_problem(404, "not found", "the method is switched off", "sim-gateway")
    if fault.kind is FaultKind.RATE_LIMITED:
        return _rate_limited(fault, ozon)
    if fault.kind is FaultKind.MALFORMED:
        # An array of strings is the wrong shape for every served method.
        return json_response(["malformed"])
    return None


def _rate_limited(fault: Fault, ozon: bool) -> Response:
    if ozon:
        answer = ozon_error(429, 8, "You have reached request rate limit per second")
    else:
        answer = wb_problem(429, "too many requests", "limited by the fault", "sim-gateway")
    advice = {"Retry-After": fault.retry_after, "X-Ratelimit-Retry": fault.ratelimit_retry}
    for header, value in advice.items():
        if value is not None:
            answer.headers[header] = value
    return answer
