"""A full disk under the data directory: reading works, writing says so and changes nothing."""

from __future__ import annotations

import json

from tests.faults.small_disk import Installation, assert_only_reading_works, fill


def test_a_full_disk(installation: Installation) -> None:
    listed = installation.run("tenants", "list", "--json").stdout
    assert_only_reading_works(
        installation,
        fill,
        f"the disk holding {installation.home} is full; free some space and try again",
    )
    # The log file opens, but no line fits on the disk: one warning, then no file log.
    status = installation.run("db", "status")
    log_file = installation.home / "logs" / "stock-tracker.log"
    assert status.stderr.splitlines() == [
        f"stock-tracker: warning: cannot write the log file {log_file} (No space left on "
        "device); going on without it"
    ]
    (installation.mount / "filler").unlink()
    assert installation.run("tenants", "list", "--json").stdout == listed
    assert len(json.loads(installation.run("history", "--json").stdout)) == 3
    assert installation.run("sync", "--tenant", "Good").returncode == 0
