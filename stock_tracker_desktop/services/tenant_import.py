"""Bulk onboarding: tenants from a CSV file, and the predecessor's ``.env`` file.

Each row is validated whole and added in its own transaction: a bad row is reported with its
line number and skipped, the good ones land, and no row is ever half imported.
"""

from __future__ import annotations

import csv
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.tenant_rules import InvalidTenant
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import Saved, TenantDraft, TenantService

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


def _read_secrets_file(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise ImportFileError(
            f"{path} can be read by other users; protect it first: chmod 600 {path}"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise ImportFileError(
            f"{path} is not JSON; expected {{name: {{token|api_key: ...}}}}"
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ImportFileError(f"{path} must map each tenant name to an object of secrets")
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


def import_csv(ctx: AppContext, path: Path, secrets_path: Path | None = None) -> ImportReport:
    secrets_by_name = _read_secrets_file(secrets_path)
    service = TenantService(ctx)
    report = ImportReport()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = {"name", "marketplace"} - set(header)
        if missing:
            raise ImportFileError(
                f"{path.name} lacks the column(s) {', '.join(sorted(missing))}; "
                f"columns understood: {', '.join(CSV_COLUMNS)}"
            )
        for row in reader:
            line = reader.line_num
            try:
                saved = service.add(_draft_from_row(row, secrets_by_name))
            except InvalidTenant as exc:
                report.failed.append((line, "; ".join(str(p) for p in exc.problems)))
            except ValueError as exc:
                report.failed.append((line, str(exc)))
            else:
                report.added.append(saved.tenant.name)
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


def import_legacy_env(ctx: AppContext, path: Path, name: str) -> Saved:
    """Add the one WB seller the predecessor's ``.env`` describes, with its sheet and account."""
    values = parse_env_file(path.read_text(encoding="utf-8"))
    token = values.get("WILDBERRIES_API_KEY", "")
    if not token:
        raise ImportFileError(f"{path.name} has no WILDBERRIES_API_KEY; nothing was imported")
    service_account = values.get("GOOGLE_SERVICE_ACCOUNT", "")
    key_path = values.get("GOOGLE_SERVICE_ACCOUNT_KEY_PATH", "")
    if not service_account and key_path:
        file = (path.parent / key_path).expanduser()
        try:
            service_account = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ImportFileError(
                f"GOOGLE_SERVICE_ACCOUNT_KEY_PATH points to {file}, which cannot be read "
                f"({exc.strerror}); nothing was imported"
            ) from None
    overrides: dict[str, object] = {}
    if values.get("GOOGLE_SHEET_ID"):
        overrides["google_sheet"] = values["GOOGLE_SHEET_ID"]
    return TenantService(ctx).add(
        TenantDraft(
            name=name,
            marketplace=Marketplace.WILDBERRIES,
            token=token,
            service_account_json=service_account,
            overrides=overrides,
            notes=f"imported from {path.name}",
        )
    )
