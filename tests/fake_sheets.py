"""A local Google: the OAuth token endpoint and the part of Sheets API v4 the exporter uses.

- ``POST /token``: the service-account JWT bearer grant; the JWT's RS256 signature is checked
  with the public key of the account it names (``FakeGoogle.add_account`` makes the key pair).
- ``GET /v4/spreadsheets/{id}``, ``POST /v4/spreadsheets/{id}:batchUpdate`` (applied to an
  in-memory grid, atomically) and ``GET /v4/spreadsheets/{id}/values/{range}``.
- Every Sheets request and answer is validated against specs/google-sheets-v4.json; an invalid
  request gets Google's 400, and every violation fails the test at teardown. openapi-core takes
  minutes over 200,000 cells and about a second over any batchUpdate, so a batchUpdate is
  validated request by request, an updateCells through one exemplar per distinct cell shape
  (numbers and free text abstracted, enums kept), and verdicts are remembered per shape.
- Per-user quotas (reads and writes, 60 per minute each, the minute scaled by ``time_factor``)
  answered with Google's 429; permissions per service account with Google's 403 body.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.marketplaces.servers import serve
from tests.spec_conformance import Exchange, validate_exchange

Json = dict[str, Any]
SHEETS_SPEC = ("google-sheets-v4.json",)
TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
GOOGLE_ERRORS = frozenset({400, 401, 403, 404, 429, 500, 503})


def _validate(exchange: Exchange, **options: Any) -> Any:
    # openapi-core cannot check OAuth2 schemes and warns on every request; the fake checks tokens.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Unsupported scheme type", category=UserWarning)
        return validate_exchange(exchange, spec_files=SHEETS_SPEC, **options)


def google_error(code: int, message: str, status: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "status": status}}, code)


class Refusal(Exception):
    def __init__(self, code: int, message: str, status: str) -> None:
        super().__init__(message)
        self.response = google_error(code, message, status)


def _invalid(message: str) -> Refusal:
    return Refusal(400, message, "INVALID_ARGUMENT")


# ----- the in-memory spreadsheets -----------------------------------------------------------


@dataclass
class FakeSheet:
    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    columns: int = 26
    frozen_rows: int = 0
    frozen_columns: int = 0
    cells: dict[tuple[int, int], Json] = field(default_factory=dict)
    merges: list[Json] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    metadata: list[Json] = field(default_factory=list)

    def value(self, row: int, column: int) -> Any:
        """The typed value of a cell (None when empty), as UNFORMATTED_VALUE gives it."""
        entered = self.cells.get((row, column), {}).get("userEnteredValue")
        return next(iter(entered.values())) if entered else None

    def format(self, row: int, column: int) -> Json:
        return self.cells.get((row, column), {}).get("userEnteredFormat", {})

    def grid(self) -> list[list[Any]]:
        """Every cell's typed value, ``rows`` x ``columns``."""
        return [[self.value(r, c) for c in range(self.columns)] for r in range(self.rows)]

    def properties(self) -> Json:
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": {
                "rowCount": self.rows,
                "columnCount": self.columns,
                "frozenRowCount": self.frozen_rows,
                "frozenColumnCount": self.frozen_columns,
            },
        }

    def as_json(self) -> Json:
        found: Json = {"properties": self.properties()}
        if self.merges:
            found["merges"] = self.merges
        if self.metadata:
            found["developerMetadata"] = self.metadata
        return found


@dataclass
class FakeSpreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[FakeSheet]
    shared: dict[str, str]  # e-mail -> "reader" | "writer"

    def sheet(self, title: str) -> FakeSheet:
        return next(s for s in self.sheets if s.title == title)

    def by_id(self, sheet_id: int) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise _invalid(f"No grid with id: {sheet_id}")

    def as_json(self) -> Json:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {"title": self.title, "locale": "ru_RU", "timeZone": "Europe/Moscow"},
            "sheets": [s.as_json() for s in sorted(self.sheets, key=lambda s: s.index)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }


