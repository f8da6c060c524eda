"""The `stock-tracker` command. No Qt is imported unless the window is asked for, so
``--version`` and every headless command start fast and work without a display."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from stock_tracker_desktop import __version__
from stock_tracker_desktop.cli import (
    daemon,
    db,
    demo,
    diagnostics,
    export,
    license,
    settings,
    simulator,
    sync,
    team,
    tenants,
    vault,
)
from stock_tracker_desktop.cli.common import EXIT_USAGE, NO_DISPLAY, CliError, has_display


class _Parser(argparse.ArgumentParser):
    """No abbreviated options: ``--token`` must never be taken for ``--token-env`` and turn a
    secret pasted on the command line into an environment variable name."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stock-tracker",
        description="Stock, orders and days of stock for many Wildberries and Ozon sellers.",
    )
    parser.add_argument("--version", action="version", version=f"stock-tracker {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (
        tenants,
        sync,
        team,
        license,
        export,
        daemon,
        demo,
        settings,
        db,
        vault,
        simulator,
        diagnostics,
    ):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if os.name == "posix":
        os.umask(0o077)  # every file the app creates is the user's alone
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if not has_display():
            print(f"stock-tracker: {NO_DISPLAY}", file=sys.stderr)
            return EXIT_USAGE
        from stock_tracker_desktop.ui.app import run_gui

        return run_gui()
    try:
        return int(args.handler(args))
    except CliError as exc:
        print(f"stock-tracker: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("stock-tracker: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (``| head``) went away; say nothing more, like other Unix tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
