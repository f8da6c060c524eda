"""The async warehouse_remains report: new -> processing -> done, then the download."""

from __future__ import annotations

import time
import uuid

from stock_tracker_desktop.simulator.wb_api import PSEUDO_IN_WAY_TO, PSEUDO_TOTAL
from tests.simulator.helpers import wb_client


def test_report_lifecycle_and_pseudo_rows(make_simulator) -> None:
    # Scaled: "new" for 0.1 s, then "processing" for 0.2 s. Fast limits for the polling.
    sim = make_simulator(time_factor=0.05, report_new_seconds=2, report_processing_seconds=4)
    seller = sim.world.sellers[0]
    with wb_client(sim, seller) as wb:
        task = wb.get("/api/v1/warehouse_remains").json()["data"]["taskId"]
        statuses = []
        early = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            answer = wb.get(f"/api/v1/warehouse_remains/tasks/{task}/status")
            if answer.status_code == 200:
                statuses.append(answer.json()["data"]["status"])
                if early is None:
                    early = wb.get(f"/api/v1/warehouse_remains/tasks/{task}/download")
                if statuses[-1] == "done":
                    break
            time.sleep(0.05)
        time.sleep(3.1)  # the download bucket (60 s x 0.05) refills
        rows = wb.get(f"/api/v1/warehouse_remains/tasks/{task}/download").json()
        missing = wb.get(f"/api/v1/warehouse_remains/tasks/{uuid.uuid4()}/status")
    assert statuses[0] == "new"
    assert "processing" in statuses
    assert statuses[-1] == "done"
    assert early is not None
    assert early.status_code == 400
    assert missing.status_code == 404
    names = {w["warehouseName"] for row in rows for w in row["warehouses"]}
    assert PSEUDO_TOTAL in names
    assert PSEUDO_IN_WAY_TO in names
    total = sum(
        w["quantity"] for r in rows for w in r["warehouses"] if w["warehouseName"] == PSEUDO_TOTAL
    )
    assert total == sum(s.quantity for s in seller.wb.fbo_stock)
