"""Writing the wide layout into a seller's Google Sheet with a service account.

Three HTTP requests per export whatever the number of rows: the OAuth token (once per exporter),
the spreadsheet's metadata, and one ``batchUpdate`` that backs up, clears and writes the
worksheet (see sheets_requests). Other worksheets are never touched and nothing is ever shared:
the seller shares the spreadsheet with the service account's e-mail as an editor.

The calls block (gspread and google-auth are synchronous): run ``export`` in a worker thread.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from google.auth.exceptions import GoogleAuthError
from google.oauth2 import service_account
from gspread.exceptions import APIError, NoValidUrlKeyFound
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL
from gspread.utils import extract_id_from_url

from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.exporters.sheets_http import SheetsSession, Traffic
from stock_tracker_desktop.exporters.sheets_pacer import SheetsQuota
from stock_tracker_desktop.exporters.sheets_requests import (
    MARKER_KEY,
    Worksheet,
    batch_update_body,
)
from stock_tracker_desktop.exporters.table import ExportTable
from stock_tracker_desktop.exporters.texts import Language, worksheet_title
from stock_tracker_desktop.exporters.wide import wide_grid

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
SPREADSHEET_LINK = "https://docs.google.com/spreadsheets/d/{id}/edit#gid={gid}"
_BARE_ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")
_MAX_TITLE = 100


class SheetsError(RuntimeError):
    """An export that did not happen, said in words a user can act on (never a secret)."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class SheetTarget:
    """A spreadsheet (its id) and the worksheet to write (None: "Остатки"/"Stock")."""

    spreadsheet_id: str
    worksheet: str | None = None

    @classmethod
    def parse(cls, text: str, worksheet: str | None = None) -> SheetTarget:
        """Accept a spreadsheet id or any link to it (``.../spreadsheets/d/<id>/edit#gid=0``)."""
        text = text.strip()
        if _BARE_ID.match(text):
            return cls(text, worksheet or None)
        try:
            return cls(extract_id_from_url(text), worksheet or None)
        except NoValidUrlKeyFound:
            raise SheetsError(
                f"{text[:80]!r} is neither a Google Sheets link nor a spreadsheet id"
            ) from None


@dataclass(frozen=True, slots=True)
class SheetResult:
    spreadsheet_id: str
    spreadsheet_title: str
    worksheet: str
    url: str
    products: int
    columns: int
    created: bool
    backup: str | None
    requests: int
    retries: int
    payload_bytes: int


def _account(service_account_json: str) -> dict[str, Any]:
    try:
        info = json.loads(service_account_json)
    except ValueError:
        raise SheetsError("the Google service-account key is not JSON") from None
    if not isinstance(info, dict) or not info.get("client_email") or not info.get("private_key"):
        raise SheetsError("the Google service-account key lacks client_email or private_key")
    return {"token_uri": GOOGLE_TOKEN_URI, **info}


