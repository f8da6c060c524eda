"""Bulk onboarding: tenants from a CSV file, and the predecessor's ``.env`` file.

Files are read and parsed whole before the installation is opened (``read_import``,
``legacy_env_draft``): a file that cannot be used changes nothing. Each row is then validated
whole and added in its own transaction: a bad row is reported with its line number and skipped,
the good ones land, and no row is ever half imported.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.tenant_rules import InvalidTenant
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.user_files import (
    ENV_FILE,
    SECRETS_JSON,
    SERVICE_ACCOUNT_KEY,
    TENANTS_CSV,
    UserFileError,
    read_user_file,
)

CSV_COLUMNS = (
    "name",
    "marketplace",
    "client_id",
    "sandbox",
    "notes",
    "tags",
    "token_env",
    "api_key_env",
)
_TRUE = {"1", "true", "yes", "y", "да"}


class ImportFileError(ValueError):
    """The file as a whole cannot be used; nothing was imported."""


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "failed": [{"line": line, "error": message} for line, message in self.failed],
        }


@dataclass(frozen=True)
class ImportSource:
    """A CSV file read and checked: a draft per good row, a message per bad one."""

    drafts: list[tuple[int, TenantDraft]]
    failed: list[tuple[int, str]]


def _read_secrets_file(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    text = read_user_file(path, SECRETS_JSON)
    try:
        data = json.loads(text)
    except ValueError:
        raise ImportFileError(
            f"{path} is not JSON; expected {{name: {{token|api_key: ...}}}}"
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and all(isinstance(s, str) for s in v.values()) for v in data.values()
    ):
        raise ImportFileError(
            f"{path} must map each tenant name to an object of secrets given as text, "
            'e.g. {"Acme": {"token": "..."}}'
        )
    return data


def _row_secret(row: dict[str, str], column: str, secrets: dict[str, str], key: str) -> str:
    env_name = (row.get(column) or "").strip()
    if env_name:
        value = os.environ.get(env_name, "")
        if not value:
            raise ValueError(f"the environment variable {env_name} ({column}) is not set")
        return value
    return secrets.get(key, "")


def _draft_from_row(row: dict[str, str], secrets_by_name: dict[str, dict[str, str]]) -> TenantDraft:
    name = (row.get("name") or "").strip()
    raw_marketplace = (row.get("marketplace") or "").strip().lower()
    try:
        marketplace = Marketplace(raw_marketplace)
    except ValueError:
        raise ValueError(
            f"marketplace {raw_marketplace!r} is not one of wildberries, ozon"
        ) from None
    secrets = secrets_by_name.get(name, {})
    token = api_key = ""
    if marketplace is Marketplace.WILDBERRIES:
        token = _row_secret(row, "token_env", secrets, "token")
        if not token:
            raise ValueError("no WB token: fill token_env or give it in the secrets file")
    else:
        api_key = _row_secret(row, "api_key_env", secrets, "api_key")
        if not api_key:
            raise ValueError("no Ozon API key: fill api_key_env or give it in the secrets file")
    tags = tuple(t.strip() for t in (row.get("tags") or "").replace("|", ";").split(";"))
    return TenantDraft(
        name=name,
        marketplace=marketplace,
        token=token,
        client_id=(row.get("client_id") or "").strip(),
        api_key=api_key,
        sandbox=(row.get("sandbox") or "").strip().lower() in _TRUE,
        notes=row.get("notes") or "",
        tags=tuple(t for t in tags if t),
        service_account_json=secrets.get("service_account", ""),
    )


def _csv_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Every row with its line number; the whole file is parsed before anything is added."""
    text = read_user_file(path, TENANTS_CSV)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = [(h or "").strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = {"name", "marketplace"} - set(header)
        if missing:
            raise ImportFileError(
                f"{path.name} lacks the column(s) {', '.join(sorted(missing))}; "
                f"columns understood: {', '.join(CSV_COLUMNS)}"
            )
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:  # raised while reading the line after the last one counted
        raise ImportFileError(
            f"{path.name} cannot be read as CSV near line {reader.line_num + 1} ({exc}); "
            "nothing was imported"
        ) from None


def read_import(path: Path, secrets_path: Path | None = None) -> ImportSource:
    """Read and check the CSV file and the secrets file; nothing is stored yet."""
    secrets_by_name = _read_secrets_file(secrets_path)
    source = ImportSource(drafts=[], failed=[])
    for line, row in _csv_rows(path):
        try:
            source.drafts.append((line, _draft_from_row(row, secrets_by_name)))
        except ValueError as exc:
            source.failed.append((line, str(exc)))
    return source


def import_tenants(ctx: AppContext, source: ImportSource) -> ImportReport:
    service = TenantService(ctx)
    report = ImportReport(failed=list(source.failed))
    for line, draft in source.drafts:
        try:
            saved = service.add(draft)
        except InvalidTenant as exc:
            report.failed.append((line, "; ".join(str(p) for p in exc.problems)))
        else:
            report.added.append(saved.tenant.name)
    report.failed.sort()
    return report


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=VALUE lines as python-dotenv reads them: comments, ``export``, single/double quotes."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def legacy_env_draft(path: Path, name: str) -> TenantDraft:
    """The one WB seller the predecessor's ``.env`` describes, with its sheet and account."""
    values = parse_env_file(read_user_file(path, ENV_FILE))
    token = values.get("WILDBERRIES_API_KEY", "")
    if not token:
        raise ImportFileError(f"{path.name} has no WILDBERRIES_API_KEY; nothing was imported")
    service_account = values.get("GOOGLE_SERVICE_ACCOUNT", "")
    key_path = values.get("GOOGLE_SERVICE_ACCOUNT_KEY_PATH", "")
    if not service_account and key_path:
        file = path.parent / Path(key_path).expanduser()
        try:
            service_account = read_user_file(file, SERVICE_ACCOUNT_KEY)
        except UserFileError as exc:
            raise ImportFileError(
                f"GOOGLE_SERVICE_ACCOUNT_KEY_PATH in {path.name}: {exc}; nothing was imported"
            ) from None
    overrides: dict[str, object] = {}
    if values.get("GOOGLE_SHEET_ID"):
        overrides["google_sheet"] = values["GOOGLE_SHEET_ID"]
    return TenantDraft(
        name=name,
        marketplace=Marketplace.WILDBERRIES,
        token=token,
        service_account_json=service_account,
        overrides=overrides,
        notes=f"imported from {path.name}",
    )
