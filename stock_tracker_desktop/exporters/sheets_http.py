"""HTTP to Google for the Sheets exporter: routing, pacing, retries and counting, in one place.

Every exchange, the token request included, passes through ``send`` of the sessions below, so:
- a base URL can replace Google's hosts (a local fake in tests and benchmarks);
- Sheets calls wait for a slot of the service account's process-wide quota pacer;
- 429 and 5xx answers are retried with exponential backoff; the backoff sums to more than
  Google's one-minute quota window, so a request refused for quota gets through once it frees;
- the exchanges are counted, for results and benchmarks.
"""

from __future__ import annotations

import random
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession, Request

from stock_tracker_desktop.exporters.sheets_pacer import SheetsQuota, pacer_for

SHEETS_HOST = "https://sheets.googleapis.com"
GOOGLE_HOSTS = (SHEETS_HOST, "https://www.googleapis.com", "https://oauth2.googleapis.com")
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 7
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 32.0
TIMEOUT = 120.0


@dataclass
class Traffic:
    """Where requests go, how they are paced and retried, and what happened to them."""

    account: str
    quota: SheetsQuota
    base_url: str | None = None
    requests: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def route(self, url: str) -> str:
        if self.base_url:
            for host in GOOGLE_HOSTS:
                if url.startswith(host):
                    return self.base_url.rstrip("/") + url[len(host) :]
        return url

    def slot(self, method: str, url: str) -> AbstractContextManager[None]:
        """The quota slot a request must hold: Sheets reads and writes have separate quotas."""
        if not url.startswith(SHEETS_HOST):
            return nullcontext()
        kind = "read" if method.upper() == "GET" else "write"
        return pacer_for(self.account, kind, self.quota).slot()

    def backoff(self, attempt: int) -> float:
        delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2**attempt) * self.quota.time_factor
        return delay * (0.75 + random.random() / 2)  # noqa: S311 - jitter, not a secret

    def record(self, *, retried: bool) -> None:
        with self._lock:
            self.requests += 1
            self.retries += int(retried)


class _Routed(requests.Session):
    """``send`` with routing, pacing, retries and counting (mixed into both sessions)."""

    traffic: Traffic

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        original = request.url or ""
        request.url = self.traffic.route(original)
        kwargs.setdefault("timeout", TIMEOUT)
        attempt = 0
        while True:
            with self.traffic.slot(request.method or "GET", original):
                response = super().send(request, **kwargs)
            retry = response.status_code in RETRIED_STATUSES and attempt + 1 < MAX_ATTEMPTS
            self.traffic.record(retried=retry)
            if not retry:
                return response
            response.close()
            time.sleep(self.traffic.backoff(attempt))
            attempt += 1


class TokenSession(_Routed):
    def __init__(self, traffic: Traffic) -> None:
        super().__init__()
        self.traffic = traffic


class SheetsSession(_Routed, AuthorizedSession):
    """An authorised session whose token requests go through a routed session too."""

    def __init__(self, credentials: Credentials, traffic: Traffic) -> None:
        self.traffic = traffic
        AuthorizedSession.__init__(
            self, credentials, auth_request=Request(session=TokenSession(traffic))
        )
