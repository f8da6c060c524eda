"""`stock-tracker export csv|xlsx|sheets`: tenants' current figures on demand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    run_in_core,
)

if TYPE_CHECKING:
    from stock_tracker_desktop.core import AppCore, Language


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="write tenants' current figures to files or sheets")
    kinds = export.add_subparsers(dest="export_kind", required=True, metavar="FORMAT")
    for fmt, text in (("csv", "long-form CSV"), ("xlsx", "XLSX: wide layout, long form, facts")):
        parser = kinds.add_parser(fmt, help=text)
        _which(parser)
        parser.add_argument(
            "--out", type=Path, required=True, help="a file, or a folder to put one in"
        )
        if fmt == "csv":
            parser.add_argument(
                "--excel", action="store_true", help="for Russian Excel: BOM, ';', decimal comma"
            )
        parser.set_defaults(handler=cmd_files, fmt=fmt)
    sheets = kinds.add_parser("sheets", help="each tenant's Google Sheet (its google_sheet link)")
    _which(sheets)
    sheets.set_defaults(handler=cmd_sheets)


def _which(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--tenant", action="append", metavar="NAME", help="repeatable")
    group.add_argument("--all", action="store_true", help="every active tenant")
    parser.add_argument("--language", choices=["en", "ru"], help="headers (default: the app's)")


async def _names_and_language(
    core: AppCore, args: argparse.Namespace
) -> tuple[list[str], Language]:
    names = args.tenant or [t.name for t in await core.tenants()]
    language = args.language or await core.export_language()
    if not names:
        fail("no tenants to export")
    return names, language


def cmd_files(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import ExportPathError, NoSnapshot

    async def export(core: AppCore) -> Path:
        names, language = await _names_and_language(core, args)
        try:
            return await core.export_files(
                names,
                args.fmt,
                args.out,
                excel=getattr(args, "excel", False),
                language=language,
            )
        except NoSnapshot as exc:
            fail(str(exc), EXIT_FAILED)
        except ExportPathError as exc:
            fail(str(exc))

    print(run_in_core(export))
    return EXIT_OK


def cmd_sheets(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import NoSnapshot, SheetsError

    async def export_all(core: AppCore) -> int:
        names, language = await _names_and_language(core, args)
        failed = 0
        for name in names:
            try:
                result = await core.export_sheet(name, language=language)
                print(f"{name}: {result.url} ({result.products} products)")
            except (SheetsError, NoSnapshot) as exc:
                failed += 1
                print(f"{name}: {exc}", file=sys.stderr)
        return failed

    return EXIT_FAILED if run_in_core(export_all) else EXIT_OK
