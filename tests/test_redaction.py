"""Secrets never reach a log line, whatever code logs them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from stock_tracker_desktop.logs import LOG_FILE, configure_logging, logs_dir
from stock_tracker_desktop.security.redaction import redact
from tests.support.tokens import wb_token

OZON_KEY = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"GET /ping Authorization: {wb_token()}", "eyJ"),
        (f"headers={{'Authorization': 'Bearer {wb_token()}'}}", "eyJ"),
        (f"Api-Key: {OZON_KEY}", OZON_KEY),
        (json.dumps({"client_id": "1", "api_key": OZON_KEY}), OZON_KEY),
        (json.dumps({"private_key": PEM}), "MIIEvQ"),
        (PEM, "MIIEvQ"),
        ("PRAGMA key = \"x'" + "ab" * 32 + "'\"", "abab"),
        ("passphrase=correct-horse", "correct-horse"),
        ('passphrase="correct horse battery"', "horse"),
        ("{'password': 'two words'}", "words"),
    ],
    # Named, not shown: a token's text changes with the clock, and the test workers must
    # collect the same ids.
    ids=[
        "wb-token-header",
        "wb-token-dict",
        "ozon-key-header",
        "ozon-key-json",
        "pem-in-json",
        "pem",
        "sqlcipher-pragma",
        "passphrase",
        "quoted-passphrase",
        "password",
    ],
)
def test_redact_removes_secrets(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_ordinary_text_is_left_alone() -> None:
    text = "synced Acme: 1520 products, 3 warehouses, tenant 6f1c… in 2.3 s"
    assert redact(text) == text


def test_log_files_carry_no_secret(isolated_home: Path) -> None:
    configure_logging(isolated_home)
    token = wb_token()
    log = logging.getLogger("stock_tracker_desktop.test")
    log.warning("request failed with Authorization: %s", token)
    try:
        raise RuntimeError(f"bad answer for Api-Key: {OZON_KEY}")
    except RuntimeError:
        log.exception("while syncing")
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = (logs_dir(isolated_home) / LOG_FILE).read_text()
    assert "request failed" in written
    assert "while syncing" in written
    assert token not in written
    assert OZON_KEY not in written
    assert (logs_dir(isolated_home) / LOG_FILE).stat().st_mode & 0o077 == 0
