"""Running the real `stock-tracker` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def _command(args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "stock_tracker_desktop", *args]


def _env(env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}


def run_cli(
    *args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(args),
        input=input,
        capture_output=True,
        text=True,
        env=_env(env),
        timeout=timeout,
        check=False,
    )


def start_cli(*args: str, env: dict[str, str] | None = None, **popen: Any) -> subprocess.Popen[str]:
    """The command running in the background, to read while it runs or to send a signal."""
    return subprocess.Popen(_command(args), env=_env(env), text=True, **popen)


def cli_json(*args: str, **kwargs: Any) -> Any:
    result = run_cli(*args, "--json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
