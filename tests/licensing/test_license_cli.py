"""`stock-tracker license ...` and the plan's limits as a user meets them on the command line:
the real command in a subprocess, against the simulator's licensing service."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from stock_tracker_desktop.config import LICENSE_KEY_ENV
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.licensing import LicensingClient
from stock_tracker_desktop.licensing.fingerprint import machine_fingerprint
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.licence import LicenceService
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.simulator import KeygenWorld, RunningSimulator
from tests.licensing.conftest import activate
from tests.support.cli import cli_json, run_cli
from tests.support.tokens import wb_token

DAY = 86400
Env = dict[str, str]


@pytest.fixture
def env(sim: RunningSimulator, keygen: KeygenWorld, monkeypatch: pytest.MonkeyPatch) -> Env:
    """The command asks this module's licensing service and holds no licence to begin with."""
    monkeypatch.delenv(LICENSE_KEY_ENV)
    return sim.licensing_env()


def _status(env: Env) -> dict[str, object]:
    result = run_cli("license", "status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_activate_status_deactivate(env: Env, keygen: KeygenWorld) -> None:
    assert _status(env)["state"] == "none"
    licence = keygen.add_licence(plan="pro", max_machines=2, name="Acme agency")

    activated = run_cli("license", "activate", "--key-env", "KEY", env={**env, "KEY": licence.key})
    assert activated.returncode == 0, activated.stderr
    assert "Plan:       Pro (valid, confirmed by the licensing service)" in activated.stdout
    assert "Sellers:    0 of 50" in activated.stdout
    assert "Machines:   at most 2 (team members count as machines)" in activated.stdout
    assert licence.key not in activated.stdout + activated.stderr

    status = _status(env)
    assert status["state"] == "active" and status["plan"]["code"] == "pro"
    assert status["name"] == "Acme agency" and status["grace_days_left"] == 14
    assert len(keygen.machines(licence.key)) == 1

    freed = run_cli("license", "deactivate", env=env)
    assert freed.returncode == 0, freed.stderr
    assert keygen.machines(licence.key) == [] and _status(env)["state"] == "none"


def test_a_key_the_service_does_not_know_is_refused(env: Env) -> None:
    result = run_cli("license", "activate", "--key-env", "KEY", env={**env, "KEY": "NOPE-0000"})
    assert result.returncode == 2
    assert "does not know this key" in result.stderr and "nothing was changed" in result.stderr
    assert _status(env)["state"] == "none"


def test_the_free_plans_seller_limit_says_what_to_do(env: Env) -> None:
    for index in range(4):
        result = run_cli(
            "tenants", "add", "--name", f"Shop {index}", "--marketplace", "wildberries",
            "--token-env", "TOKEN",
            env={**env, "TOKEN": wb_token()},
        )  # fmt: skip
        assert result.returncode == (0 if index < 3 else 2), result.stderr
    assert "your plan (Free) manages 3 sellers; archive one or upgrade" in result.stderr


def test_an_air_gapped_desktop_imports_its_machine_file(
    env: Env,
    keygen: KeygenWorld,
    client: LicensingClient,
    isolated_home: Path,
    tmp_path: Path,
) -> None:
    licence = keygen.add_licence(plan="agency")
    fingerprint = machine_fingerprint(isolated_home)
    activate(client, licence, fingerprint)  # the licence portal activates it for the office
    good = tmp_path / "machine.lic"
    good.write_text(keygen.issue_machine_file(licence.key, fingerprint, 30 * DAY))
    with_key = {**env, "KEY": licence.key}

    imported = run_cli("license", "import", str(good), "--key-env", "KEY", env=with_key)
    assert imported.returncode == 0, imported.stderr
    assert "Plan:       Agency (valid by an imported machine file (offline))" in imported.stdout
    assert "File until:" in imported.stdout

    tampered = tmp_path / "tampered.lic"
    text = good.read_text()
    middle = len(text) // 2
    tampered.write_text(text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1 :])
    refused = run_cli("license", "import", str(tampered), "--key-env", "KEY", env=with_key)
    assert refused.returncode == 2 and "nothing was changed" in refused.stderr

    expired = tmp_path / "expired.lic"
    issued = keygen.clock() - timedelta(days=2)
    expired.write_text(keygen.issue_machine_file(licence.key, fingerprint, DAY, issued=issued))
    late = run_cli("license", "import", str(expired), "--key-env", "KEY", env=with_key)
    assert late.returncode == 2 and "expired" in late.stderr
    assert _status(env)["state"] == "machine-file"  # the good file still holds


def test_after_a_downgrade_the_sellers_beyond_the_limit_show_as_paused(
    env: Env, keygen: KeygenWorld, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ctx = AppContext.open(lambda: None, isolated_home)
    try:
        LicenceService(ctx).activate(keygen.add_licence(plan="start").key)
        for index in range(4):
            TenantService(ctx).add(
                TenantDraft(f"Shop {index}", Marketplace.WILDBERRIES, token=wb_token())
            )
    finally:
        ctx.close()
    assert run_cli("license", "deactivate", env=env).returncode == 0

    listed = run_cli("tenants", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Shop 3" in next(line for line in listed.stdout.splitlines() if "paused (plan)" in line)
    assert "1 seller(s) paused beyond the plan's limit" in listed.stderr
    as_json = cli_json("tenants", "list", env=env)
    assert [t["name"] for t in as_json if t["paused"]] == ["Shop 3"]
    shown = run_cli("tenants", "show", "Shop 3", env=env)
    assert "State:           paused (plan)" in shown.stdout
