"""A diagnostics zip for support: what is installed and how it behaves, nothing about sellers.

Chosen contents: versions, settings, vault store type, database health (integrity, schema
revision, row counts), the sellers' shape (marketplace, enabled, token expiry) and the last runs
and logs. Left out on purpose: secrets of any kind, and anything that names or measures a seller:
seller and shop names become "seller-N" (the same N in every file), and no notes, tags, account
ids, e-mail addresses, products, warehouses or stock figures are written. Every text goes through
the log redaction again, and every secret the app holds (the sellers' credentials, the
passphrase from the environment) is searched for and masked by value as well: redaction by shape
cannot know where a passphrase with spaces ends.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from stock_tracker_desktop import __version__
from stock_tracker_desktop.config import PASSPHRASE_ENV
from stock_tracker_desktop.logs import logs_dir
from stock_tracker_desktop.security.redaction import MASK, redact
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantService, TenantView
from stock_tracker_desktop.storage.database import integrity_check, row_counts
from stock_tracker_desktop.storage.migrations import schema_status
from stock_tracker_desktop.storage.sync_runs import SyncRunRepository

RUNS_KEPT = 50


def versions() -> dict[str, str]:
    import sqlcipher3.dbapi2 as sqlcipher

    found = {
        "app": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "frozen": str(bool(getattr(sys, "frozen", False))),
        "sqlite": sqlcipher.sqlite_version,
    }
    connection = sqlcipher.connect(":memory:")
    try:
        found["sqlcipher"] = str(connection.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        connection.close()
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        found["pyside6"] = PySide6.__version__
        found["qt"] = qVersion()
    except ImportError:  # a headless install without the GUI
        found["pyside6"] = found["qt"] = "not installed"
    return found


def _replacer(replacements: dict[str, str]) -> Callable[[str], str]:
    """Replaces every key of ``replacements`` in a text by its value, longest keys first."""
    if not replacements:
        return lambda text: text
    keys = sorted(replacements, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return lambda text: pattern.sub(lambda match: replacements[match.group(0)], text)


def _aliases(tenants: list[TenantView]) -> dict[str, str]:
    """Every tenant's and shop's name as "seller-N", its service account as "seller-N-sheets"."""
    aliases: dict[str, str] = {}
    for number, tenant in enumerate(sorted(tenants, key=lambda t: t.created_at), start=1):
        for name in (tenant.name, tenant.seller_name):
            if name.strip():
                aliases.setdefault(name, f"seller-{number}")
        if tenant.service_account_email:
            aliases.setdefault(tenant.service_account_email, f"seller-{number}-sheets")
    return aliases


def _secret_values(ctx: AppContext, tenants: list[TenantView]) -> set[str]:
    """The secrets themselves, also as JSON escapes them and line by line (PEM bodies)."""
    service = TenantService(ctx)
    values = {os.environ.get(PASSPHRASE_ENV, "")}
    for tenant in tenants:
        for value in service.credentials(tenant.name).values():
            values.update({value, json.dumps(value)[1:-1], *value.splitlines()})
            if value.lstrip().startswith("{"):  # a service account: its private key too
                key = str(json.loads(value).get("private_key", ""))
                values.update({key, json.dumps(key)[1:-1], *key.splitlines()})
    # Short pieces ("}", "-----END PRIVATE KEY-----") are no secret and would garble the text.
    return {v for v in values if len(v.strip()) >= 12 and "PRIVATE KEY" not in v}


def _database(ctx: AppContext) -> dict[str, object]:
    schema = schema_status(ctx.database)
    counts = row_counts(ctx.database)
    return {
        "integrity_check": integrity_check(ctx.database),
        "revision": schema.current,
        "head": schema.head,
        "pending": list(schema.pending),
        "size_bytes": ctx.db_path.stat().st_size,
        "row_counts": counts,
    }


def _vault(ctx: AppContext) -> dict[str, object]:
    from stock_tracker_desktop.services import vault_service

    status = vault_service.status(ctx)
    return {
        "store": status.store,
        "description": status.description,
        "keyring_backend": status.keyring_backend,
        "keyring_usable": status.keyring_usable,
    }


def _tenants(tenants: list[TenantView], alias: Callable[[str], str]) -> list[dict[str, object]]:
    return [
        {
            "seller": alias(t.name),
            "marketplace": t.marketplace.value,
            "enabled": t.enabled,
            "archived": t.archived,
            "sandbox": t.sandbox,
            "token_days_left": t.token_days_left(),
            "exports_to_sheets": bool(t.service_account_email),
            "overridden_settings": sorted(t.overrides),
        }
        for t in tenants
    ]


def _runs(ctx: AppContext) -> list[dict[str, object]]:
    return [run.as_json() for run in SyncRunRepository(ctx.database).history(limit=RUNS_KEPT)]


def export_diagnostics(ctx: AppContext, path: Path) -> Path:
    """Write the diagnostics zip to ``path``; returns it."""
    tenants = TenantService(ctx).all(include_archived=True)
    alias = _replacer(_aliases(tenants))
    unsecret = _replacer(dict.fromkeys(_secret_values(ctx, tenants), MASK))

    def clean(text: str) -> str:
        return alias(redact(unsecret(text)))

    documents: dict[str, object] = {
        "versions.json": versions(),
        "settings.json": SettingsService(ctx).load().as_json(),
        "vault.json": _vault(ctx),
        "database.json": _database(ctx),
        "sellers.json": _tenants(tenants, alias),
        "runs.json": _runs(ctx),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            f"Stock Tracker diagnostics, written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n"
            "Sellers appear as seller-N; secrets, names and stock figures are not included.\n",
        )
        for name, document in documents.items():
            text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
            archive.writestr(name, clean(text))
        for log in sorted(logs_dir(ctx.home).glob("*.log*")):
            text = log.read_text(encoding="utf-8", errors="replace")
            archive.writestr(f"logs/{log.name}", clean(text))
    return path
