"""Desktops of one team as a person runs them: each is a data directory (STOCK_TRACKER_HOME)
and a keyring file of its own, and every call starts the real `stock-tracker` command against
it, in a subprocess (tests/support/cli.py)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.cli import run_cli
from tests.support.file_keyring import ENV as TEST_KEYRING_ENV

INVITATION_PASSPHRASE = "invitation passphrase for the test"
Result = subprocess.CompletedProcess[str]


def said(result: Result) -> str:
    """Everything the command printed, for assertion messages."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


@dataclass
class CliDesktop:
    """One installation; ``env`` is added to every command's environment (the simulator's)."""

    name: str
    folder: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.folder / self.name / "home"

    def run(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        keyring = self.folder / self.name / "keyring.json"
        keyring.parent.mkdir(parents=True, exist_ok=True)
        own = {
            "STOCK_TRACKER_HOME": str(self.home),
            TEST_KEYRING_ENV: str(keyring),
            "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        }
        return run_cli(*args, input=input, env={**own, **self.env, **(env or {})}, timeout=120)

    def ok(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        """The command, which must succeed without a warning of the team's server."""
        result = self.run(*args, input=input, env=env)
        assert result.returncode == 0, said(result)
        assert "server cannot be used now" not in result.stderr, said(result)
        return result

    def json(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", env=env).stdout)

    def refused(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> str:
        """The command, which must fail as a usage or input error (exit 2); its message."""
        result = self.run(*args, input=input, env=env)
        assert result.returncode == 2, said(result)
        assert "Traceback" not in result.stderr, said(result)
        assert result.stderr.strip(), said(result)
        return result.stderr

    def status(self) -> Any:
        """``team status --json`` (None on a solo desktop); exit 1 when the server is away."""
        result = self.run("team", "status", "--json")
        assert result.returncode in (0, 1), said(result)
        return json.loads(result.stdout)

    # ----- the team commands ------------------------------------------------------------------

    def init(self, dsn: str, owner: str = "olga", team: str = "Agency") -> Result:
        return self.ok(
            "team", "init", "--dsn-env", "TEAM_DSN", "--owner", owner, "--name", team,
            env={"TEAM_DSN": dsn},
        )  # fmt: skip

    def invite(self, member: str, role: str, *, passphrase: str = INVITATION_PASSPHRASE) -> Path:
        out = self.folder / f"{member}.invitation"
        self.ok(
            "team", "invite", member, "--role", role, "--out", str(out), input=passphrase + "\n"
        )
        return out

    def join(self, invitation: Path, *, passphrase: str = INVITATION_PASSPHRASE) -> Result:
        return self.ok("team", "join", str(invitation), input=passphrase + "\n")


def team_of(
    folder: Path, dsn: str, members: dict[str, str], *, env: dict[str, str] | None = None
) -> dict[str, CliDesktop]:
    """The owner's desktop ("olga", team set up on ``dsn``) and one joined desktop per
    ``members`` entry (name: role)."""
    owner = CliDesktop("olga", folder, dict(env or {}))
    owner.init(dsn)
    desktops = {"olga": owner}
    for name, role in members.items():
        invitation = owner.invite(name, role)
        desktop = CliDesktop(name, folder, dict(env or {}))
        desktop.join(invitation)
        desktops[name] = desktop
    return desktops
