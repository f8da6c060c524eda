"""The shared schema: sellers, their figures and runs, leases, desktops, members' keys; the
groups' grants and row-level security; the views BI tools read (docs/team.md).

Runs as the schema's owner role (``team.schema_upgrade`` sets it), so every object belongs to
that role, which no desktop uses. Row-level security is forced on every table: the owner role is
bound by the policies too, and has one of its own for data migrations.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from stock_tracker_desktop.team.names import SCHEMA, RoleNames, TeamRole

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = SCHEMA
CHANGED = "changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id()"
TABLES = f"""
CREATE TABLE {S}.team (
    id int PRIMARY KEY CHECK (id = 1),
    name text NOT NULL,
    role_prefix text NOT NULL,
    key_version int NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {S}.desktops (
    id uuid PRIMARY KEY,
    member name NOT NULL DEFAULT current_user,
    name text NOT NULL DEFAULT '',
    platform text NOT NULL DEFAULT '',
    started_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    {CHANGED}
);
CREATE TABLE {S}.sellers (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    name_key text NOT NULL UNIQUE,
    marketplace text NOT NULL,
    account_id text NOT NULL DEFAULT '',
    service_account_email text NOT NULL DEFAULT '',
    sandbox boolean NOT NULL DEFAULT false,
    notes text NOT NULL DEFAULT '',
    tags text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT true,
    overrides text NOT NULL DEFAULT '{{}}',
    token_expires_at timestamptz,
    archived_at timestamptz,
    deleted_at timestamptz,
    home_desktop uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by name NOT NULL DEFAULT current_user,
    {CHANGED}
);
CREATE TABLE {S}.seller_secrets (
    seller_id uuid PRIMARY KEY REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    key_version int NOT NULL,
    ciphertext bytea NOT NULL,
    updated_by name NOT NULL DEFAULT current_user,
    {CHANGED}
);
CREATE TABLE {S}.seller_state (
    seller_id uuid PRIMARY KEY REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    snapshot_id uuid NOT NULL,
    taken_at timestamptz NOT NULL,
    window_start timestamptz NOT NULL,
    window_end timestamptz NOT NULL,
    window_days int NOT NULL,
    threshold_days float8 NOT NULL,
    seller_name text NOT NULL DEFAULT '',
    token_expires_at timestamptz,
    pushed_by name NOT NULL DEFAULT current_user,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    {CHANGED}
);
CREATE TABLE {S}.products (
    seller_id uuid NOT NULL REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    external_id text NOT NULL,
    vendor_code text NOT NULL DEFAULT '',
    name text NOT NULL DEFAULT '',
    brand text NOT NULL DEFAULT '',
    subject text NOT NULL DEFAULT '',
    sizes text NOT NULL DEFAULT '[]',
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, external_id)
);
CREATE TABLE {S}.warehouses (
    seller_id uuid NOT NULL REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    name text NOT NULL,
    warehouse_type text NOT NULL,
    PRIMARY KEY (seller_id, name, warehouse_type)
);
CREATE TABLE {S}.stock (
    seller_id uuid NOT NULL REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    external_id text NOT NULL,
    warehouse text NOT NULL,
    warehouse_type text NOT NULL,
    quantity int NOT NULL,
    in_transit_to_customers int NOT NULL,
    in_transit_returns int NOT NULL,
    orders int NOT NULL,
    days_of_stock float8,
    low_stock boolean NOT NULL,
    PRIMARY KEY (seller_id, external_id, warehouse, warehouse_type)
);
CREATE TABLE {S}.order_days (
    seller_id uuid NOT NULL REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    external_id text NOT NULL,
    warehouse text NOT NULL,
    warehouse_type text NOT NULL,
    day date NOT NULL,
    orders int NOT NULL,
    cancelled int NOT NULL,
    PRIMARY KEY (seller_id, external_id, warehouse, warehouse_type, day)
);
CREATE TABLE {S}.sync_runs (
    id uuid PRIMARY KEY,
    seller_id uuid NOT NULL REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    desktop_id uuid,
    member name NOT NULL DEFAULT current_user,
    trigger text NOT NULL,
    status text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    products int NOT NULL DEFAULT 0,
    stock_rows int NOT NULL DEFAULT 0,
    orders int NOT NULL DEFAULT 0,
    requests int NOT NULL DEFAULT 0,
    rate_limited int NOT NULL DEFAULT 0,
    error_stage text NOT NULL DEFAULT '',
    error_endpoint text NOT NULL DEFAULT '',
    error_message text NOT NULL DEFAULT '',
    error_problem text NOT NULL DEFAULT '',
    stages text NOT NULL DEFAULT '[]',
    {CHANGED}
);
CREATE INDEX ix_sync_runs_seller_started ON {S}.sync_runs (seller_id, started_at);
CREATE INDEX ix_sync_runs_changed ON {S}.sync_runs (changed_xid);
CREATE TABLE {S}.leases (
    seller_id uuid PRIMARY KEY REFERENCES {S}.sellers (id) ON DELETE CASCADE,
    holder name NOT NULL DEFAULT current_user,
    desktop_id uuid NOT NULL,
    desktop_name text NOT NULL DEFAULT '',
    claimed_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    -- The last sync that ended on the lease, and by whom: a sync asked before it is not run.
    synced_at timestamptz,
    synced_by name,
    synced_desktop_id uuid,
    synced_desktop text NOT NULL DEFAULT ''
);
CREATE TABLE {S}.member_keys (
    member name PRIMARY KEY DEFAULT current_user,
    public_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {S}.key_grants (
    member name NOT NULL,
    key_version int NOT NULL,
    wrapped bytea NOT NULL,
    PRIMARY KEY (member, key_version)
);
"""

# Tables a desktop pulls by ``changed_xid`` (docs/team.md, "The shared schema").
PULLED = ("desktops", "sellers", "seller_secrets", "seller_state", "sync_runs")
# Tables whose changes wake the other desktops, and the column naming the seller.
NOTIFYING = {"sellers": "id", "seller_state": "seller_id", "sync_runs": "seller_id",
             "leases": "seller_id"}  # fmt: skip

FUNCTIONS = f"""
CREATE FUNCTION {S}.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_xid := pg_current_xact_id();
    RETURN NEW;
END $$;
CREATE FUNCTION {S}.notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_data jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
BEGIN
    PERFORM pg_notify('stock_tracker', TG_TABLE_NAME || ':' || (row_data ->> TG_ARGV[0]));
    RETURN NULL;
END $$;
"""


def _grant(privileges: str, table: str, role: str) -> str:
    return f"GRANT {privileges} ON {S}.{table} TO {role};"


def _policy(name: str, table: str, command: str, role: str, using: str, check: str = "") -> str:
    clauses = ""
    if command in ("SELECT", "UPDATE", "DELETE", "ALL"):
        clauses += f" USING ({using})"
    if command in ("INSERT", "UPDATE", "ALL"):
        clauses += f" WITH CHECK ({check or using})"
    return f"CREATE POLICY {name} ON {S}.{table} FOR {command} TO {role}{clauses};"


def _security(names: RoleNames) -> list[str]:
    """Grants say which statements a group may run; policies which rows (docs/team.md)."""
    viewer, user = names.group(TeamRole.VIEWER), names.group(TeamRole.USER)
    admin, owner = names.group(TeamRole.ADMIN), names.group(TeamRole.OWNER)
    mine = "member = current_user"
    read_all = [(t, viewer) for t in ("team", "desktops", "sellers", "seller_state", "products",
                "warehouses", "stock", "order_days", "sync_runs", "leases")]  # fmt: skip
    statements = [f"GRANT USAGE ON SCHEMA {S} TO {viewer};"]
    statements += [_grant("SELECT", t, r) for t, r in read_all]
    statements += [_policy("read", t, "SELECT", r, "true") for t, r in read_all]
    statements += [
        _grant("UPDATE", "team", owner),
        _policy("owner_updates", "team", "UPDATE", owner, "true"),
        _grant("INSERT, UPDATE", "desktops", viewer),
        _policy("own_desktop_added", "desktops", "INSERT", viewer, "", mine),
        _policy("own_desktop_changed", "desktops", "UPDATE", viewer, mine),
        _grant("DELETE", "desktops", owner),
        _policy("owner_removes_desktops", "desktops", "DELETE", owner, "true"),
        _grant("INSERT, UPDATE, DELETE", "sellers", admin),
        _policy("admin_writes", "sellers", "ALL", admin, "true"),
        _grant("SELECT", "seller_secrets", user),
        _policy("user_reads", "seller_secrets", "SELECT", user, "true"),
        _grant("INSERT, UPDATE, DELETE", "seller_secrets", admin),
        _policy("admin_writes", "seller_secrets", "ALL", admin, "true"),
        _grant("INSERT, UPDATE", "sync_runs", user),
        _policy("own_runs_added", "sync_runs", "INSERT", user, "", mine),
        _policy("own_runs_changed", "sync_runs", "UPDATE", user, mine),
        _grant("INSERT, UPDATE, DELETE", "leases", user),
        _policy("claims", "leases", "INSERT", user, "", "holder = current_user"),
        _policy("renews_or_takes_expired", "leases", "UPDATE", user,
                "holder = current_user OR expires_at < now()", "holder = current_user"),
        _policy("releases", "leases", "DELETE", user,
                "holder = current_user OR expires_at < now()"),
        _grant("SELECT, INSERT, UPDATE", "member_keys", user),
        _policy("own_key_read", "member_keys", "SELECT", user, mine),
        _policy("own_key_added", "member_keys", "INSERT", user, "", mine),
        _policy("own_key_changed", "member_keys", "UPDATE", user, mine),
        _grant("DELETE", "member_keys", owner),
        _policy("owner_reads_keys", "member_keys", "SELECT", owner, "true"),
        _policy("owner_removes_keys", "member_keys", "DELETE", owner, "true"),
        _grant("SELECT", "key_grants", user),
        _policy("own_grants", "key_grants", "SELECT", user, mine),
        _grant("INSERT, UPDATE, DELETE", "key_grants", owner),
        _policy("owner_grants", "key_grants", "ALL", owner, "true"),
    ]  # fmt: skip
    for table in ("seller_state", "products", "warehouses", "stock", "order_days"):
        statements.append(_grant("INSERT, UPDATE, DELETE", table, user))
        statements.append(_policy("user_writes", table, "ALL", user, "true"))
    return statements


VIEWS = f"""
CREATE VIEW {S}.current_stock WITH (security_invoker = true) AS
SELECT s.name AS seller, s.marketplace, st.external_id, p.vendor_code, p.name AS product,
       p.brand, p.subject, st.warehouse, st.warehouse_type, st.quantity,
       st.in_transit_to_customers, st.in_transit_returns, st.orders, st.days_of_stock,
       st.low_stock, state.taken_at
FROM {S}.stock st
JOIN {S}.sellers s ON s.id = st.seller_id
LEFT JOIN {S}.products p ON p.seller_id = st.seller_id AND p.external_id = st.external_id
LEFT JOIN {S}.seller_state state ON state.seller_id = st.seller_id
WHERE s.deleted_at IS NULL AND s.archived_at IS NULL;

CREATE VIEW {S}.low_stock WITH (security_invoker = true) AS
SELECT * FROM {S}.current_stock WHERE low_stock;

CREATE VIEW {S}.failing_syncs WITH (security_invoker = true) AS
SELECT s.name AS seller, s.marketplace, r.status, r.started_at, r.finished_at, r.error_stage,
       r.error_message, r.member
FROM (
    SELECT DISTINCT ON (seller_id) * FROM {S}.sync_runs
    WHERE status <> 'running' ORDER BY seller_id, started_at DESC
) r
JOIN {S}.sellers s ON s.id = r.seller_id
WHERE s.deleted_at IS NULL AND s.archived_at IS NULL
  AND r.status IN ('failed', 'partly_succeeded', 'interrupted');

CREATE VIEW {S}.tokens_expiring WITH (security_invoker = true) AS
SELECT s.name AS seller, s.marketplace,
       COALESCE(state.token_expires_at, s.token_expires_at) AS expires_at
FROM {S}.sellers s
LEFT JOIN {S}.seller_state state ON state.seller_id = s.id
WHERE s.deleted_at IS NULL AND s.archived_at IS NULL
  AND COALESCE(state.token_expires_at, s.token_expires_at) < now() + interval '14 days';
"""
BI_VIEWS = ("current_stock", "low_stock", "failing_syncs", "tokens_expiring")


def upgrade() -> None:
    prefix = op.get_bind().exec_driver_sql("SELECT current_setting('stock_tracker.prefix')")
    names = RoleNames(str(prefix.scalar_one()))
    op.execute(TABLES)
    op.execute(FUNCTIONS)
    tables = ("team", "desktops", "sellers", "seller_secrets", "seller_state", "products",
              "warehouses", "stock", "order_days", "sync_runs", "leases", "member_keys",
              "key_grants")  # fmt: skip
    for table in tables:
        op.execute(f"ALTER TABLE {S}.{table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {S}.{table} FORCE ROW LEVEL SECURITY")
        op.execute(_policy("schema_owner", table, "ALL", names.schema_owner, "true"))
    for table in PULLED:
        op.execute(
            f"CREATE TRIGGER touch BEFORE UPDATE ON {S}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {S}.touch()"
        )
    for table, column in NOTIFYING.items():
        op.execute(
            f"CREATE TRIGGER notify AFTER INSERT OR UPDATE OR DELETE ON {S}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {S}.notify_change('{column}')"
        )
    for statement in _security(names):
        op.execute(statement)
    op.execute(VIEWS)
    for view in BI_VIEWS:
        op.execute(f"GRANT SELECT ON {S}.{view} TO {names.group(TeamRole.VIEWER)}")
    op.execute(f"GRANT SELECT ON {S}.alembic_version TO {names.group(TeamRole.VIEWER)}")


def downgrade() -> None:
    raise NotImplementedError("the shared schema is never downgraded: restore a backup")