def _bounds(sheet: FakeSheet, grid_range: Json) -> tuple[int, int, int, int]:
    bounds = (
        grid_range.get("startRowIndex", 0),
        grid_range.get("endRowIndex", sheet.rows),
        grid_range.get("startColumnIndex", 0),
        grid_range.get("endColumnIndex", sheet.columns),
    )
    if bounds[1] > sheet.rows or bounds[3] > sheet.columns:
        raise _invalid(f"Range ({sheet.title}) exceeds grid limits. Max rows: {sheet.rows}")
    return bounds


def _set_fields(cell: Json, source: Json, fields: str) -> Json:
    """Apply a field mask ("*", "a,b" or "a.b") from ``source`` onto ``cell``."""
    if fields == "*":
        return copy.deepcopy(source)
    result = copy.deepcopy(cell)
    for path in fields.split(","):
        head, _, tail = path.strip().partition(".")
        if not tail:
            if head in source:
                result[head] = copy.deepcopy(source[head])
            else:
                result.pop(head, None)
            continue
        inner = dict(result.get(head, {}))
        if tail in source.get(head, {}):
            inner[tail] = copy.deepcopy(source[head][tail])
        else:
            inner.pop(tail, None)
        result[head] = inner
    return {k: v for k, v in result.items() if v}


def _store(sheet: FakeSheet, row: int, column: int, cell: Json) -> None:
    if cell:
        sheet.cells[(row, column)] = cell
    else:
        sheet.cells.pop((row, column), None)


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


