"""Settings with their defaults, validation, and per-tenant overrides.

Global settings live in the settings table; a tenant's ``overrides`` JSON may replace the order
window, the low-stock threshold and the schedule for that tenant alone.
"""

from __future__ import annotations

import locale
import logging
import math
import os
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from stock_tracker_desktop.domain.figures import DEFAULT_LOW_STOCK_DAYS
from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.domain.window import DEFAULT_WINDOW_DAYS
from stock_tracker_desktop.exporters.texts import Language
from stock_tracker_desktop.marketplaces.settings import MAX_RATE_LIMIT_WAIT
from stock_tracker_desktop.security.loopback import is_protected_url
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage.settings_repository import SettingsRepository

log = logging.getLogger(__name__)


class InvalidSetting(ValueError):
    """A setting's value is out of range; the message says the allowed range."""


@dataclass(frozen=True)
class Settings:
    concurrency: int = 8
    window_days: int = DEFAULT_WINDOW_DAYS
    low_stock_days: float = DEFAULT_LOW_STOCK_DAYS
    keep_snapshots: int = 30
    keep_history_days: int = 365
    schedule: Schedule = field(default_factory=Schedule.default)
    language: str = ""  # "" follows the system
    minimise_to_tray: bool = True
    start_with_system: bool = False
    # The longest a sync waits when a marketplace answers 429 and says when to come back
    # (seconds); longer advice fails the stage at once and the next run tries again.
    max_rate_limit_wait: float = MAX_RATE_LIMIT_WAIT
    # A self-hosted licensing service (Keygen CE or compatible); "" keeps the build's default.
    # The environment variables of config.py override these in turn.
    licence_base_url: str = ""
    licence_account: str = ""
    licence_public_key: str = ""

    def validate(self) -> Settings:
        checks = (
            (1 <= self.concurrency <= 200, "concurrency must be between 1 and 200"),
            (1 <= self.window_days <= 90, "the order window must be 1 to 90 days"),
            (0 <= self.low_stock_days <= 365, "the low-stock threshold must be 0 to 365 days"),
            (1 <= self.keep_snapshots <= 10_000, "keep at least one snapshot per tenant"),
            (1 <= self.keep_history_days <= 3650, "keep history for 1 to 3650 days"),
            (self.language in ("", "en", "ru"), "language must be en, ru or empty (system)"),
            (
                math.isfinite(self.max_rate_limit_wait) and 1 <= self.max_rate_limit_wait <= 86_400,
                "max_rate_limit_wait must be 1 to 86400 seconds",
            ),
            (
                _is_service_url(self.licence_base_url),
                "licence_base_url must be an https:// address (http:// only on this computer)",
            ),
            (
                _is_account(self.licence_account),
                "licence_account is the licensing account's id or slug (letters, digits, - and _)",
            ),
            (
                _is_public_key(self.licence_public_key),
                "licence_public_key is the service's ed25519 public key: 64 hexadecimal digits",
            ),
        )
        for ok, message in checks:
            if not ok:
                raise InvalidSetting(message)
        return self

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["schedule"] = self.schedule.as_json()
        return data


def _is_service_url(url: str) -> bool:
    return not url or is_protected_url(url)


def _is_account(account: str) -> bool:
    return not account or re.fullmatch(r"[A-Za-z0-9_-]{1,100}", account) is not None


def _is_public_key(key: str) -> bool:
    return not key or re.fullmatch(r"[0-9a-fA-F]{64}", key) is not None


_FIELDS = {f.name for f in fields(Settings)}


def _from_json(stored: dict[str, Any]) -> Settings:
    """Stored values over the defaults; a value that no longer validates falls back to its
    default (and is logged) rather than making the app unusable."""
    settings = Settings()
    for key, value in stored.items():
        if key not in _FIELDS:
            continue
        try:
            change: dict[str, Any] = {
                key: Schedule.from_json(value) if key == "schedule" else value
            }
            settings = replace(settings, **change).validate()
        except (ValueError, TypeError) as exc:
            log.warning("setting %s is invalid (%s); using its default", key, exc)
    return settings


def export_language(settings: Settings) -> Language:
    """The language of exported headers: the app's, or the system's when the app follows it."""
    if settings.language:
        return "ru" if settings.language == "ru" else "en"
    system = (locale.getlocale()[0] or os.environ.get("LANG", "")).lower()
    return "ru" if system.startswith("ru") else "en"


@dataclass(frozen=True)
class TenantSyncSettings:
    """What one tenant's sync uses after its overrides are applied."""

    window_days: int
    low_stock_days: float
    schedule: Schedule


class SettingsService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @property
    def repo(self) -> SettingsRepository:
        return SettingsRepository(self.ctx.database)  # the current one: a rotation replaces it

    def load(self) -> Settings:
        return _from_json(self.repo.all())

    def update(self, **changes: Any) -> Settings:
        unknown = set(changes) - _FIELDS
        if unknown:
            raise InvalidSetting(f"unknown setting(s): {', '.join(sorted(unknown))}")
        updated = replace(self.load(), **changes).validate()
        data = updated.as_json()
        self.repo.put({key: data[key] for key in changes})
        return updated

    @staticmethod
    def for_tenant(settings: Settings, overrides: dict[str, Any]) -> TenantSyncSettings:
        schedule = settings.schedule
        if "schedule" in overrides:
            schedule = Schedule.from_json(overrides["schedule"])
        return TenantSyncSettings(
            window_days=int(overrides.get("window_days", settings.window_days)),
            low_stock_days=float(overrides.get("low_stock_days", settings.low_stock_days)),
            schedule=schedule,
        )
