"""What every command shares: secrets from the environment or stdin, opening the installation,
turning known failures into a clear message and an exit code (0 ok, 1 work failed, 2 usage or
input error)."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import re
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from stock_tracker_desktop.config import DEMO_PASSPHRASE, PASSPHRASE_ENV, data_dir, is_demo_home

if TYPE_CHECKING:
    from stock_tracker_desktop.core import AppCore
    from stock_tracker_desktop.core.installation import Installation

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
# What must never reach a terminal as it is: C0 and C1 control characters (escape codes
# start with ESC or CSI), DEL, line separators, bidi controls (U+202E and kin reorder what is
# shown) and lone surrogates (bytes that were not UTF-8, e.g. from argv or the environment).
_UNSAFE = "\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_IN_LINE = re.compile(f"[\n{_UNSAFE}]")
_UNSAFE_IN_TEXT = re.compile(f"[{_UNSAFE}]")
_SURROGATE = re.compile("[\ud800-\udfff]")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

T = TypeVar("T")
Opened = TypeVar("Opened", "AppCore", "Installation")
Passphrase = Callable[[], str | None]  # asked for only when the vault needs it


class CliError(Exception):
    """A failure with a message for the user and the exit code it deserves."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(printable(message, one_line=False))
        self.code = code


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    raise CliError(message, code)


def printable(text: str, *, one_line: bool = True) -> str:
    """``text`` with every character that could steer the terminal shown as an escape such as
    ``\\x1b`` or ``\\u202e``; ``one_line`` escapes line breaks too (table cells)."""
    return (_UNSAFE_IN_LINE if one_line else _UNSAFE_IN_TEXT).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def echo(text: str, *, err: bool = False) -> None:
    """Print a line for the user (stdout, or stderr with ``err``), made safe for a terminal."""
    print(printable(text, one_line=False), file=sys.stderr if err else sys.stdout)