class Applier:
    """Applies batchUpdate requests to a copy of a spreadsheet, as Google would."""

    def __init__(self, book: FakeSpreadsheet) -> None:
        self.book = book

    def apply(self, request: Json) -> Json:
        (kind, body), *_ = request.items()
        handler = getattr(self, f"_{kind}", None)
        if handler is None:
            raise _invalid(f"the fake does not implement {kind}")
        return handler(body) or {}

    def _addSheet(self, body: Json) -> Json:
        props = body.get("properties", {})
        title = props.get("title") or f"Sheet{len(self.book.sheets) + 1}"
        if any(s.title == title for s in self.book.sheets):
            raise _invalid(f'A sheet with the name "{title}" already exists.')
        sheet_id = props.get("sheetId", max((s.sheet_id for s in self.book.sheets), default=0) + 1)
        if any(s.sheet_id == sheet_id for s in self.book.sheets):
            raise _invalid(f"Duplicate sheet id: {sheet_id}")
        grid = props.get("gridProperties", {})
        sheet = FakeSheet(
            sheet_id,
            title,
            props.get("index", len(self.book.sheets)),
            rows=grid.get("rowCount", 1000),
            columns=grid.get("columnCount", 26),
            frozen_rows=grid.get("frozenRowCount", 0),
        )
        self._insert(sheet)
        return {"addSheet": {"properties": sheet.properties()}}

    def _insert(self, sheet: FakeSheet) -> None:
        for other in self.book.sheets:
            if other.index >= sheet.index:
                other.index += 1
        self.book.sheets.append(sheet)

    def _duplicateSheet(self, body: Json) -> Json:
        source = self.book.by_id(body["sourceSheetId"])
        title = body.get("newSheetName") or f"Copy of {source.title}"
        if any(s.title == title for s in self.book.sheets):
            raise _invalid(f'A sheet with the name "{title}" already exists.')
        copied = copy.deepcopy(source)
        copied.sheet_id = max(s.sheet_id for s in self.book.sheets) + 1
        copied.title = title
        copied.index = body.get("insertSheetIndex", len(self.book.sheets))
        self._insert(copied)
        return {"duplicateSheet": {"properties": copied.properties()}}

    def _deleteSheet(self, body: Json) -> None:
        self.book.sheets.remove(self.book.by_id(body["sheetId"]))

    def _unmergeCells(self, body: Json) -> None:
        sheet = self.book.by_id(body["range"]["sheetId"])
        area = _bounds(sheet, body["range"])
        sheet.merges = [m for m in sheet.merges if not _overlaps(area, _bounds(sheet, m))]

    def _mergeCells(self, body: Json) -> None:
        sheet = self.book.by_id(body["range"]["sheetId"])
        area = _bounds(sheet, body["range"])
        if any(_overlaps(area, _bounds(sheet, m)) for m in sheet.merges):
            raise _invalid("You can't merge cells that overlap an existing merge.")
        if area[0] < sheet.frozen_rows < area[1]:
            raise _invalid("You can't merge frozen and non-frozen rows.")
        sheet.merges.append(dict(body["range"]))

    def _updateCells(self, body: Json) -> None:
        fields = body["fields"]
        if "range" in body:
            sheet = self.book.by_id(body["range"]["sheetId"])
            top, bottom, left, right = _bounds(sheet, body["range"])
        else:
            sheet = self.book.by_id(body["start"]["sheetId"])
            top, left = body["start"].get("rowIndex", 0), body["start"].get("columnIndex", 0)
            bottom, right = sheet.rows, sheet.columns
        rows = body.get("rows")
        if rows is None:
            for (r, c), cell in list(sheet.cells.items()):
                if top <= r < bottom and left <= c < right:
                    _store(sheet, r, c, _set_fields(cell, {}, fields) if fields != "*" else {})
            return
        if top + len(rows) > bottom or any(
            left + len(row.get("values", [])) > right for row in rows
        ):
            raise _invalid(f"Range ({sheet.title}) exceeds grid limits.")
        for r, row in enumerate(rows, start=top):
            for c, cell in enumerate(row.get("values", []), start=left):
                _store(sheet, r, c, _set_fields(sheet.cells.get((r, c), {}), cell, fields))

    def _repeatCell(self, body: Json) -> None:
        sheet = self.book.by_id(body["range"]["sheetId"])
        top, bottom, left, right = _bounds(sheet, body["range"])
        for r in range(top, bottom):
            for c in range(left, right):
                current = sheet.cells.get((r, c), {})
                _store(sheet, r, c, _set_fields(current, body["cell"], body["fields"]))

    def _updateSheetProperties(self, body: Json) -> None:
        props = body["properties"]
        sheet = self.book.by_id(props["sheetId"])
        grid = props.get("gridProperties", {})
        fields = body["fields"]
        if "title" in fields.split(","):
            sheet.title = props["title"]
        for key, attribute in (
            ("rowCount", "rows"),
            ("columnCount", "columns"),
            ("frozenRowCount", "frozen_rows"),
            ("frozenColumnCount", "frozen_columns"),
        ):
            if key in fields or fields == "*":
                setattr(sheet, attribute, grid.get(key, 0))
        if sheet.frozen_rows >= sheet.rows:
            raise _invalid("You can't freeze all visible rows on the sheet.")
        for m in sheet.merges:
            if m.get("startRowIndex", 0) < sheet.frozen_rows < m.get("endRowIndex", sheet.rows):
                raise _invalid("You can't freeze rows which contain only part of a merged cell.")
        sheet.cells = {
            k: v for k, v in sheet.cells.items() if k[0] < sheet.rows and k[1] < sheet.columns
        }
        sheet.widths = {c: w for c, w in sheet.widths.items() if c < sheet.columns}

    def _updateDimensionProperties(self, body: Json) -> None:
        grid_range = body["range"]
        sheet = self.book.by_id(grid_range["sheetId"])
        if grid_range["dimension"] == "COLUMNS":
            for c in range(grid_range.get("startIndex", 0), grid_range["endIndex"]):
                sheet.widths[c] = body["properties"]["pixelSize"]

    def _createDeveloperMetadata(self, body: Json) -> Json:
        found = dict(body["developerMetadata"])
        sheet = self.book.by_id(found["location"]["sheetId"])
        found["metadataId"] = secrets.randbelow(2**31)
        found["location"] = {"locationType": "SHEET", "sheetId": sheet.sheet_id}
        sheet.metadata.append(found)
        return {"createDeveloperMetadata": {"developerMetadata": found}}


