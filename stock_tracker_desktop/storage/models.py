"""The database schema (SQLAlchemy 2.0 typed models).

Every primary key is a UUID so that team mode can merge rows from several desktops; the two
tables that never leave the desktop (``team_link``, ``outbox``) have integer keys.
A snapshot and all its rows are written in one transaction; deleting a snapshot cascades to its
rows, which is how old snapshots are pruned.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from stock_tracker_desktop.storage.ids import new_id

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC ISO-8601 text, so they sort and compare as text too."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: object) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tenant(Base):
    """A seller the agency manages on one marketplace."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    # Lower-cased name: "Acme" and "acme" are the same seller to a person.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    marketplace: Mapped[str] = mapped_column(String(20))
    # Fernet token of the JSON of the secrets (WB token / Ozon API key), under the vault's key.
    credentials: Mapped[bytes] = mapped_column(LargeBinary)
    # Not secret, shown in lists: Ozon's Client-Id.
    account_id: Mapped[str] = mapped_column(String(64), default="")
    token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    seller_name: Mapped[str] = mapped_column(String(300), default="")
    # Not secret: the address sellers share their sheet with.
    service_account_email: Mapped[str] = mapped_column(String(300), default="")
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="")  # comma-separated, sorted
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Per-tenant overrides of settings (window days, threshold, schedule, export targets): JSON.
    overrides: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    snapshots: Mapped[list[Snapshot]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:  # never the credentials
        return f"Tenant(name={self.name!r}, marketplace={self.marketplace!r})"


class Setting(Base):
    """One application setting, its value as JSON text."""

    __tablename__ = "settings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class AgencySecret(Base):
    """A secret of the agency as a whole (e.g. the default Google service account), Fernet-
    encrypted under the vault like tenants' credentials; ``public`` is what may be shown."""

    __tablename__ = "agency_secrets"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    public: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Warehouse(Base):
    """A warehouse as the marketplace names it (names are kept exactly as given)."""

    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("tenant_id", "name", "warehouse_type"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    warehouse_type: Mapped[str] = mapped_column(String(3))  # FBO | FBS


class Product(Base):
    """A product, upserted by every sync; ``external_id`` is WB's nmID or Ozon's product_id."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("tenant_id", "external_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    vendor_code: Mapped[str] = mapped_column(String(300), default="")
    name: Mapped[str] = mapped_column(Text, default="")
    brand: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    sizes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {id, name, barcodes}
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SyncRun(Base):
    """One attempt to sync a tenant, whatever its outcome."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_tenant_started", "tenant_id", "started_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(20))  # manual | schedule | cli
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    products: Mapped[int] = mapped_column(Integer, default=0)
    stock_rows: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    rate_limited: Mapped[int] = mapped_column(Integer, default=0)
    error_stage: Mapped[str] = mapped_column(String(50), default="")
    error_endpoint: Mapped[str] = mapped_column(String(200), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    # The problem as code and parameters (JSON of domain.problems.Problem), "" without one.
    error_problem: Mapped[str] = mapped_column(Text, default="")
    stages: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [{stage, seconds, rows}]
    # The process running it: a "running" row whose process is gone was interrupted.
    owner_pid: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Snapshot(Base):
    """The state of one tenant at one sync; it counts once complete (all its rows are in)."""

    __tablename__ = "snapshots"
    __table_args__ = (Index("ix_snapshots_tenant_taken", "tenant_id", "taken_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    sync_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="SET NULL"), nullable=True
    )
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    window_end: Mapped[datetime] = mapped_column(UtcDateTime)
    window_days: Mapped[int] = mapped_column(Integer)
    threshold_days: Mapped[float] = mapped_column(Float)
    # False while its sync still writes it: readers skip it (see storage.snapshot_writer).
    complete: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    tenant: Mapped[Tenant] = relationship(back_populates="snapshots")


class StockLevel(Base):
    """The figures of one product on one warehouse in one snapshot (what a seller reads)."""

    __tablename__ = "stock_levels"
    __table_args__ = (Index("ix_stock_levels_snapshot", "snapshot_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    snapshot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    in_transit_to_customers: Mapped[int] = mapped_column(Integer, default=0)
    in_transit_returns: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    days_of_stock: Mapped[float | None] = mapped_column(Float, nullable=True)
    low_stock: Mapped[bool] = mapped_column(Boolean, default=False)


class OrderLineRecord(Base):
    """One order line of a snapshot's window (WB: one unit per srid)."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("snapshot_id", "line_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    snapshot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"))
    line_id: Mapped[str] = mapped_column(String(100))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)


class TeamLink(Base):
    """This desktop's membership of a team (docs/team.md): one row while it belongs to one,
    none on a solo desktop. Its presence is what makes local writes add outbox rows."""

    __tablename__ = "team_link"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("role IN ('viewer', 'user', 'admin', 'owner')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    team: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(300))
    port: Mapped[int] = mapped_column(Integer)
    database: Mapped[str] = mapped_column(String(200))
    login: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    # This desktop's id in the team's ``desktops``, made when it joined.
    desktop_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    key_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The puller's cursor: a PostgreSQL xid8 as text, "" before the first pull.
    pull_cursor: Mapped[str] = mapped_column(String(40), default="", server_default="")
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_push_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_pull_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Since when the server has not answered; None while it answers.
    server_away_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")


class OutboxRow(Base):
    """A local change the team's server has not been told of yet (storage.outbox).

    ``tenant_id`` is no foreign key: the row of a deleted tenant must outlive it to push the
    deletion. AUTOINCREMENT keeps a ``seq`` from being used twice, even after the newest rows
    were pushed and deleted, so a pusher never takes a new row for one it already handled.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # The pusher's ``WHERE failed_at IS NULL ORDER BY seq``, and the backlog's counts.
        Index("ix_outbox_failed_seq", "failed_at", "seq"),
        # A run has at most one row: recording it again replaces the row (storage.outbox).
        Index("ix_outbox_run", "entity_id", unique=True, sqlite_where=text("kind = 'run'")),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # storage.outbox.OutboxKind
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Set by a failure that retrying will not cure; the pusher skips the row until a retry.
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