@cache
def vault_passphrase() -> str | None:
    """The vault passphrase: STOCK_TRACKER_PASSPHRASE, or a prompt when a person is there."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if is_demo_home(data_dir()):
        return DEMO_PASSPHRASE
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Vault passphrase: ") or None
    return None


def secret_from(env_name: str | None, what: str, *, required: bool = True) -> str:
    """Read a secret from the environment variable ``env_name``, else from standard input.

    Secrets never come from argv: argv is visible to every user of the machine (ps).
    """
    if env_name:
        if not _ENV_NAME.match(env_name):
            # Someone pasted the secret itself; do not echo it back.
            fail(f"give the NAME of an environment variable that holds the {what}, not the {what}")
        value = os.environ.get(env_name, "")
        if not value.strip():
            fail(f"the environment variable {env_name} is not set or empty; put the {what} in it")
        return _utf8_only(value.strip(), f"the {what} in {env_name}")
    if sys.stdin is None or sys.stdin.closed:
        if required:
            fail(f"give the {what} through --*-env NAME or standard input")
        return ""
    try:
        if sys.stdin.isatty():
            value = getpass.getpass(f"{what[0].upper()}{what[1:]}: ")
        else:
            value = sys.stdin.readline()
    except UnicodeDecodeError:
        _not_utf8(f"the {what} on standard input")
    if required and not value.strip():
        fail(f"no {what} was given on standard input; pipe it in or use the --*-env option")
    return _utf8_only(value.strip(), f"the {what} on standard input")


def _utf8_only(value: str, where: str) -> str:
    """Refuse a value holding bytes that were not UTF-8 (decoded as lone surrogates)."""
    if _SURROGATE.search(value):
        _not_utf8(where)
    return value


def _not_utf8(where: str) -> NoReturn:
    fail(f"{where} is not valid UTF-8 text; give it again from a UTF-8 terminal or file")


@contextmanager
def opened_core(
    *,
    writable: bool = False,
    passphrase: Passphrase = vault_passphrase,
    home: Path | None = None,
) -> Iterator[AppCore]:
    """The unlocked installation's core, closed afterwards; vault and database errors become
    CliErrors.

    Where the data directory cannot be written the database opens read-only and a write fails
    when it is tried; ``writable`` refuses at once instead (the daemon: every job writes).
    """
    from stock_tracker_desktop.core import AppCore

    with _opened(lambda: AppCore.open(passphrase, home)) as core:
        if writable and (reason := core.read_only_reason()) is not None:
            fail(reason, EXIT_FAILED)
        yield core


@contextmanager
def opened_installation() -> Iterator[Installation]:
    """The installation as it is, its database not migrated (``db status``, ``db upgrade``)."""
    from stock_tracker_desktop.core.installation import Installation

    with _opened(lambda: Installation.open(vault_passphrase)) as installation:
        yield installation


def run_in_core(
    work: Callable[[AppCore], Coroutine[Any, Any, T]],
    *,
    writable: bool = False,
    passphrase: Passphrase = vault_passphrase,
    home: Path | None = None,
    team_cycle: bool = True,
) -> T:
    """Open the core, run ``work(core)`` in the command's event loop, close everything.

    The core's use cases are coroutines and a command is one short process: one loop serves
    the whole command, and it ends only when every sync it started is recorded. On a desktop in
    a team, a cycle with the server comes before the work (the team's latest sellers, figures
    and runs; the leases for its syncs) and after it (what it changed goes out);
    ``team_cycle=False`` for the team commands, which talk to the server themselves.
    """
    opening = opened_core(writable=writable, passphrase=passphrase, home=home)
    with opening as core, translated_errors():
        return asyncio.run(_closing(core, work, team_cycle))


async def _closing(
    core: AppCore, work: Callable[[AppCore], Coroutine[Any, Any, T]], team_cycle: bool
) -> T:
    try:
        if core.read_only_reason() is None:
            # Once a day the licence is confirmed (a desktop run only from cron keeps its plan).
            await core.licence.refresh_if_due()
        if team_cycle and core.read_only_reason() is None:
            away = await core.team.around_command()
            if away:
                warn(away)
        result = await work(core)
        if team_cycle and core.read_only_reason() is None:
            await core.team.after_command()
        return result
    finally:
        await core.aclose()


@contextmanager
def _opened(open_it: Callable[[], Opened]) -> Iterator[Opened]:
    from stock_tracker_desktop.core import MigrationFailed
    from stock_tracker_desktop.logs import configure_logging

    with translated_errors():
        try:
            opened = open_it()
        except MigrationFailed as exc:
            fail(str(exc), EXIT_FAILED)
    configure_logging(opened.home)
    try:
        yield opened
    except Exception as exc:
        _fail_if_unwritable(exc)
        raise
    finally:
        opened.close()


@contextmanager
def translated_errors() -> Iterator[None]:
    """Known failures of the lower layers as messages, never as tracebacks."""
    from stock_tracker_desktop.core import (
        DatabaseError,
        ImportFileError,
        KeystoreError,
        LicenceProblem,
        PlanLimit,
        TeamError,
        TenantNotFound,
    )
    from stock_tracker_desktop.domain.tenant_rules import InvalidTenant
    from stock_tracker_desktop.package_data import PackageDataMissing
    from stock_tracker_desktop.user_files import UserFileError

    try:
        yield
    except InvalidTenant as exc:
        fail("\n".join(f"error: {p.field}: {p.message}" for p in exc.problems))
    except (
        KeystoreError,
        DatabaseError,
        TenantNotFound,
        ImportFileError,
        UserFileError,
        PackageDataMissing,
        TeamError,
        LicenceProblem,
        PlanLimit,
    ) as exc:
        fail(str(exc))
    except OSError as exc:
        _fail_if_unwritable(exc)
        fail(f"{exc.strerror or exc.__class__.__name__}: {exc.filename or ''}".rstrip(": "), 1)
    except Exception as exc:
        _fail_if_unwritable(exc)
        raise


def _fail_if_unwritable(exc: Exception) -> None:
    """A write that failed because the data directory is read-only or its disk full: the
    command's work could not be done (exit 1), and SQLite rolled back whatever it began."""
    from stock_tracker_desktop.core.installation import describe_unwritable

    if isinstance(exc, CliError):
        return  # already the message the user gets
    message = describe_unwritable(exc, data_dir())
    if message is not None:
        raise CliError(message, EXIT_FAILED) from None


def has_display() -> bool:
    """Whether a window can open: always on Windows and macOS; on Linux only with an X or
    Wayland display (or a Qt platform chosen explicitly, e.g. offscreen)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


NO_DISPLAY = (
    "there is no display to open the window on (no DISPLAY or WAYLAND_DISPLAY); use the "
    "commands (`stock-tracker --help`), `stock-tracker demo --headless`, or a desktop session"
)


def print_json(data: object) -> None:
    """JSON as it is, but for characters a terminal would act on: those become \\u escapes,
    which JSON readers turn back into the same text."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(_UNSAFE_IN_TEXT.sub(_json_escape, text))
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[("" if c is None else printable(str(c))) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip())
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def warn(message: str) -> None:
    echo(f"warning: {message}", err=True)


Handler = Callable[[Any], int]