# ----- validation ---------------------------------------------------------------------------


def _shape(node: Any, key: str = "") -> Any:
    """The structure of a JSON value with numbers and free text abstracted (enums kept)."""
    if isinstance(node, dict):
        return tuple(sorted((k, _shape(v, k)) for k, v in node.items()))
    if isinstance(node, list):
        return tuple(_shape(v, key) for v in node)
    if isinstance(node, bool):
        return node
    if isinstance(node, int | float):
        return type(node).__name__
    if isinstance(node, str) and key in ("stringValue", "formulaValue", "note", "title"):
        return "text"
    return node


def _exemplars(rows: list[Json]) -> list[Json]:
    """One row holding one cell of each distinct shape (in a stable order)."""
    found: dict[Any, Json] = {}
    for row in rows:
        for cell in row.get("values", []):
            found.setdefault(_shape(cell), cell)
    return [{"values": [found[k] for k in sorted(found, key=repr)]}]


def _pieces(body: Json) -> list[Json]:
    """A batchUpdate body as one body per request, each updateCells cut to its exemplars."""
    rest = {k: v for k, v in body.items() if k != "requests"}
    pieces = []
    for request in body.get("requests", []):
        rows = request.get("updateCells", {}).get("rows")
        if rows:
            request = {"updateCells": {**request["updateCells"], "rows": _exemplars(rows)}}
        pieces.append({**rest, "requests": [request]})
    return pieces or [body]


# openapi-core takes about a second over a batchUpdate body (the Request schema is huge), so
# verdicts are kept per shape, process-wide: requests of the same shape validate alike.
_verdicts: dict[Any, list[str]] = {}
_verdicts_lock = threading.Lock()


def _operation(path: str) -> str:
    return re.sub(r"^/v4/spreadsheets/[^/:]+", "/v4/spreadsheets/ID", path)


# ----- the server ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    status: int
    account: str
    kind: str  # "token", "read" or "write"
    at: float


