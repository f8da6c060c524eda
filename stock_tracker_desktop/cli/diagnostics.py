"""`stock-tracker diagnostics export FILE`: the zip support asks for (no secrets, no names)."""

from __future__ import annotations

import argparse
from pathlib import Path

from stock_tracker_desktop.cli.common import EXIT_OK, run_in_core


def register(sub: argparse._SubParsersAction) -> None:
    diagnostics = sub.add_parser("diagnostics", help="a zip for support: versions, health, logs")
    commands = diagnostics.add_subparsers(dest="diagnostics_command", required=True)
    export = commands.add_parser("export", help="write the diagnostics zip to FILE")
    export.add_argument("file", type=Path)
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    print(run_in_core(lambda core: core.export_diagnostics(args.file)))
    return EXIT_OK
