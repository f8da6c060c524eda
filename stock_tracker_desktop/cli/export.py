"""`stock-tracker export csv|xlsx|sheets`: tenants' current figures on demand."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    opened_context,
    translated_errors,
)


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


def _names_and_language(ctx: object, args: argparse.Namespace) -> tuple[list[str], str]:
    from stock_tracker_desktop.services.settings import SettingsService, export_language
    from stock_tracker_desktop.services.tenants import TenantService

    names = args.tenant or [t.name for t in TenantService(ctx).all()]  # type: ignore[arg-type]
    language = args.language or export_language(SettingsService(ctx).load())  # type: ignore[arg-type]
    if not names:
        fail("no tenants to export")
    return names, language


def cmd_files(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.services.exports import ExportPathError, NoSnapshot, export_files

    with opened_context() as ctx, translated_errors():
        names, language = _names_and_language(ctx, args)
        try:
            path = export_files(
                ctx,
                names,
                args.fmt,
                args.out,
                excel=getattr(args, "excel", False),
                language=language,  # type: ignore[arg-type]
            )
        except NoSnapshot as exc:
            fail(str(exc), EXIT_FAILED)
        except ExportPathError as exc:
            fail(str(exc))
    print(path)
    return EXIT_OK


def cmd_sheets(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.services.exports import NoSnapshot, SheetsError, export_sheet

    failed = 0
    with opened_context() as ctx, translated_errors():
        names, language = _names_and_language(ctx, args)

        async def run_all() -> None:
            nonlocal failed
            for name in names:
                try:
                    result = await export_sheet(ctx, name, language=language)  # type: ignore[arg-type]
                    print(f"{name}: {result.url} ({result.products} products)")
                except (SheetsError, NoSnapshot) as exc:
                    failed += 1
                    print(f"{name}: {exc}", file=sys.stderr)

        asyncio.run(run_all())
    return EXIT_FAILED if failed else EXIT_OK
