"""What went wrong, as a code and its parameters, rendered in the reader's language.

Errors below ui/ used to be English sentences, so a Russian window showed "token expired on
2026-11-30". Now an error carries a ``Problem``: a code and the values the sentence needs. The
sentence itself is one template per code, here; the window translates the template through Qt
(context "Problems", compiled from this file by tools/update_translations.py) and fills in the
values in its locale (dates, durations), the CLI and the logs use the English template.

A parameter named ``detail`` is text from outside (a marketplace's own words, the operating
system's): it is shown as it came, never translated. A parameter may itself be a ``Problem``
(what a licence command met, then what it did about it): it is rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeAlias


class Seconds(float):
    """A duration parameter: each reader words it in its own language ("2 h 5 min")."""


# A string: Problem is defined below, and a problem may be a parameter of another.
ParamValue: TypeAlias = "str | int | float | date | datetime | Problem"
ValueText = Callable[[ParamValue], str]


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate reads
    """Marks ``text`` for translation in ``context`` without translating it here."""
    return text


class ProblemCode(StrEnum):
    # The marketplace's answers
    CREDENTIALS_REFUSED = "credentials_refused"
    TOKEN_REFUSED = "token_refused"
    ENDPOINT_RETIRED = "endpoint_retired"
    TOO_MANY_REQUESTS = "too_many_requests"
    WAIT_TOO_LONG = "wait_too_long"
    SERVER_FAILED = "server_failed"
    ANSWER_BROKEN = "answer_broken"
    ANSWER_UNREADABLE = "answer_unreadable"
    ANSWER_TOO_LARGE = "answer_too_large"
    ANSWER_TOO_SLOW = "answer_too_slow"
    NO_ANSWER = "no_answer"
    CONNECTION_FAILED = "connection_failed"
    ANSWER_MALFORMED = "answer_malformed"
    ANSWER_MALFORMED_WHOLE = "answer_malformed_whole"
    REQUEST_REFUSED = "request_refused"
    REDIRECTED = "redirected"
    REDIRECTED_NOWHERE = "redirected_nowhere"
    CURSOR_STUCK = "cursor_stuck"
    STOCK_REPORT_DROPPED = "stock_report_dropped"
    STOCK_REPORT_NOT_READY = "stock_report_not_ready"
    # Credentials
    CREDENTIALS_MISSING = "credentials_missing"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_UNREADABLE = "token_unreadable"
    TOKEN_LACKS_CATEGORY = "token_lacks_category"
    SANDBOX_TOKEN_ON_PRODUCTION = "sandbox_token_on_production"
    PRODUCTION_TOKEN_ON_SANDBOX = "production_token_on_sandbox"
    NO_SANDBOX = "no_sandbox"
    NO_SANDBOX_FBO_STOCK = "no_sandbox_fbo_stock"
    NO_SANDBOX_CATEGORY = "no_sandbox_category"
    NO_SANDBOX_SELLER_NAME = "no_sandbox_seller_name"
    # A sync as a whole
    SELLER_DEADLINE = "seller_deadline"
    CANCELLED = "cancelled"
    CANCELLED_IN_EXPORTS = "cancelled_in_exports"
    EXPORTS_FAILED = "exports_failed"
    LOCAL_DISK = "local_disk"
    UNEXPECTED = "unexpected"
    # Input refused or warned about as it is typed (domain.tenant_rules, domain.schedule)
    NAME_EMPTY = "name_empty"
    NAME_TOO_LONG = "name_too_long"
    NAME_TAKEN = "name_taken"
    NAME_TAKEN_ARCHIVED = "name_taken_archived"
    TEXT_NOT_UTF8 = "text_not_utf8"
    TEXT_CONTROL_CHARACTERS = "text_control_characters"
    TEXT_DIRECTION_CONTROL = "text_direction_control"
    TEXT_INVISIBLE = "text_invisible"
    NOTES_NOT_UTF8 = "notes_not_utf8"
    WB_TOKEN_EMPTY = "wb_token_empty"
    WB_TOKEN_FOREIGN_CHARACTERS = "wb_token_foreign_characters"
    WB_TOKEN_IS_SANDBOX = "wb_token_is_sandbox"
    WB_TOKEN_IS_PRODUCTION = "wb_token_is_production"
    WB_TOKEN_EXPIRED = "wb_token_expired"
    WB_TOKEN_LACKS = "wb_token_lacks"
    OZON_CLIENT_ID_FORMAT = "ozon_client_id_format"
    OZON_API_KEY_FORMAT = "ozon_api_key_format"
    OZON_NO_SANDBOX = "ozon_no_sandbox"
    KEY_NOT_JSON = "key_not_json"
    KEY_NOT_OBJECT = "key_not_object"
    KEY_LACKS = "key_lacks"
    KEY_NOT_SERVICE_ACCOUNT = "key_not_service_account"
    SCHEDULE_MODE = "schedule_mode"
    SCHEDULE_INTERVAL = "schedule_interval"
    SCHEDULE_NO_TIME = "schedule_no_time"
    SCHEDULE_TIME_FORMAT = "schedule_time_format"
    SCHEDULE_TIME_ZONE = "schedule_time_zone"
    SCHEDULE_SHAPE = "schedule_shape"
    # The plan (domain.plans): what the licence allows
    PLAN_SELLER_LIMIT = "plan_seller_limit"
    PLAN_SELLER_PAUSED = "plan_seller_paused"
    PLAN_NO_SCHEDULES = "plan_no_schedules"
    PLAN_NO_SHEETS = "plan_no_sheets"
    PLAN_NO_TEAM = "plan_no_team"
    # The vault
    STORE_KEYRING = "store_keyring"
    STORE_KEYRING_UNKNOWN = "store_keyring_unknown"
    STORE_PASSPHRASE = "store_passphrase"
    # The licence (licensing/, services.licence): the licensing service, machine files
    LICENCE_PLAIN_HTTP = "licence_plain_http"
    LICENCE_BAD_ADDRESS = "licence_bad_address"
    LICENCE_BAD_PUBLIC_KEY = "licence_bad_public_key"
    LICENCE_UNREACHABLE = "licence_unreachable"
    LICENCE_SILENT = "licence_silent"
    LICENCE_BUSY = "licence_busy"
    LICENCE_UNVERIFIED = "licence_unverified"
    LICENCE_MACHINE_LIMIT = "licence_machine_limit"
    LICENCE_MACHINE_LIMIT_UNKNOWN = "licence_machine_limit_unknown"
    LICENCE_REFUSED = "licence_refused"
    LICENCE_REFUSED_KEY = "licence_refused_key"
    LICENCE_REFUSED_FORBIDDEN = "licence_refused_forbidden"
    LICENCE_REFUSED_NOT_FOUND = "licence_refused_not_found"
    LICENCE_FILE_NOT_ONE = "licence_file_not_one"
    LICENCE_FILE_DAMAGED = "licence_file_damaged"
    LICENCE_FILE_NOT_BASE64 = "licence_file_not_base64"
    LICENCE_FILE_ALGORITHM = "licence_file_algorithm"
    LICENCE_FILE_SIGNATURE = "licence_file_signature"
    LICENCE_FILE_OTHER_KEY_OR_MACHINE = "licence_file_other_key_or_machine"
    LICENCE_FILE_UNREADABLE = "licence_file_unreadable"
    LICENCE_FILE_EXPIRED = "licence_file_expired"
    LICENCE_FILE_FROM_THE_FUTURE = "licence_file_from_the_future"
    LICENCE_FILE_NEEDS_KEY = "licence_file_needs_key"
    LICENCE_KEY_EMPTY = "licence_key_empty"
    LICENCE_KEY_UNKNOWN = "licence_key_unknown"
    LICENCE_NONE_HERE = "licence_none_here"
    # What a licence command did about a {problem} it met
    LICENCE_NOTHING_CHANGED = "licence_nothing_changed"
    LICENCE_STAYS = "licence_stays"
    LICENCE_STAYS_UNHEARD = "licence_stays_unheard"
    # A last problem an earlier version stored as an English sentence
    LICENCE_RECORDED_EARLIER = "licence_recorded_earlier"


# One English template per code, with {name} for each parameter. The wording is the one the CLI,
# the logs and the tests have always read; keep it when changing a template.
#
# Templates with "(gave up after {attempts} attempts)" are only raised once retries ran out:
# the transport adds ``attempts`` (an int) then. A {detail} right after a closing parenthesis
# is ``said(words)``: ": " and the marketplace's words, or nothing when it said none.
TEMPLATES: Mapping[ProblemCode, str] = {
    ProblemCode.CREDENTIALS_REFUSED: QT_TRANSLATE_NOOP(
        "Problems", "{marketplace} refused the Client-Id and API key (HTTP {status}){detail}"
    ),
    ProblemCode.TOKEN_REFUSED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace refused the token (HTTP {status}){detail}"
    ),
    ProblemCode.ENDPOINT_RETIRED: QT_TRANSLATE_NOOP(
        "Problems", "endpoint retired by the marketplace"
    ),
    ProblemCode.TOO_MANY_REQUESTS: QT_TRANSLATE_NOOP(
        "Problems",
        "{marketplace} refused {what} with 429 (too many requests) {count} times in a row;"
        " the next sync will try again",
    ),
    ProblemCode.WAIT_TOO_LONG: QT_TRANSLATE_NOOP(
        "Problems", "{marketplace} asks to wait {wait} for {what}; the next sync will try again"
    ),
    ProblemCode.SERVER_FAILED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace failed with HTTP {status} (gave up after {attempts} attempts)"
    ),
    ProblemCode.ANSWER_BROKEN: QT_TRANSLATE_NOOP(
        "Problems", "the answer was cut off or is not JSON (gave up after {attempts} attempts)"
    ),
    ProblemCode.ANSWER_UNREADABLE: QT_TRANSLATE_NOOP(
        "Problems",
        "the answer could not be decompressed (cut off or damaged)"
        " (gave up after {attempts} attempts)",
    ),
    ProblemCode.ANSWER_TOO_LARGE: QT_TRANSLATE_NOOP(
        "Problems",
        "{marketplace} sent more than {megabytes} MB for one page of {what}, more than any real"
        " page holds; the answer was dropped and the next sync will ask again",
    ),
    ProblemCode.ANSWER_TOO_SLOW: QT_TRANSLATE_NOOP(
        "Problems",
        "the marketplace did not finish its answer within {wait}"
        " (gave up after {attempts} attempts)",
    ),
    ProblemCode.NO_ANSWER: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace did not answer in time (gave up after {attempts} attempts)"
    ),
    ProblemCode.CONNECTION_FAILED: QT_TRANSLATE_NOOP(
        "Problems", "the connection failed ({detail}) (gave up after {attempts} attempts)"
    ),
    ProblemCode.ANSWER_MALFORMED: QT_TRANSLATE_NOOP(
        "Problems", "unexpected answer: field {field}: {detail}"
    ),
    ProblemCode.ANSWER_MALFORMED_WHOLE: QT_TRANSLATE_NOOP(
        "Problems", "unexpected answer: field (the whole answer): {detail}"
    ),
    ProblemCode.REQUEST_REFUSED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace refused the request (HTTP {status}){detail}"
    ),
    ProblemCode.REDIRECTED: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace answered with a redirect to {host}"
    ),
    ProblemCode.REDIRECTED_NOWHERE: QT_TRANSLATE_NOOP(
        "Problems", "the marketplace answered with a redirect (HTTP {status})"
    ),
    ProblemCode.CURSOR_STUCK: QT_TRANSLATE_NOOP("Problems", "has_next without a new cursor"),
    ProblemCode.STOCK_REPORT_DROPPED: QT_TRANSLATE_NOOP(
        "Problems", "the stock report was {detail} by Wildberries before it could be read"
    ),
    ProblemCode.STOCK_REPORT_NOT_READY: QT_TRANSLATE_NOOP(
        "Problems", "the stock report was not ready after {checks} checks"
    ),
    ProblemCode.CREDENTIALS_MISSING: QT_TRANSLATE_NOOP(
        "Problems", "{marketplace} credentials lack: {fields}"
    ),
    ProblemCode.TOKEN_EXPIRED: QT_TRANSLATE_NOOP(
        "Problems",
        "the token expired on {date}; create a new one in the seller's cabinet"
        " (Settings > API access)",
    ),
    ProblemCode.TOKEN_UNREADABLE: QT_TRANSLATE_NOOP(
        "Problems",
        "the token is not a JWT; copy the whole token from the seller's cabinet,"
        " Settings > API access",
    ),
    ProblemCode.TOKEN_LACKS_CATEGORY: QT_TRANSLATE_NOOP(
        "Problems", "token lacks the {category} category"
    ),
    ProblemCode.SANDBOX_TOKEN_ON_PRODUCTION: QT_TRANSLATE_NOOP(
        "Problems",
        "sandbox token used on production: mark the tenant as sandbox or use a production token",
    ),
    ProblemCode.PRODUCTION_TOKEN_ON_SANDBOX: QT_TRANSLATE_NOOP(
        "Problems", "production token used on the sandbox: clear the tenant's sandbox flag"
    ),
    ProblemCode.NO_SANDBOX: QT_TRANSLATE_NOOP(
        "Problems", "{marketplace} has no sandbox for the Seller API"
    ),
    ProblemCode.NO_SANDBOX_FBO_STOCK: QT_TRANSLATE_NOOP(
        "Problems",
        "Wildberries has no sandbox for stock on WB warehouses (FBO); only the seller's own"
        " warehouses (FBS) were read",
    ),
    ProblemCode.NO_SANDBOX_CATEGORY: QT_TRANSLATE_NOOP(
        "Problems", "Wildberries has no sandbox for the {category} category"
    ),
    ProblemCode.NO_SANDBOX_SELLER_NAME: QT_TRANSLATE_NOOP(
        "Problems", "Wildberries has no sandbox for the seller's name"
    ),
    ProblemCode.SELLER_DEADLINE: QT_TRANSLATE_NOOP(
        "Problems",
        "did not finish within {wait} and was stopped; the previous snapshot was kept and the"
        " next sync will try again",
    ),
    ProblemCode.CANCELLED: QT_TRANSLATE_NOOP(
        "Problems", "cancelled; the previous snapshot was kept"
    ),
    ProblemCode.CANCELLED_IN_EXPORTS: QT_TRANSLATE_NOOP(
        "Problems", "cancelled during the exports; the snapshot was saved"
    ),
    ProblemCode.EXPORTS_FAILED: QT_TRANSLATE_NOOP(
        "Problems", "the snapshot was saved, but an export failed: {detail}"
    ),
    ProblemCode.LOCAL_DISK: QT_TRANSLATE_NOOP("Problems", "a local file or disk error: {detail}"),
    ProblemCode.UNEXPECTED: QT_TRANSLATE_NOOP("Problems", "unexpected error ({kind}): {detail}"),
    ProblemCode.NAME_EMPTY: QT_TRANSLATE_NOOP(
        "Problems", "the name is empty; give the seller a name the team recognises"
    ),
    ProblemCode.NAME_TOO_LONG: QT_TRANSLATE_NOOP(
        "Problems", "the name is longer than {limit} characters"
    ),
    ProblemCode.NAME_TAKEN: QT_TRANSLATE_NOOP("Problems", "a tenant named {name} already exists"),
    ProblemCode.NAME_TAKEN_ARCHIVED: QT_TRANSLATE_NOOP(
        "Problems",
        "a tenant named {name} already exists (archived; `tenants unarchive` brings it back)",
    ),
    ProblemCode.TEXT_NOT_UTF8: QT_TRANSLATE_NOOP(
        "Problems", "{what} is not valid UTF-8 text; type it again"
    ),
    ProblemCode.PLAN_SELLER_LIMIT: QT_TRANSLATE_NOOP(
        "Problems",
        "your plan ({plan}) manages {limit} sellers; archive one or upgrade (license status)",
    ),
    ProblemCode.PLAN_SELLER_PAUSED: QT_TRANSLATE_NOOP(
        "Problems",
        "paused: your plan ({plan}) syncs {limit} sellers and this one is beyond them; its"
        " figures stay and export as before. Archive another seller or take one out of"
        ' "Sync all", or upgrade',
    ),
    ProblemCode.PLAN_NO_SCHEDULES: QT_TRANSLATE_NOOP(
        "Problems",
        "scheduled syncs are not on your plan ({plan}); sync by hand or upgrade",
    ),
    ProblemCode.PLAN_NO_SHEETS: QT_TRANSLATE_NOOP(
        "Problems",
        "Google Sheets exports are not on your plan ({plan}); export to CSV or XLSX, or upgrade",
    ),
    ProblemCode.PLAN_NO_TEAM: QT_TRANSLATE_NOOP(
        "Problems",
        "team mode is not on your plan ({plan}); every seller stays on this desktop. Upgrade"
        " to share them with the team",
    ),
    ProblemCode.TEXT_CONTROL_CHARACTERS: QT_TRANSLATE_NOOP(
        "Problems",
        "{what} holds control characters (such as terminal escape codes); type it as plain text",
    ),
    ProblemCode.TEXT_DIRECTION_CONTROL: QT_TRANSLATE_NOOP(
        "Problems",
        "{what} holds a text-direction control (such as U+202E), which makes it show"
        " differently from how it reads; remove it",
    ),
    ProblemCode.TEXT_INVISIBLE: QT_TRANSLATE_NOOP(
        "Problems", "{what} has only invisible characters; give a name the team can read"
    ),
    ProblemCode.NOTES_NOT_UTF8: QT_TRANSLATE_NOOP(
        "Problems", "the notes are not valid UTF-8 text; type them again"
    ),
    ProblemCode.WB_TOKEN_EMPTY: QT_TRANSLATE_NOOP("Problems", "the WB token is empty"),
    ProblemCode.WB_TOKEN_FOREIGN_CHARACTERS: QT_TRANSLATE_NOOP(
        "Problems", "the WB token holds characters no token has; copy it again"
    ),
    ProblemCode.WB_TOKEN_IS_SANDBOX: QT_TRANSLATE_NOOP(
        "Problems", "this is a sandbox token; mark the tenant as sandbox (--sandbox)"
    ),
    ProblemCode.WB_TOKEN_IS_PRODUCTION: QT_TRANSLATE_NOOP(
        "Problems", "this is a production token; do not mark the tenant as sandbox"
    ),
    ProblemCode.WB_TOKEN_EXPIRED: QT_TRANSLATE_NOOP(
        "Problems",
        "the token expired on {date}; create a new one in the seller's cabinet"
        " (Settings > API access) before the next sync",
    ),
    ProblemCode.WB_TOKEN_LACKS: QT_TRANSLATE_NOOP(
        "Problems",
        "the token lacks the categories {categories}; syncs will fail for what they cover until"
        " a token with them is used",
    ),
    ProblemCode.OZON_CLIENT_ID_FORMAT: QT_TRANSLATE_NOOP(
        "Problems", "the Ozon Client-Id is a number (Seller cabinet > Settings > API keys)"
    ),
    ProblemCode.OZON_API_KEY_FORMAT: QT_TRANSLATE_NOOP(
        "Problems", "the Ozon API key should look like 1a2b3c4d-…; copy it again in full"
    ),
    ProblemCode.OZON_NO_SANDBOX: QT_TRANSLATE_NOOP("Problems", "Ozon has no sandbox; leave it off"),
    ProblemCode.KEY_NOT_JSON: QT_TRANSLATE_NOOP("Problems", "the service-account key is not JSON"),
    ProblemCode.KEY_NOT_OBJECT: QT_TRANSLATE_NOOP(
        "Problems", "the service-account key is not a JSON object"
    ),
    ProblemCode.KEY_LACKS: QT_TRANSLATE_NOOP(
        "Problems",
        "the service-account key lacks {fields}; download a new JSON key from Google Cloud"
        " (IAM > Service accounts > Keys)",
    ),
    ProblemCode.KEY_NOT_SERVICE_ACCOUNT: QT_TRANSLATE_NOOP(
        "Problems", "the JSON is not a service-account key"
    ),
    ProblemCode.SCHEDULE_MODE: QT_TRANSLATE_NOOP(
        "Problems", "schedule mode must be one of {modes}"
    ),
    ProblemCode.SCHEDULE_INTERVAL: QT_TRANSLATE_NOOP(
        "Problems", "the interval must be between 15 minutes and 7 days"
    ),
    ProblemCode.SCHEDULE_NO_TIME: QT_TRANSLATE_NOOP(
        "Problems", "a daily schedule needs at least one time, e.g. 06:00"
    ),
    ProblemCode.SCHEDULE_TIME_FORMAT: QT_TRANSLATE_NOOP(
        "Problems", "times must look like 06:00 or 18:30, not {time}"
    ),
    ProblemCode.SCHEDULE_TIME_ZONE: QT_TRANSLATE_NOOP(
        "Problems", "unknown time zone {zone}; use a name like Europe/Moscow"
    ),
    ProblemCode.SCHEDULE_SHAPE: QT_TRANSLATE_NOOP(
        "Problems", "a schedule is 'off' or an object with a mode"
    ),
    ProblemCode.STORE_KEYRING: QT_TRANSLATE_NOOP("Problems", "system keyring ({detail})"),
    ProblemCode.STORE_KEYRING_UNKNOWN: QT_TRANSLATE_NOOP(
        "Problems", "system keyring (unknown backend)"
    ),
    ProblemCode.STORE_PASSPHRASE: QT_TRANSLATE_NOOP(
        "Problems", "passphrase (scrypt) in vault.json"
    ),
    # The licence
    ProblemCode.LICENCE_PLAIN_HTTP: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server address {url} uses plain http, which anyone on the way could read and"
        " change; use its https:// address (plain http is allowed only to this computer:"
        " localhost, 127.0.0.1 or ::1)",
    ),
    ProblemCode.LICENCE_BAD_ADDRESS: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server address '{url}' is not a web address; use one that starts with"
        " https://",
    ),
    ProblemCode.LICENCE_BAD_PUBLIC_KEY: QT_TRANSLATE_NOOP(
        "Problems",
        "the licensing configuration's public key is not an ed25519 key (64 hex digits);"
        " reinstall the app or contact support",
    ),
    ProblemCode.LICENCE_UNREACHABLE: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server could not be reached (the connection failed); check the internet"
        " connection and any proxy settings, then try again",
    ),
    ProblemCode.LICENCE_SILENT: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server could not be reached (it did not answer within {wait}); check the"
        " internet connection and any proxy settings, then try again",
    ),
    ProblemCode.LICENCE_BUSY: QT_TRANSLATE_NOOP(
        "Problems", "the licence server is busy or down (HTTP {status}); try again in a few minutes"
    ),
    ProblemCode.LICENCE_UNVERIFIED: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server's answer could not be verified: {what}; check that this computer's"
        " date and time are right and that no proxy or antivirus rewrites its HTTPS traffic,"
        " then try again (if it keeps happening, contact support)",
    ),
    ProblemCode.LICENCE_MACHINE_LIMIT: QT_TRANSLATE_NOOP(
        "Problems",
        "this licence is already active on as many computers as its plan allows ({limit}); to"
        " free a seat, run `stock-tracker license deactivate` on the computer you no longer use,"
        " or remove that machine in the licence portal, then try again",
    ),
    ProblemCode.LICENCE_MACHINE_LIMIT_UNKNOWN: QT_TRANSLATE_NOOP(
        "Problems",
        "this licence is already active on as many computers as its plan allows; to free a"
        " seat, run `stock-tracker license deactivate` on the computer you no longer use, or"
        " remove that machine in the licence portal, then try again",
    ),
    ProblemCode.LICENCE_REFUSED: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server refused the request (HTTP {status}){detail}; check the licence in"
        " the licence portal, or contact support",
    ),
    ProblemCode.LICENCE_REFUSED_KEY: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server refused the request (HTTP {status}){detail}; check the licence key,"
        " and the licence's status in the licence portal",
    ),
    ProblemCode.LICENCE_REFUSED_FORBIDDEN: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server refused the request (HTTP {status}){detail}; check the licence's"
        " status in the licence portal, or contact support",
    ),
    ProblemCode.LICENCE_REFUSED_NOT_FOUND: QT_TRANSLATE_NOOP(
        "Problems",
        "the licence server refused the request (HTTP {status}){detail}; check the licence key;"
        " if this computer was removed, activate it again",
    ),
    ProblemCode.LICENCE_FILE_NOT_ONE: QT_TRANSLATE_NOOP(
        "Problems",
        "this is not a machine file: it should start with {begin} and end with {end}; check that"
        " the whole file was copied",
    ),
    ProblemCode.LICENCE_FILE_DAMAGED: QT_TRANSLATE_NOOP(
        "Problems", "the machine file is damaged; check out a new one"
    ),
    ProblemCode.LICENCE_FILE_NOT_BASE64: QT_TRANSLATE_NOOP(
        "Problems", "the machine file is damaged ({what} is not base64); check out a new one"
    ),
    ProblemCode.LICENCE_FILE_ALGORITHM: QT_TRANSLATE_NOOP(
        "Problems", "the machine file uses {detail}, not {algorithm}; check out an encrypted one"
    ),
    ProblemCode.LICENCE_FILE_SIGNATURE: QT_TRANSLATE_NOOP(
        "Problems",
        "the machine file's signature is wrong: it was changed, or it was not issued by this"
        " app's licence server; check out a new one",
    ),
    ProblemCode.LICENCE_FILE_OTHER_KEY_OR_MACHINE: QT_TRANSLATE_NOOP(
        "Problems",
        "the machine file belongs to another licence key or another computer; check out one for"
        " this computer with this licence",
    ),
    ProblemCode.LICENCE_FILE_UNREADABLE: QT_TRANSLATE_NOOP(
        "Problems", "the machine file could not be read ({detail}); check out a new one"
    ),
    # {date} is a UTC datetime: the English says so, a reader in its own time zone need not.
    ProblemCode.LICENCE_FILE_EXPIRED: QT_TRANSLATE_NOOP(
        "Problems",
        "the machine file expired on {date} UTC; connect to the internet so the app can check"
        " the licence, or check out a new file",
    ),
    ProblemCode.LICENCE_FILE_FROM_THE_FUTURE: QT_TRANSLATE_NOOP(
        "Problems",
        "the machine file was issued after this computer's current time: the clock is wrong;"
        " set the right date and time, then try again",
    ),
    ProblemCode.LICENCE_FILE_NEEDS_KEY: QT_TRANSLATE_NOOP(
        "Problems", "a machine file opens with its licence key: give it with --key-env VAR"
    ),
    ProblemCode.LICENCE_KEY_EMPTY: QT_TRANSLATE_NOOP(
        "Problems", "the licence key is empty; paste the whole key from the e-mail"
    ),
    ProblemCode.LICENCE_KEY_UNKNOWN: QT_TRANSLATE_NOOP(
        "Problems",
        "the licensing service does not know this key; check that it was copied whole (from the"
        " licence e-mail or the portal)",
    ),
    ProblemCode.LICENCE_NONE_HERE: QT_TRANSLATE_NOOP(
        "Problems", "no licence is activated on this desktop"
    ),
    ProblemCode.LICENCE_NOTHING_CHANGED: QT_TRANSLATE_NOOP(
        "Problems", "{problem}; nothing was changed"
    ),
    ProblemCode.LICENCE_STAYS: QT_TRANSLATE_NOOP(
        "Problems", "{problem}; the licence stays on this desktop"
    ),
    ProblemCode.LICENCE_STAYS_UNHEARD: QT_TRANSLATE_NOOP(
        "Problems",
        "{problem}; the licence stays on this desktop: try again when the service can be"
        " reached, or remove this machine in the licence portal",
    ),
    ProblemCode.LICENCE_RECORDED_EARLIER: QT_TRANSLATE_NOOP(
        "Problems", "{detail} (as an earlier version of the app recorded it)"
    ),
}

# What an API method reads (the {what} of the templates: each endpoint's ``subject`` in
# marketplaces/*_api.py). The app's own words, not outside text, so they are in the catalogue
# too: a reader can translate a {what} in context "Problems" like the templates.
SUBJECTS: frozenset[str] = frozenset(
    (
        QT_TRANSLATE_NOOP("Problems", "products"),
        QT_TRANSLATE_NOOP("Problems", "stock"),
        QT_TRANSLATE_NOOP("Problems", "orders"),
        QT_TRANSLATE_NOOP("Problems", "warehouses"),
        QT_TRANSLATE_NOOP("Problems", "the key's roles and expiry"),
        QT_TRANSLATE_NOOP("Problems", "the seller's name"),
        QT_TRANSLATE_NOOP("Problems", "the token check"),
        # What a text rule speaks of ({what}); a tag's own text fills {tag} afterwards.
        QT_TRANSLATE_NOOP("Problems", "the name"),
        QT_TRANSLATE_NOOP("Problems", "the tag {tag}"),
        # Why a licence server's answer was not believed (the {what} of LICENCE_UNVERIFIED,
        # licensing/signatures.py and client.py).
        QT_TRANSLATE_NOOP("Problems", "it was not signed"),
        QT_TRANSLATE_NOOP("Problems", "it was not signed with ed25519"),
        QT_TRANSLATE_NOOP("Problems", "its signature does not cover the request and its body"),
        QT_TRANSLATE_NOOP("Problems", "its body is not the one the server signed"),
        QT_TRANSLATE_NOOP("Problems", "it was not signed by the licence server's key"),
        QT_TRANSLATE_NOOP("Problems", "its Date is more than 5 minutes from this computer's clock"),
        QT_TRANSLATE_NOOP("Problems", "it answers another request (its nonce differs)"),
        QT_TRANSLATE_NOOP("Problems", "it is not a Keygen answer"),
        QT_TRANSLATE_NOOP("Problems", "its body could not be decoded"),
        QT_TRANSLATE_NOOP("Problems", "it is far larger than any licence answer"),
        # The part of a machine file that is not base64 (LICENCE_FILE_NOT_BASE64).
        QT_TRANSLATE_NOOP("Problems", "the file"),
        QT_TRANSLATE_NOOP("Problems", "the encrypted part"),
        QT_TRANSLATE_NOOP("Problems", "the signature"),
    )
)


def said(words: str) -> str:
    """The {detail} of a template ending in "(HTTP {status}){detail}": the marketplace's words
    after ": ", or nothing at all when it gave none (no dangling colon)."""
    return f": {words}" if words else ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A code and the values its sentence needs; ``english()`` for logs and the CLI."""

    code: ProblemCode
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    def english(self) -> str:
        return render(TEMPLATES[self.code], self.params, english_value)

    def __str__(self) -> str:
        # English, the source language: what an f-string or a log line that was not given the
        # reader's language shows (never the dataclass repr).
        return self.english()

    def __hash__(self) -> int:
        # Explicit, as the generated hash would hash the params dict: equal problems are to
        # collapse in a set or dict.fromkeys (a connection report lists each once).
        return hash((self.code, frozenset(self.params.items())))

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code.value,
            "params": {k: _json_value(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Problem | None:
        """The problem stored with a run; None for what this version does not know (a run
        recorded by a newer version, or before problems had codes)."""
        try:
            code = ProblemCode(str(data["code"]))
        except (KeyError, ValueError):
            return None
        params = data.get("params")
        if not isinstance(params, Mapping):
            return cls(code)
        return cls(code, {str(k): _from_json(v) for k, v in params.items()})


@dataclass(frozen=True, slots=True)
class CallProblem(Problem):
    """A problem met calling an API method, which ``endpoint`` names ("GET /ping", never a
    secret). ``english()`` is the sentence alone, as for any problem; ``str()`` names the method
    first, as the CLI and the logs have always read a failed call."""

    endpoint: str = ""

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.english()}" if self.endpoint else self.english()

    def __hash__(self) -> int:
        # Explicit for the same reason as Problem's (the generated one would hash the dict).
        return hash((self.code, frozenset(self.params.items()), self.endpoint))


def render(template: str, params: Mapping[str, ParamValue], value_text: ValueText) -> str:
    """``template`` with each ``{name}`` replaced by its value in words; a missing value stays
    visible as ``{name}`` rather than failing the message that reports a failure."""
    text = template
    for name, value in params.items():
        text = text.replace("{" + name + "}", value_text(value))
    return text


def english_value(value: ParamValue) -> str:
    if isinstance(value, Problem):
        return value.english()
    if isinstance(value, Seconds):
        return duration_words(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# From two days on a duration is said in days, from a year on as "more than a year" (a 429's
# advice can be anything up to 1e308 s).
DAYS_FROM = 48 * 3600
YEAR = 365 * 86400


def duration_words(seconds: float) -> str:
    """``seconds`` as "45 s", "3 min", "2 h 5 min", "12 days", "more than a year" (English; the
    window words its own)."""
    if not seconds < YEAR:  # also inf and nan: a message about a failure must not fail
        return "more than a year"
    if seconds >= DAYS_FROM:
        return f"{round(seconds / 86400)} days"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    hours, minutes = divmod(whole // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


# Typed values survive the database as tagged JSON, so a reader can word them in its locale (a
# problem inside another is tagged "$problem").
PROBLEM_TAG = "$problem"
_TAGS: tuple[tuple[str, type, Callable[[str], ParamValue]], ...] = (
    ("$seconds", Seconds, lambda text: Seconds(float(text))),
    ("$datetime", datetime, datetime.fromisoformat),
    ("$date", date, date.fromisoformat),
)


def _json_value(value: ParamValue) -> object:
    if isinstance(value, Problem):
        return {PROBLEM_TAG: value.as_json()}
    for tag, kind, _ in _TAGS:
        if isinstance(value, kind):
            return {tag: value.isoformat() if isinstance(value, date) else str(float(value))}
    return value


def _from_json(value: object) -> ParamValue:
    if isinstance(value, Mapping) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag == PROBLEM_TAG and isinstance(text, Mapping):
            inner = Problem.from_json(text)
            if inner is not None:  # one of a newer version is kept as its text, below
                return inner
        for known, _, parse in _TAGS:
            if tag == known:
                return parse(str(text))
    return value if isinstance(value, str | int | float) else str(value)
