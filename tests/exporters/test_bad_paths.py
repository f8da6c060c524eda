"""Exports to a place that cannot be written: one sentence naming the user's path (never the
hidden temporary file), exit code 2 on the command line, a failed export recorded after a sync,
and nothing half-written left behind.

The tests hold as root too (CI runs as root, where a read-only folder is still writable): a path
under a regular file, a target that is a folder, /sys (no one may create files there), /proc (no
one may create folders there) and a file-size limit that stops a write half-way.
"""

from __future__ import annotations

import resource
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.exports import ExportPathError, FileFormat, export_files
from stock_tracker_desktop.services.tenants import TenantChanges, TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository
from stock_tracker_desktop.sync.engine import SyncEngine
from tests.exporters.conftest import add_tenant, write_demo_snapshot
from tests.support.cli import run_cli
from tests.sync.conftest import add_wb

FORMATS: list[FileFormat] = ["csv", "xlsx"]
NOT_A_FOLDER = "is a file, not a folder"
NOTES = "the seller's notes\n"


@pytest.fixture
def shop(ctx: AppContext) -> str:
    write_demo_snapshot(ctx, add_tenant(ctx, "Shop"), products=200)
    return "Shop"


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    """A regular file where the user's path wants a folder."""
    path = tmp_path / "notes.txt"
    path.write_text(NOTES)
    return path


def _untouched(notes: Path) -> bool:
    return notes.read_text() == NOTES


def _leftovers(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.is_dir() for p in folder.rglob("*partial*")]


def _refused(ctx: AppContext, fmt: FileFormat, out: Path) -> str:
    """The message of an export to ``out`` that must fail, checked for what every such
    message owes the user."""
    with pytest.raises(ExportPathError) as caught:
        export_files(ctx, ["Shop"], fmt, out)
    message = str(caught.value)
    assert str(out) in message
    assert "partial" not in message and "\n" not in message
    assert message.count(". ") == 0  # one sentence
    return message


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("below", ["out.{fmt}", "sub/out.{fmt}", "folder"])
def test_a_file_where_a_folder_should_be(
    ctx: AppContext, shop: str, a_file: Path, fmt: FileFormat, below: str
) -> None:
    out = a_file / below.format(fmt=fmt)
    message = _refused(ctx, fmt, out)
    assert f"{a_file} {NOT_A_FOLDER}" in message
    assert message.endswith("; choose a folder instead")
    assert _untouched(a_file)
    assert _leftovers(a_file.parent) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_folder_where_the_file_should_be(
    ctx: AppContext, shop: str, tmp_path: Path, fmt: FileFormat
) -> None:
    folder = tmp_path / "exports"
    target = export_files(ctx, [shop], fmt, folder)  # the file name a folder export picks
    target.unlink()
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    message = _refused(ctx, fmt, folder)
    assert f"to {target}: a folder of that name is in the way" in message
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert _leftovers(folder) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_folder_no_one_may_write_into(ctx: AppContext, shop: str, fmt: FileFormat) -> None:
    out = Path("/sys") / f"stock-tracker-test-export.{fmt}"
    message = _refused(ctx, fmt, out)
    assert "choose a folder you can write to" in message
    assert not out.exists()


def test_a_folder_that_cannot_be_created(ctx: AppContext, shop: str) -> None:
    out = Path("/proc/stock-tracker-reports/today/out.csv")
    message = _refused(ctx, "csv", out)
    assert "/proc/stock-tracker-reports does not exist and cannot be created" in message
    assert not Path("/proc/stock-tracker-reports").exists()
    # as root "takes no new files", otherwise "permission denied"
    assert "choose a folder you can write to" in _refused(ctx, "csv", Path("/proc/out.csv"))


@contextmanager
def _file_size_limit(limit: int) -> Iterator[None]:
    """Files of this process may not grow beyond ``limit`` bytes (root included): a write
    beyond fails with EFBIG, as a full disk fails with ENOSPC."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills us
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_write_that_fails_half_way_keeps_the_old_file(
    ctx: AppContext, shop: str, tmp_path: Path, fmt: FileFormat
) -> None:
    target = tmp_path / f"stock.{fmt}"
    good = export_files(ctx, [shop], fmt, target).read_bytes()
    assert len(good) > 8192
    with _file_size_limit(4096):
        message = _refused(ctx, fmt, target)
    assert "free some space or choose another folder" in message
    assert target.read_bytes() == good
    assert _leftovers(tmp_path) == []


def test_the_command_says_what_is_wrong_with_exit_code_2(
    ctx: AppContext, shop: str, a_file: Path
) -> None:
    for fmt, out in (("csv", a_file / "out.csv"), ("xlsx", Path("/sys/stock-tracker-test.xlsx"))):
        result = run_cli("export", fmt, "--tenant", shop, "--out", str(out))
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("stock-tracker: "), result.stderr
        assert str(out) in lines[0] and "partial" not in lines[0]
        assert "Traceback" not in result.stderr
    assert _leftovers(a_file.parent) == []


async def test_a_sync_records_the_failed_export_in_those_words(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator], a_file: Path
) -> None:
    sim = point_clients_at(seed=11, sellers=1, products=10, time_factor=0.01)
    add_wb(ctx, sim.world.sellers[0], "Acme")
    overrides = {"export_folder": str(a_file), "export_formats": ["csv", "xlsx"]}
    TenantService(ctx).edit("Acme", TenantChanges(overrides=overrides))
    engine = SyncEngine(ctx)
    try:
        [outcome] = await engine.sync(["Acme"])
    finally:
        await engine.aclose()
    assert outcome.status is RunStatus.PARTLY_SUCCEEDED
    run = SyncRunRepository(ctx.database).history()[0]
    assert run.error_stage == "export"
    assert run.error_message is not None
    for fmt in ("CSV", "XLSX"):
        assert f"{fmt}: cannot write the export to {a_file}/stock-Acme-" in run.error_message
    assert run.error_message.count(f"{a_file} {NOT_A_FOLDER}") == 2
    assert "partial" not in run.error_message
    assert _untouched(a_file)
