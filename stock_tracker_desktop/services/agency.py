"""The agency's default Google service account: used for sellers that have no key of their own.

Its JSON key is a vault secret like any tenant's (Fernet inside the encrypted database, re-keyed
by ``vault rotate``); only its e-mail, the address sellers share their sheets with, is shown.
"""

from __future__ import annotations

from stock_tracker_desktop.domain.tenant_rules import InvalidTenant, check_service_account
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage import agency_secrets

DEFAULT_SERVICE_ACCOUNT = "google_service_account"


def set_default_service_account(ctx: AppContext, key_json: str) -> str:
    """Store the agency's default key; returns its e-mail. Raises InvalidTenant on a bad key."""
    email, problems = check_service_account(key_json)
    if problems:
        raise InvalidTenant(problems)
    secret = ctx.vault.encrypt({"json": key_json.strip()})
    agency_secrets.put(ctx.database, DEFAULT_SERVICE_ACCOUNT, secret, email or "")
    return email or ""


def default_service_account(ctx: AppContext) -> str | None:
    """The default key's JSON, decrypted for the export about to use it."""
    found = agency_secrets.get(ctx.database, DEFAULT_SERVICE_ACCOUNT)
    return ctx.vault.decrypt(found[0])["json"] if found else None


def default_service_account_email(ctx: AppContext) -> str:
    found = agency_secrets.get(ctx.database, DEFAULT_SERVICE_ACCOUNT)
    return found[1] if found else ""


def clear_default_service_account(ctx: AppContext) -> None:
    agency_secrets.remove(ctx.database, DEFAULT_SERVICE_ACCOUNT)
