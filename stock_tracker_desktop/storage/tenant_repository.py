"""Queries on the tenants table; the only place that knows how tenants are stored."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from stock_tracker_desktop.storage.models import Tenant


def name_key(name: str) -> str:
    """Two names that differ only in case or surrounding blanks are the same tenant."""
    return " ".join(name.split()).casefold()


class TenantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_name(self, name: str) -> Tenant | None:
        return self.session.scalar(select(Tenant).where(Tenant.name_key == name_key(name)))

    def by_id(self, tenant_id: uuid.UUID) -> Tenant | None:
        return self.session.get(Tenant, tenant_id)

    def all(self, *, include_archived: bool = False) -> Sequence[Tenant]:
        query = select(Tenant).order_by(Tenant.name_key)
        if not include_archived:
            query = query.where(Tenant.archived_at.is_(None))
        return self.session.scalars(query).all()

    def add(self, tenant: Tenant) -> Tenant:
        tenant.name_key = name_key(tenant.name)
        self.session.add(tenant)
        self.session.flush()
        return tenant

    def rename(self, tenant: Tenant, new_name: str) -> None:
        tenant.name = new_name
        tenant.name_key = name_key(new_name)

    def delete(self, tenant: Tenant) -> None:
        self.session.delete(tenant)
