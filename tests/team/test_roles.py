"""The shared schema and its roles on a real PostgreSQL: the server itself refuses what a role
may not do (docs/team.md, "Roles")."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from stock_tracker_desktop.team import roles
from stock_tracker_desktop.team.names import SCHEMA, RoleNames, TeamRole, role_prefix
from tests.support.pg_cluster import PgCluster


class Team:
    """A team on the test's database: its owner and one login per role."""

    def __init__(self, pg: PgCluster, database: str) -> None:
        self.pg, self.database = pg, database
        with psycopg.connect(pg.dsn(database)) as conn:
            owner = roles.init_team(conn, "Agency", "olga")
        assert owner is not None
        self.logins = {TeamRole.OWNER: owner}
        self.names = RoleNames(role_prefix(database))
        with self.connect(TeamRole.OWNER) as conn:
            for role, name in (
                (TeamRole.VIEWER, "vera"),
                (TeamRole.USER, "ulya"),
                (TeamRole.ADMIN, "adam"),
            ):
                self.logins[role] = roles.create_member(conn, self.names, name, role)
            conn.commit()

    def connect(self, role: TeamRole) -> psycopg.Connection:
        login = self.logins[role]
        return psycopg.connect(self.pg.dsn(self.database, login.login, login.password))


@pytest.fixture
def team(pg: PgCluster, team_database: str) -> Team:
    return Team(pg, team_database)


def add_seller(conn: psycopg.Connection, name: str = "Acme") -> uuid.UUID:
    seller = uuid.uuid4()
    conn.execute(
        "INSERT INTO sellers (id, name, name_key, marketplace) VALUES (%s, %s, %s, 'wb')",
        (seller, name, name.lower()),
    )
    return seller


def refused(conn: psycopg.Connection, statement: str, params: tuple[object, ...] = ()) -> str:
    """The SQLSTATE the server answers ``statement`` with (the transaction is rolled back)."""
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, params)
    conn.rollback()
    return caught.value.sqlstate or ""


def test_every_object_belongs_to_the_schema_owner_and_is_forced_under_its_policies(
    team: Team,
) -> None:
    with psycopg.connect(team.pg.dsn(team.database)) as conn:
        tables = conn.execute(
            """SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity,
                      c.relforcerowsecurity
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname <> 'alembic_version'""",
            (SCHEMA,),
        ).fetchall()
        owners = conn.execute(
            """SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s""",
            (SCHEMA,),
        ).fetchall()
        schema_owner = conn.execute(
            "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = %s", (SCHEMA,)
        ).fetchone()
        can_login = conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (team.names.schema_owner,)
        ).fetchone()
    assert len(tables) == 13
    assert {(owner, rls, forced) for _, owner, rls, forced in tables} == {
        (team.names.schema_owner, True, True)
    }
    assert owners == [(team.names.schema_owner,)]
    assert schema_owner == (team.names.schema_owner,)
    assert can_login == (False,)


def test_a_viewer_reads_but_the_server_refuses_its_writes_and_hides_the_secrets(
    team: Team,
) -> None:
    with team.connect(TeamRole.ADMIN) as admin:
        seller = add_seller(admin)
        admin.execute(
            "INSERT INTO seller_secrets (seller_id, key_version, ciphertext) VALUES (%s, 1, 'x')",
            (seller,),
        )
        admin.commit()
    with team.connect(TeamRole.VIEWER) as viewer:
        assert viewer.execute("SELECT name FROM sellers").fetchall() == [("Acme",)]
        assert refused(viewer, "SELECT * FROM seller_secrets") == "42501"
        assert refused(viewer, "UPDATE sellers SET notes = 'mine'") == "42501"
        assert (
            refused(
                viewer,
                "INSERT INTO leases (seller_id, desktop_id, expires_at) "
                "VALUES (%s, gen_random_uuid(), now())",
                (seller,),
            )
            == "42501"
        )
        assert (
            refused(
                viewer,
                "INSERT INTO sync_runs (id, seller_id, trigger, status, started_at) "
                "VALUES (gen_random_uuid(), %s, 'manual', 'succeeded', now())",
                (seller,),
            )
            == "42501"
        )
        # No SET ROLE into a group it is not in: a login is the boundary.
        assert refused(viewer, f"SET ROLE {team.names.group(TeamRole.ADMIN)}") == "42501"


