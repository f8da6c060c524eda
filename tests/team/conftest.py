"""Fixtures of the team-mode tests: one real PostgreSQL cluster per test session, a database
of its own for each test (the team's roles are named after it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.pg_cluster import PgCluster, remove_cluster, start_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = start_cluster()
    yield cluster
    remove_cluster(cluster)


@pytest.fixture
def pg(pg_cluster: PgCluster) -> Iterator[PgCluster]:
    """The cluster, running (a test that stopped it gets it back for the next one)."""
    if not pg_cluster.running():
        pg_cluster.start()
    yield pg_cluster
    if not pg_cluster.running():
        pg_cluster.start()


@pytest.fixture
def team_database(pg: PgCluster) -> Iterator[str]:
    """An empty database for one test's team; dropped with its roles afterwards."""
    name = pg.new_database()
    yield name
    pg.drop_roles_of(name)
