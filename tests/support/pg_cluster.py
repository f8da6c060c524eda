"""A throwaway PostgreSQL cluster for the team-mode tests: ``initdb`` into a temporary folder and
``pg_ctl`` as an unprivileged user (PostgreSQL refuses to run as root, and CI runs as root).

The cluster listens on 127.0.0.1 with SCRAM passwords, as an agency's server would; the
superuser connects with a password too. Each test gets a database of its own
(``PgCluster.new_database``); roles are cluster-wide, so the team's role names derive from the
database's name and tests never see each other's roles.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BIN_CANDIDATES = (
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
)
UNPRIVILEGED_USER = "postgres"


def find_bin_dir() -> Path:
    """Debian keeps the server's programs out of PATH; ``pg_config --bindir`` may be missing."""
    for candidate in BIN_CANDIDATES:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
        "apt-get install postgresql"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    root: Path
    port: int
    password: str
    bin_dir: Path = field(default_factory=find_bin_dir)
    _databases: int = 0

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def dsn(self, database: str = "postgres", user: str = "postgres", password: str = "") -> str:
        return (
            f"host=127.0.0.1 port={self.port} dbname={database} user={user} "
            f"password={password or self.password} connect_timeout=5 "
            # the team's schema first, as the app's own connections have it
            "options='-c search_path=stock_tracker,public'"
        )

    def _as_owner(self, *argv: str) -> subprocess.CompletedProcess[str]:
        command = list(argv)
        if os.geteuid() == 0:
            command = ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)

    def init(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password)
        if os.geteuid() == 0:
            owner = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        self._as_owner(
            str(self.bin_dir / "initdb"),
            "-D", str(self.data_dir),
            "-U", "postgres",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            f"--pwfile={pwfile}",
            "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        pwfile.unlink()
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 200\nshared_buffers = 64MB\n"
            )

    def start(self) -> None:
        self._as_owner(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file),
            "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash: no checkpoint, every connection cut."""
        self._as_owner(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop"
        )

    def running(self) -> bool:
        try:
            self._as_owner(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "status")
        except subprocess.CalledProcessError:
            return False
        return True

    def new_database(self, prefix: str = "team") -> str:
        """A fresh, empty database; its name is unique in the cluster's life."""
        import psycopg

        self._databases += 1
        name = f"{prefix}{self._databases}_{secrets.token_hex(3)}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_roles_of(self, database: str) -> None:
        """Drop the database and the roles named after it (a test's team leaves nothing)."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            roles = conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{database}\\_%",)
            ).fetchall()
            for (role,) in roles:
                with contextlib.suppress(psycopg.Error):
                    conn.execute(f'DROP ROLE "{role}"')


def start_cluster() -> PgCluster:
    root = Path(tempfile.mkdtemp(prefix="st-pg-"))
    cluster = PgCluster(root=root, port=free_port(), password=secrets.token_urlsafe(16))
    cluster.init()
    cluster.start()
    return cluster


def remove_cluster(cluster: PgCluster) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):
        if cluster.running():
            cluster.stop("immediate")
    shutil.rmtree(cluster.root, ignore_errors=True)