def test_a_user_syncs_but_does_not_change_sellers_nor_write_runs_as_someone_else(
    team: Team,
) -> None:
    with team.connect(TeamRole.ADMIN) as admin:
        seller = add_seller(admin)
        admin.commit()
    with team.connect(TeamRole.USER) as user:
        assert user.execute("SELECT count(*) FROM seller_secrets").fetchone() == (0,)
        assert refused(user, "DELETE FROM sellers") == "42501"
        run = (
            "INSERT INTO sync_runs (id, seller_id, member, trigger, status, started_at) "
            "VALUES (gen_random_uuid(), %s, %s, 'manual', 'succeeded', now())"
        )
        user.execute(run, (seller, team.logins[TeamRole.USER].login))
        user.commit()
        # Row-level security: a run recorded in another member's name is refused.
        assert refused(user, run, (seller, team.logins[TeamRole.ADMIN].login)) == "42501"
        assert (
            user.execute(
                "UPDATE sync_runs SET status = 'failed' WHERE member <> current_user"
            ).rowcount
            == 0
        )


def test_an_admin_changes_sellers_but_only_the_owner_manages_members(team: Team) -> None:
    with team.connect(TeamRole.ADMIN) as admin:
        add_seller(admin, "Boutique")
        admin.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            roles.create_member(admin, team.names, "eve", TeamRole.ADMIN)
        admin.rollback()
    with team.connect(TeamRole.OWNER) as owner:
        eve = roles.create_member(owner, team.names, "eve", TeamRole.USER)
        owner.commit()
        assert {m.name: m.role for m in roles.list_members(owner, team.names)} == {
            "adam": TeamRole.ADMIN,
            "eve": TeamRole.USER,
            "olga": TeamRole.OWNER,
            "ulya": TeamRole.USER,
            "vera": TeamRole.VIEWER,
        }
        roles.drop_member(owner, team.names, "eve")
        owner.commit()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(team.pg.dsn(team.database, eve.login, eve.password)).close()


def test_a_revoked_member_is_cut_off_at_once(team: Team) -> None:
    """Dropping the login also ends the sessions it has open."""
    user = team.connect(TeamRole.USER)
    assert user.execute("SELECT 1").fetchone() == (1,)
    user.commit()
    with team.connect(TeamRole.OWNER) as owner:
        roles.drop_member(owner, team.names, "ulya")
        owner.commit()
    with pytest.raises(psycopg.OperationalError):
        user.execute("SELECT 1")
    user.close()


def test_only_members_may_connect_to_the_teams_database(team: Team) -> None:
    with psycopg.connect(team.pg.dsn(team.database), autocommit=True) as su:
        su.execute("CREATE ROLE outsider_of_team LOGIN PASSWORD 'outsider-pass'")
    try:
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(team.pg.dsn(team.database, "outsider_of_team", "outsider-pass")).close()
    finally:
        with psycopg.connect(team.pg.dsn(team.database), autocommit=True) as su:
            su.execute("DROP ROLE outsider_of_team")


def test_init_again_upgrades_in_place_and_keeps_members_and_data(team: Team) -> None:
    with team.connect(TeamRole.ADMIN) as admin:
        add_seller(admin)
        admin.commit()
    with psycopg.connect(team.pg.dsn(team.database)) as conn:
        assert roles.init_team(conn, "Agency", "olga") is None
        assert roles.schema_revision(conn) == "0001"
    with team.connect(TeamRole.VIEWER) as viewer:
        assert viewer.execute("SELECT count(*) FROM sellers").fetchone() == (1,)
        assert roles.role_of(viewer, team.names) is TeamRole.VIEWER


def test_init_by_a_login_that_may_not_create_roles_says_what_to_do(
    pg: PgCluster, team_database: str
) -> None:
    with psycopg.connect(pg.dsn(team_database), autocommit=True) as su:
        su.execute(f"CREATE ROLE {team_database}_plain LOGIN PASSWORD 'plain-pass'")
        su.execute(f'GRANT CONNECT ON DATABASE "{team_database}" TO {team_database}_plain')
    plain = pg.dsn(team_database, f"{team_database}_plain", "plain-pass")
    with (
        psycopg.connect(plain) as conn,
        pytest.raises(roles.TeamSetupError, match="a login that may create roles"),
    ):
        roles.init_team(conn, "Agency", "olga")


def test_bi_views_show_current_stock_to_a_viewer(team: Team) -> None:
    with team.connect(TeamRole.ADMIN) as admin:
        seller = add_seller(admin)
        admin.commit()
    with team.connect(TeamRole.USER) as user:
        user.execute(
            "INSERT INTO stock VALUES (%s, '101', 'Koledino', 'FBO', 0, 0, 0, 5, 0, true)",
            (seller,),
        )
        user.commit()
    with team.connect(TeamRole.VIEWER) as viewer:
        rows = viewer.execute(
            "SELECT seller, external_id, warehouse, quantity FROM low_stock"
        ).fetchall()
    assert rows == [("Acme", "101", "Koledino", 0)]
