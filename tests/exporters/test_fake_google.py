"""The fake Google itself: it refuses what Google refuses, so the exporter tests mean something."""

from __future__ import annotations

import json

import httpx
from google.oauth2 import service_account

from stock_tracker_desktop.exporters.sheets_http import SheetsSession, Traffic
from stock_tracker_desktop.exporters.sheets_pacer import SheetsQuota
from tests.fake_sheets import RunningGoogle

SCOPE = "https://www.googleapis.com/auth/spreadsheets"


def _session(google: RunningGoogle, email: str) -> SheetsSession:
    info = json.loads(google.fake.add_account(email))
    credentials = service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
    traffic = Traffic(email, SheetsQuota(time_factor=0.01), google.base_url)
    return SheetsSession(credentials, traffic)


def test_requests_outside_the_spec_are_refused(google: RunningGoogle) -> None:
    email = "validator@x.iam.gserviceaccount.com"
    session = _session(google, email)
    sheet_id = google.fake.add_spreadsheet("S", shared={email: "writer"})
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{sheet_id}:batchUpdate"
    bad = {"requests": [{"addSheet": {"properties": {"sheetId": "one", "title": "T"}}}]}
    answer = session.post(url, json=bad)
    assert answer.status_code == 400
    assert answer.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert len(google.fake.violations) == 1
    assert "'one' is not of type 'integer'" in google.fake.violations[0]
    assert [s.title for s in google.fake.book(sheet_id).sheets] == ["Sheet1"]
    google.fake.violations.clear()  # provoked on purpose
    good = {"requests": [{"addSheet": {"properties": {"sheetId": 5, "title": "T"}}}]}
    assert session.post(url, json=good).status_code == 200
    assert [s.title for s in google.fake.book(sheet_id).sheets] == ["Sheet1", "T"]


def test_no_token_no_data(google: RunningGoogle) -> None:
    sheet_id = google.fake.add_spreadsheet("S", shared={"a@x.iam.gserviceaccount.com": "writer"})
    answer = httpx.get(f"{google.base_url}/v4/spreadsheets/{sheet_id}")
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"
    forged = httpx.post(
        f"{google.base_url}/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "x.y.z"},
    )
    assert forged.status_code == 400 and forged.json()["error"] == "invalid_grant"
