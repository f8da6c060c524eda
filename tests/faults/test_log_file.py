"""A log file that cannot be written never stops a command: one warning, then no file log."""

from __future__ import annotations

import shutil
from pathlib import Path

from stock_tracker_desktop.logs import LOG_FILE, logs_dir
from tests.support.cli import run_cli


def _installed(home: Path) -> Path:
    """A working installation; returns where its log file lives."""
    assert run_cli("tenants", "list").returncode == 0
    log_file = logs_dir(home) / LOG_FILE
    assert log_file.is_file()
    return log_file


def _warning(log_file: Path, why: str) -> str:
    return (
        f"stock-tracker: warning: cannot write the log file {log_file} ({why}); going on without it"
    )


def test_a_folder_in_place_of_the_log_file(isolated_home: Path) -> None:
    log_file = _installed(isolated_home)
    log_file.unlink()
    (log_file / "something").mkdir(parents=True)
    result = run_cli("db", "status")
    assert result.returncode == 0, result.stderr
    assert "Schema:" in result.stdout
    assert result.stderr.splitlines() == [_warning(log_file, "Is a directory")]


def test_a_file_in_place_of_the_log_folder(isolated_home: Path) -> None:
    log_file = _installed(isolated_home)
    shutil.rmtree(log_file.parent)
    log_file.parent.write_text("not a folder")
    result = run_cli("db", "status")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [_warning(log_file, "File exists")]


def test_a_rollover_that_fails_warns_once(isolated_home: Path) -> None:
    log_file = _installed(isolated_home)
    with open(log_file, "ab") as handle:
        handle.truncate(2_000_000)  # full: the next line rolls the file over
    # The rollover moves .4 to .5 (removing the oldest first): a folder there is in the way.
    log_file.with_name(LOG_FILE + ".4").write_text("old lines\n")
    (log_file.with_name(LOG_FILE + ".5") / "kept").mkdir(parents=True)
    result = run_cli("db", "status")  # the migration check logs a few lines
    assert result.returncode == 0, result.stderr
    assert "Schema:" in result.stdout
    assert result.stderr.splitlines() == [_warning(log_file, "Is a directory")]
    assert log_file.stat().st_size == 2_000_000  # not written past the failure
