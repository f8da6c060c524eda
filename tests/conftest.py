"""Every test runs in its own data directory with its own keyring file: nothing a test does
reaches the developer's real data or keyring."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail as fail_keyring

from stock_tracker_desktop.config import LICENSE_KEY_ENV
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator, SimulatorConfig, start_in_thread
from stock_tracker_desktop.storage.database import CHECK_THREAD_ENV
from tests.support.file_keyring import ENV as TEST_KEYRING_ENV
from tests.support.file_keyring import FileKeyring
from tests.support.pg_cluster import PgCluster, remove_cluster, start_cluster

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A database connection taken off the engine's database thread while it works fails loudly
# (here and in the commands the tests start).
os.environ.setdefault(CHECK_THREAD_ENV, "1")
pytest_plugins = ["tests.simulator_fixtures", "tests.fake_sheets", "tests.support.qt"]
REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def licensing_service() -> Iterator[RunningSimulator]:
    """One Keygen-compatible licensing service (the simulator's) for the whole session."""
    with start_in_thread(SimulatorConfig(seed="licensing", sellers=1, products=1)) as service:
        yield service


@pytest.fixture(scope="session")
def agency_key(licensing_service: RunningSimulator) -> str:
    keygen = licensing_service.world.keygen
    return keygen.add_licence(plan="agency", max_machines=100_000, name="Test agency").key


@pytest.fixture(autouse=True)
def agency_licence(
    licensing_service: RunningSimulator, agency_key: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Every installation a test makes holds the Agency plan: the licensing client points at
    the session's service, and STOCK_TRACKER_LICENSE_KEY is activated the first time a paid
    plan is needed (docs/licensing.md). A test of the Free plan deletes that variable."""
    for name, value in licensing_service.licensing_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(LICENSE_KEY_ENV, agency_key)
    return agency_key


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("STOCK_TRACKER_HOME", str(home))
    monkeypatch.setenv(TEST_KEYRING_ENV, str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.file_keyring.FileKeyring")
    monkeypatch.delenv("STOCK_TRACKER_PASSPHRASE", raising=False)
    for name in ("STOCK_TRACKER_WB_BASE_URL", "STOCK_TRACKER_OZON_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield home
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without a usable keyring (headless Linux): the vault needs a passphrase."""
    keyring.set_keyring(fail_keyring.Keyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def ctx(isolated_home: Path) -> Iterator[AppContext]:
    """An opened installation (vault in the test keyring, database migrated)."""
    context = AppContext.open(lambda: None, isolated_home)
    yield context
    context.close()


@pytest.fixture(autouse=True)
def _drop_app_log_handlers() -> Iterator[None]:
    """configure_logging() adds root handlers into a test's data directory; remove them after."""
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_stock_tracker", False):
            root.removeHandler(handler)
            handler.close()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One real PostgreSQL cluster for the test session, started by the first test that asks
    (team mode's tests, the bundle's): initdb and pg_ctl as an unprivileged user."""
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
    """An empty database for one test's team (its roles are named after it); dropped with
    its roles afterwards."""
    name = pg.new_database()
    yield name
    pg.drop_roles_of(name)