class SheetsExporter:
    """Exports under one service account. Holds its key only as long as the object lives."""

    def __init__(
        self,
        service_account_json: str,
        *,
        base_url: str | None = None,
        quota: SheetsQuota | None = None,
    ) -> None:
        info = _account(service_account_json)
        self.account: str = info["client_email"]
        self.base_url = base_url
        self.quota = quota or SheetsQuota()
        try:
            self._credentials = service_account.Credentials.from_service_account_info(
                info, scopes=[SHEETS_SCOPE]
            )
        except (ValueError, GoogleAuthError):
            raise SheetsError("the Google service-account key cannot be read") from None

    def __repr__(self) -> str:
        return f"SheetsExporter(account={self.account!r})"

    def _client(self) -> tuple[HTTPClient, Traffic]:
        traffic = Traffic(self.account, self.quota, self.base_url)
        return HTTPClient(None, session=SheetsSession(self._credentials, traffic)), traffic  # type: ignore[arg-type]

    def check_access(self, target: SheetTarget) -> str:
        """The spreadsheet's title when the service account may open it (the "Test access"
        button); SheetsError otherwise."""
        client, _ = self._client()
        return self._metadata(client, target)["properties"]["title"]

    def export(self, target: SheetTarget, table: ExportTable, language: Language) -> SheetResult:
        client, traffic = self._client()
        metadata = self._metadata(client, target)
        title = target.worksheet or worksheet_title(language)
        sheets = metadata.get("sheets", [])
        found = next((s for s in sheets if s["properties"]["title"] == title), None)
        if found is None:
            taken = {s["properties"]["sheetId"] for s in sheets}
            sheet = Worksheet(max(taken, default=0) + 1, len(sheets), marked=False)
            backup = None
        else:
            props = found["properties"]
            marked = any(
                m.get("metadataKey") == MARKER_KEY for m in found.get("developerMetadata", [])
            )
            sheet = Worksheet(props["sheetId"], props.get("index", 0), marked)
            titles = {s["properties"]["title"] for s in sheets}
            backup = None if marked else _backup_title(title, titles, language)
        grid = wide_grid(table, language)
        body = batch_update_body(
            grid, sheet, title=title, exists=found is not None, backup_title=backup
        )
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        self._call(
            target,
            "write",
            lambda: client.request(
                "post",
                SPREADSHEET_BATCH_UPDATE_URL % target.spreadsheet_id,
                data=payload,
                headers={"Content-Type": "application/json; charset=utf-8"},
            ),
        )
        return SheetResult(
            spreadsheet_id=target.spreadsheet_id,
            spreadsheet_title=metadata["properties"]["title"],
            worksheet=title,
            url=SPREADSHEET_LINK.format(id=target.spreadsheet_id, gid=sheet.sheet_id),
            products=len(table.products),
            columns=grid.width,
            created=found is None,
            backup=backup,
            requests=traffic.requests,
            retries=traffic.retries,
            payload_bytes=len(payload),
        )

    def _metadata(self, client: HTTPClient, target: SheetTarget) -> dict[str, Any]:
        return self._call(
            target, "read", lambda: client.fetch_sheet_metadata(target.spreadsheet_id)
        )

    def _call(self, target: SheetTarget, stage: str, call: Any) -> Any:
        try:
            return call()
        except APIError as error:
            raise _explain(error, stage, self.account, target) from None
        except GoogleAuthError as error:
            reason = str(error.args[0]) if error.args else type(error).__name__
            raise SheetsError(
                f"Google refused the key of service account {self.account} ({reason[:200]});"
                " it may have been deleted or disabled: create a new key"
            ) from None
        except requests.RequestException as error:
            raise SheetsError(
                f"cannot reach Google Sheets ({type(error).__name__})", retryable=True
            ) from None


def _backup_title(title: str, titles: set[str], language: Language) -> str:
    word = "копия" if language == "ru" else "backup"
    stamp = datetime.now(MOSCOW).strftime("%Y-%m-%d %H:%M")
    base = f"{title} ({word} {stamp})"[:_MAX_TITLE]
    candidate, n = base, 1
    while candidate in titles:
        n += 1
        candidate = f"{base[: _MAX_TITLE - 4]} {n}"
    return candidate


def _explain(error: APIError, stage: str, account: str, target: SheetTarget) -> SheetsError:
    code = error.code if isinstance(error.code, int) else error.response.status_code
    message = str(error.error.get("message", ""))[:300]
    sheet = target.spreadsheet_id
    disabled = "has not been used" in message or "SERVICE_DISABLED" in str(error.error)
    if code == 403 and disabled:
        return SheetsError(
            f"the Google Sheets API is not enabled in the Cloud project of {account}: enable it"
            " in the Google Cloud console, then try again"
        )
    if code == 403 and stage == "read":
        return SheetsError(
            f"the spreadsheet {sheet} is not shared with the service account: share it with"
            f" {account} as an editor"
        )
    if code == 403:
        return SheetsError(
            f"the service account may read the spreadsheet {sheet} but not edit it: share it"
            f" with {account} as an editor"
        )
    if code == 404:
        return SheetsError(f"there is no spreadsheet {sheet}: check the link")
    if code == 429 or code >= 500:
        return SheetsError(
            f"Google Sheets kept answering {code} ({message}) after retries; the export will be"
            " tried again at the next run",
            retryable=True,
        )
    return SheetsError(f"Google Sheets refused the export ({code}: {message})")
