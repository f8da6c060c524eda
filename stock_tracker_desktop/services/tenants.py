"""Tenant use cases: add, edit, list, show, archive, remove.

Secrets enter here in clear, are encrypted by the vault before they touch the session, and are
decrypted again only by ``credentials()`` at the moment a client needs them.

Each change the user makes to a seller is enqueued for the team's server in its own transaction
(storage.outbox; nothing on a solo desktop); what a sync records of a seller is not.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.domain.tenant_rules import (
    InputProblem,
    InvalidTenant,
    check_name,
    check_notes,
    check_ozon,
    check_service_account,
    check_tags,
    check_wb_token,
    normalise_tags,
    split_tags,
)
from stock_tracker_desktop.domain.wb_token import WbTokenInfo, parse_wb_token
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.plan_limits import PlanLimits
from stock_tracker_desktop.storage import outbox
from stock_tracker_desktop.storage.database import session_scope
from stock_tracker_desktop.storage.models import Tenant
from stock_tracker_desktop.storage.tenant_repository import TenantRepository

SERVICE_ACCOUNT_KEY = "google_service_account"


class TenantNotFound(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no tenant named {name!r}; `stock-tracker tenants list` shows them all")


@dataclass(frozen=True)
class TenantDraft:
    """Everything needed to add a tenant. Secrets are plain here and nowhere after ``add``."""

    name: str
    marketplace: Marketplace
    token: str = ""
    client_id: str = ""
    api_key: str = ""
    sandbox: bool = False
    notes: str = ""
    tags: tuple[str, ...] = ()
    service_account_json: str = ""
    enabled: bool = True
    overrides: dict[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"TenantDraft(name={self.name!r}, marketplace={self.marketplace.value!r})"

    def credentials(self) -> dict[str, str]:
        """The secrets a marketplace client needs, as ``TenantService.credentials`` gives them."""
        if self.marketplace is Marketplace.WILDBERRIES:
            return {"token": self.token.strip()}
        return {"client_id": self.client_id.strip(), "api_key": self.api_key.strip()}


@dataclass(frozen=True)
class TenantChanges:
    """Fields to change; None leaves a field as it is."""

    name: str | None = None
    token: str | None = None
    client_id: str | None = None
    api_key: str | None = None
    sandbox: bool | None = None
    notes: str | None = None
    tags: tuple[str, ...] | None = None
    service_account_json: str | None = None
    enabled: bool | None = None
    overrides: dict[str, object] | None = None

    def __repr__(self) -> str:
        return "TenantChanges(<fields hidden>)"


@dataclass(frozen=True)
class TenantView:
    """A tenant as lists and screens show it: no secret in it."""

    id: uuid.UUID
    name: str
    marketplace: Marketplace
    account_id: str
    sandbox: bool
    notes: str
    tags: tuple[str, ...]
    enabled: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    token_expires_at: datetime | None
    seller_name: str
    service_account_email: str
    overrides: dict[str, object]

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def token_days_left(self, now: datetime | None = None) -> int | None:
        if self.token_expires_at is None:
            return None
        delta = self.token_expires_at - (now or datetime.now(UTC))
        return int(delta.total_seconds() // 86400)

    def as_json(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "name": self.name,
            "marketplace": self.marketplace.value,
            "account_id": self.account_id,
            "sandbox": self.sandbox,
            "notes": self.notes,
            "tags": list(self.tags),
            "enabled": self.enabled,
            "archived": self.archived,
            "archived_at": _iso(self.archived_at),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "token_expires_at": _iso(self.token_expires_at),
            "token_days_left": self.token_days_left(),
            "seller_name": self.seller_name,
            "service_account_email": self.service_account_email,
            "overrides": self.overrides,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


@dataclass(frozen=True)
class Saved:
    tenant: TenantView
    warnings: tuple[Problem, ...] = ()  # accepted, but worth saying (an expired token)


class TenantService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ----- reading ---------------------------------------------------------------------------

    def all(self, *, include_archived: bool = False) -> list[TenantView]:
        with session_scope(self.ctx.sessions, write=False) as session:
            return [
                self._view(t)
                for t in TenantRepository(session).all(include_archived=include_archived)
            ]

    def get(self, name: str) -> TenantView:
        with session_scope(self.ctx.sessions, write=False) as session:
            return self._view(self._require(TenantRepository(session), name))

    def credentials(self, name: str) -> dict[str, str]:
        """The decrypted secrets of a tenant: call right before use and drop the result after."""
        with session_scope(self.ctx.sessions, write=False) as session:
            tenant = self._require(TenantRepository(session), name)
            secrets = self.ctx.vault.decrypt(tenant.credentials)
            if tenant.account_id:
                secrets["client_id"] = tenant.account_id
            return secrets

    def token_info(self, name: str) -> WbTokenInfo | None:
        """What a WB tenant's token says about itself (expiry, categories), read offline."""
        secrets = self.credentials(name)
        token = secrets.get("token")
        return parse_wb_token(token) if token else None

    # ----- writing ---------------------------------------------------------------------------

    def check_draft(self, draft: TenantDraft) -> tuple[Problem, ...]:
        """Everything ``add`` would refuse, without adding: raises InvalidTenant, or returns the
        warnings."""
        _, _, warnings = self._checked(draft)
        with session_scope(self.ctx.sessions) as session:
            self._require_free_name(TenantRepository(session), draft.name)
        return tuple(warnings)

    def add(self, draft: TenantDraft) -> Saved:
        secrets, facts, warnings = self._checked(draft)
        self._require_room()
        with session_scope(self.ctx.sessions) as session:
            repo = TenantRepository(session)
            self._require_free_name(repo, draft.name)
            tenant = Tenant(
                name=" ".join(draft.name.split()),
                marketplace=draft.marketplace.value,
                credentials=self.ctx.vault.encrypt(secrets),
                sandbox=draft.sandbox,
                notes=draft.notes,
                tags=normalise_tags(draft.tags),
                enabled=draft.enabled,
                overrides=json.dumps(draft.overrides, sort_keys=True),
                **facts,
            )
            try:
                repo.add(tenant)
            except IntegrityError:
                raise InvalidTenant([_duplicate(draft.name)]) from None
            _share(session, tenant.id)
            return Saved(self._view(tenant), tuple(warnings))

    def edit(self, name: str, changes: TenantChanges) -> Saved:
        with session_scope(self.ctx.sessions) as session:
            repo = TenantRepository(session)
            tenant = self._require(repo, name)
            problems: list[InputProblem] = []
            warnings: list[Problem] = []
            if changes.name is not None and changes.name != tenant.name:
                problems += check_name(changes.name)
                other = None if problems else repo.by_name(changes.name)
                if other is not None and other.id != tenant.id:
                    problems.append(_duplicate(changes.name))
            problems += check_tags(changes.tags or ()) + check_notes(changes.notes or "")
            secret_fields = (
                changes.token,
                changes.client_id,
                changes.api_key,
                changes.service_account_json,
                changes.sandbox,
            )
            if any(value is not None for value in secret_fields):
                current = self.ctx.vault.decrypt(tenant.credentials)
                secrets, facts, warnings, more = self._check_credentials(
                    Marketplace(tenant.marketplace),
                    token=_pick(changes.token, current.get("token", "")),
                    client_id=_pick(changes.client_id, tenant.account_id),
                    api_key=_pick(changes.api_key, current.get("api_key", "")),
                    sandbox=_pick(changes.sandbox, tenant.sandbox),
                    service_account=_pick(
                        changes.service_account_json, current.get(SERVICE_ACCOUNT_KEY, "")
                    ),
                )
                problems += more
                if not problems:
                    tenant.credentials = self.ctx.vault.encrypt(secrets)
                    for column, value in facts.items():
                        setattr(tenant, column, value)
                    tenant.sandbox = _pick(changes.sandbox, tenant.sandbox)
            if problems:
                raise InvalidTenant(problems)
            if changes.name is not None:
                repo.rename(tenant, " ".join(changes.name.split()))
            if changes.notes is not None:
                tenant.notes = changes.notes
            if changes.tags is not None:
                tenant.tags = normalise_tags(changes.tags)
            if changes.enabled is not None:
                tenant.enabled = changes.enabled
            if changes.overrides is not None:
                merged = {**json.loads(tenant.overrides or "{}"), **changes.overrides}
                tenant.overrides = json.dumps(
                    {k: v for k, v in merged.items() if v is not None}, sort_keys=True
                )
            tenant.updated_at = datetime.now(UTC)
            session.flush()
            _share(session, tenant.id)
            return Saved(self._view(tenant), tuple(warnings))

    def set_archived(self, name: str, archived: bool) -> TenantView:
        if not archived and self.get(name).archived:
            self._require_room()
        with session_scope(self.ctx.sessions) as session:
            tenant = self._require(TenantRepository(session), name)
            tenant.archived_at = datetime.now(UTC) if archived else None
            session.flush()
            _share(session, tenant.id)
            return self._view(tenant)

    def remove(self, name: str) -> None:
        """Delete a tenant with its history and snapshots (archive keeps them instead); its
        outbox row outlives it, for the team to learn of the deletion."""
        with session_scope(self.ctx.sessions) as session:
            repo = TenantRepository(session)
            tenant = self._require(repo, name)
            repo.delete(tenant)
            _share(session, tenant.id)

    def record_seller_name(self, name: str, seller_name: str) -> None:
        with session_scope(self.ctx.sessions) as session:
            self._require(TenantRepository(session), name).seller_name = seller_name

    def record_credentials_expiry(self, name: str, expires_at: datetime) -> None:
        """When the seller's token or key expires, as the marketplace says (Ozon's /v1/roles):
        the window counts the days left down from it."""
        with session_scope(self.ctx.sessions) as session:
            self._require(TenantRepository(session), name).token_expires_at = expires_at

    # ----- helpers ---------------------------------------------------------------------------

    def _checked(
        self, draft: TenantDraft
    ) -> tuple[dict[str, str], dict[str, object], list[Problem]]:
        """The draft's secrets, facts and warnings; InvalidTenant with every problem found."""
        secrets, facts, warnings, problems = self._check_credentials(
            draft.marketplace,
            token=draft.token,
            client_id=draft.client_id,
            api_key=draft.api_key,
            sandbox=draft.sandbox,
            service_account=draft.service_account_json,
        )
        problems = (
            check_name(draft.name) + check_tags(draft.tags) + check_notes(draft.notes) + problems
        )
        if problems:
            raise InvalidTenant(problems)
        return secrets, facts, warnings

    def _check_credentials(
        self,
        marketplace: Marketplace,
        *,
        token: str,
        client_id: str,
        api_key: str,
        sandbox: bool,
        service_account: str,
    ) -> tuple[dict[str, str], dict[str, object], list[Problem], list[InputProblem]]:
        """Check the credentials; return the secrets, the public facts to store beside them
        (account id, token expiry, service-account e-mail), warnings and problems."""
        secrets: dict[str, str] = {}
        warnings: list[Problem] = []
        problems: list[InputProblem] = []
        expires_at = None
        account_id = ""
        if marketplace is Marketplace.WILDBERRIES:
            info, problems, warnings = check_wb_token(token, sandbox=sandbox)
            secrets["token"] = token.strip()
            expires_at = info.expires_at if info else None
        else:
            problems = check_ozon(client_id, api_key)
            if sandbox:
                problems.append(InputProblem("sandbox", Problem(ProblemCode.OZON_NO_SANDBOX)))
            secrets["api_key"] = api_key.strip()
            account_id = client_id.strip()
        email = ""
        if service_account.strip():
            found, sa_problems = check_service_account(service_account)
            problems += sa_problems
            email = found or ""
            secrets[SERVICE_ACCOUNT_KEY] = service_account.strip()
        facts: dict[str, object] = {
            "account_id": account_id,
            "token_expires_at": expires_at,
            "service_account_email": email,
        }
        return secrets, facts, warnings, problems

    def _require_room(self) -> None:
        """The plan's seller limit, read before the write transaction opens: reading the
        licence may store what the licensing service said."""
        PlanLimits(self.ctx).require_seller_room(len(self.all()))

    @staticmethod
    def _require(repo: TenantRepository, name: str) -> Tenant:
        # A name with undecodable bytes (argv in another encoding) names no stored tenant, and
        # the database could not even be asked about it.
        tenant = repo.by_name(name) if _is_text(name) else None
        if tenant is None:
            raise TenantNotFound(name)
        return tenant

    @staticmethod
    def _require_free_name(repo: TenantRepository, name: str) -> None:
        existing = repo.by_name(name)
        if existing is not None:
            raise InvalidTenant([_duplicate(name, archived=existing.archived_at is not None)])

    @staticmethod
    def _view(tenant: Tenant) -> TenantView:
        return TenantView(
            id=tenant.id,
            name=tenant.name,
            marketplace=Marketplace(tenant.marketplace),
            account_id=tenant.account_id,
            sandbox=tenant.sandbox,
            notes=tenant.notes,
            tags=split_tags(tenant.tags),
            enabled=tenant.enabled,
            archived_at=tenant.archived_at,
            created_at=tenant.created_at,
            updated_at=tenant.updated_at,
            token_expires_at=tenant.token_expires_at,
            seller_name=tenant.seller_name,
            service_account_email=tenant.service_account_email,
            overrides=json.loads(tenant.overrides or "{}"),
        )


T = TypeVar("T")


def _share(session: Session, tenant_id: uuid.UUID) -> None:
    """The user changed this seller: the team's server is to learn of it (same transaction)."""
    outbox.enqueue(session, outbox.OutboxKind.SELLER, tenant_id, tenant_id)


def _pick(new: T | None, current: T) -> T:
    return current if new is None else new


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _duplicate(name: str, *, archived: bool = False) -> InputProblem:
    code = ProblemCode.NAME_TAKEN_ARCHIVED if archived else ProblemCode.NAME_TAKEN
    return InputProblem("name", Problem(code, {"name": repr(name)}))


__all__ = [
    "InvalidTenant",
    "Saved",
    "TenantChanges",
    "TenantDraft",
    "TenantNotFound",
    "TenantService",
    "TenantView",
]