class FakeGoogle:
    """State and behaviour of the fake; ``app`` is the ASGI application serving it."""

    def __init__(self, *, time_factor: float = 1.0, per_minute: int = 60) -> None:
        self.window = 60.0 * time_factor
        self.per_minute = per_minute
        self.keys: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}
        self.books: dict[str, FakeSpreadsheet] = {}
        self.log: list[Logged] = []
        self.violations: list[str] = []
        self.faults: deque[int] = deque()
        self._quota: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.RLock()
        self.app = Starlette(
            routes=[
                Route("/token", self._token, methods=["POST"]),
                Route("/v4/spreadsheets/{rest:path}", self._sheets, methods=["GET", "POST"]),
            ]
        )

    # -- set-up helpers for tests --

    def add_account(self, email: str) -> str:
        """A service account the fake trusts; returns its JSON key, as Google issues it."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys[email] = key.public_key()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return json.dumps(
            {
                "type": "service_account",
                "project_id": "stock-tracker-tests",
                "private_key_id": secrets.token_hex(20),
                "private_key": pem,
                "client_email": email,
                "client_id": "1" * 21,
                "token_uri": TOKEN_AUDIENCE,
            }
        )

    def add_spreadsheet(
        self, title: str, *, shared: dict[str, str] | None = None, sheets: tuple[str, ...] = ()
    ) -> str:
        spreadsheet_id = secrets.token_urlsafe(33)
        titles = sheets or ("Sheet1",)
        book = FakeSpreadsheet(
            spreadsheet_id,
            title,
            [FakeSheet(i * 7 + 11, t, i) for i, t in enumerate(titles)],
            dict(shared or {}),
        )
        self.books[spreadsheet_id] = book
        return spreadsheet_id

    def book(self, spreadsheet_id: str) -> FakeSpreadsheet:
        return self.books[spreadsheet_id]

    def requests(self, kind: str | None = None) -> list[Logged]:
        return [e for e in self.log if kind is None or e.kind == kind]

    def busiest_window(self, account: str, kind: str) -> int:
        """The most requests of one account and kind that arrived within one quota window."""
        times = sorted(e.at for e in self.log if e.account == account and e.kind == kind)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while times[start] <= moment - self.window:
                start += 1
            best = max(best, end - start + 1)
        return best

    # -- token endpoint --

    async def _token(self, request: Request) -> Response:
        form = parse_qs((await request.body()).decode())
        refused = JSONResponse(
            {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, 400
        )
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return JSONResponse({"error": "unsupported_grant_type"}, 400)
        assertion = form.get("assertion", [""])[0]
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            key = self.keys.get(claims.get("iss", ""))
            if key is None:
                return refused
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=TOKEN_AUDIENCE)
        except jwt.PyJWTError:
            return refused
        if SHEETS_SCOPE not in claims.get("scope", "").split():
            return JSONResponse({"error": "invalid_scope"}, 400)
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.tokens[token] = claims["iss"]
            self.log.append(Logged("POST", "/token", 200, claims["iss"], "token", time.time()))
        return JSONResponse({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    # -- Sheets API --

    async def _sheets(self, request: Request) -> Response:
        body = await request.body()
        kind = "read" if request.method == "GET" else "write"
        account = ""
        try:
            account = self._authenticate(request)
            self._check_quota(account, kind)
            if self.faults:
                status = self.faults.popleft()
                raise Refusal(status, "The service is currently unavailable.", "UNAVAILABLE")
            self._validate_request(request, body)
            response = self._route(request, body, account)
        except Refusal as refusal:
            response = refusal.response
        with self._lock:
            self.log.append(
                Logged(
                    request.method,
                    request.url.path,
                    response.status_code,
                    account,
                    kind,
                    time.time(),
                )
            )
        self._validate_response(request, body, response)
        return response

    def _authenticate(self, request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        account = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if account is None:
            raise Refusal(
                401,
                "Request is missing required authentication credential.",
                "UNAUTHENTICATED",
            )
        return account

    def _check_quota(self, account: str, kind: str) -> None:
        now = time.monotonic()
        with self._lock:
            stamps = self._quota.setdefault((account, kind), deque())
            while stamps and stamps[0] <= now - self.window:
                stamps.popleft()
            if len(stamps) >= self.per_minute:
                metric = "Read requests" if kind == "read" else "Write requests"
                raise Refusal(
                    429,
                    f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute"
                    " per user' of service 'sheets.googleapis.com' for consumer"
                    " 'project_number:0'.",
                    "RESOURCE_EXHAUSTED",
                )
            stamps.append(now)

    @staticmethod
    def _exchange(request: Request, body: bytes, response: Response | None) -> Exchange:
        return Exchange(
            method=request.method,
            path=request.url.path,
            query=list(request.query_params.multi_items()),
            request_headers=dict(request.headers),
            request_body=body,
            status=response.status_code if response else 200,
            response_headers=dict(response.headers) if response else {},
            response_body=bytes(response.body) if response else b"",
        )

    @staticmethod
    def _bodies(request: Request, body: bytes) -> list[bytes]:
        if not body:
            return [body]
        return [json.dumps(piece).encode() for piece in _pieces(json.loads(body))]

    def _verdict(self, key: Any, check: Callable[[], list[str]]) -> list[str]:
        with _verdicts_lock:
            if key not in _verdicts:
                _verdicts[key] = check()
            return _verdicts[key]

    def _validate_request(self, request: Request, body: bytes) -> None:
        found: list[str] = []
        query = tuple(sorted(request.query_params.multi_items()))
        for piece in self._bodies(request, body):
            key = (
                "request",
                request.method,
                _operation(request.url.path),
                query,
                _shape(json.loads(piece) if piece else None),
            )
            exchange = self._exchange(request, piece, None)
            found += self._verdict(
                key, lambda e=exchange: _validate(e, check_response=False).request
            )
        if found:
            with self._lock:
                self.violations.extend(found)
            raise _invalid("; ".join(found)[:2000])

    def _validate_response(self, request: Request, body: bytes, response: Response) -> None:
        if response.status_code != 200:
            return
        piece = self._bodies(request, body)[0]
        key = (
            "response",
            request.method,
            _operation(request.url.path),
            _shape(json.loads(bytes(response.body))),
        )
        exchange = self._exchange(request, piece, response)
        found = self._verdict(
            key, lambda: _validate(exchange, allow_undeclared=GOOGLE_ERRORS).response
        )
        if found:
            with self._lock:
                self.violations.extend(found)

    def _route(self, request: Request, body: bytes, account: str) -> Response:
        rest = request.path_params["rest"]
        spreadsheet_id, _, action = rest.partition(":")
        spreadsheet_id, _, values_range = spreadsheet_id.partition("/values/")
        book = self.books.get(spreadsheet_id)
        if book is None:
            raise Refusal(404, "Requested entity was not found.", "NOT_FOUND")
        role = book.shared.get(account)
        if role is None or (request.method == "POST" and role != "writer"):
            raise Refusal(403, "The caller does not have permission", "PERMISSION_DENIED")
        if request.method == "GET" and values_range:
            return JSONResponse(self._values(book, unquote(values_range), request))
        if request.method == "GET" and not action:
            return JSONResponse(book.as_json())
        if request.method == "POST" and action == "batchUpdate":
            return JSONResponse(self._batch_update(book, json.loads(body or b"{}")))
        raise Refusal(404, "Method not found.", "NOT_FOUND")

    def _batch_update(self, book: FakeSpreadsheet, body: Json) -> Json:
        with self._lock:
            draft = copy.deepcopy(book)
            applier = Applier(draft)
            replies = [applier.apply(r) for r in body.get("requests", [])]
            self.books[book.spreadsheet_id] = draft
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _values(self, book: FakeSpreadsheet, a1: str, request: Request) -> Json:
        title = a1.split("!")[0].strip("'")
        try:
            sheet = book.sheet(title)
        except StopIteration:
            raise _invalid(f"Unable to parse range: {a1}") from None
        typed = request.query_params.get("valueRenderOption") == "UNFORMATTED_VALUE"
        rows = []
        for r in range(sheet.rows):
            row = [sheet.value(r, c) for c in range(sheet.columns)]
            while row and row[-1] is None:
                row.pop()
            rows.append([("" if v is None else v if typed else str(v)) for v in row])
        while rows and not rows[-1]:
            rows.pop()
        return {"range": f"'{title}'!A1", "majorDimension": "ROWS", "values": rows}


# ----- fixtures -----------------------------------------------------------------------------


@dataclass
class RunningGoogle:
    fake: FakeGoogle
    base_url: str


@pytest.fixture
def make_google() -> Iterator[Callable[..., RunningGoogle]]:
    """Start fakes (``time_factor``, ``per_minute``); spec violations fail the test."""
    fakes: list[FakeGoogle] = []
    with ExitStack() as stack:

        def factory(**options: Any) -> RunningGoogle:
            fake = FakeGoogle(**options)
            fakes.append(fake)
            return RunningGoogle(fake, stack.enter_context(serve(fake.app)))

        yield factory
    violations = [v for fake in fakes for v in fake.violations]
    if violations:
        pytest.fail("Sheets spec violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def google(make_google: Callable[..., RunningGoogle]) -> RunningGoogle:
    return make_google(time_factor=0.01)
