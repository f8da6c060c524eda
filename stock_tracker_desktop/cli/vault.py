"""`stock-tracker vault status|rotate|export-recovery FILE|import-recovery FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path

from stock_tracker_desktop.cli.common import (
    EXIT_OK,
    echo,
    opened_core,
    print_json,
    run_in_core,
    secret_from,
    translated_errors,
    vault_passphrase,
)


def register(sub: argparse._SubParsersAction) -> None:
    vault = sub.add_parser("vault", help="the master key: where it lives, rotation, recovery")
    commands = vault.add_subparsers(dest="vault_command", required=True, metavar="COMMAND")
    status = commands.add_parser("status", help="which store holds the master key")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)
    commands.add_parser(
        "rotate", help="new master key; re-key the database and re-encrypt every secret"
    ).set_defaults(handler=cmd_rotate)
    for verb, handler, text in (
        ("export-recovery", cmd_export, "write the master key to a passphrase-protected file"),
        ("import-recovery", cmd_import, "install the master key from a recovery file"),
    ):
        parser = commands.add_parser(verb, help=text)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--passphrase-env", metavar="VAR", help="the recovery file's passphrase (else stdin)"
        )
        parser.set_defaults(handler=handler)


def cmd_status(args: argparse.Namespace) -> int:
    with opened_core() as core:
        status = core.vault_status()
    if args.json:
        print_json(
            {
                "store": status.store,
                "description": status.description,
                "keyring_backend": status.keyring_backend,
                "keyring_usable": status.keyring_usable,
                "install_id": status.install_id,
                "data_dir": str(core.home),
            }
        )
    else:
        echo(f"Master key: {status.description}")
        usable = "usable" if status.keyring_usable else "not usable"
        echo(f"Keyring:    {status.keyring_backend} ({usable})")
        echo(f"Data dir:   {core.home}")
    return EXIT_OK


def cmd_rotate(args: argparse.Namespace) -> int:
    backup = run_in_core(lambda core: core.rotate_key())
    echo(f"rotated the master key; database re-keyed and secrets re-encrypted (backup: {backup})")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core.installation import check_new_passphrase

    passphrase = secret_from(args.passphrase_env, "recovery file passphrase")
    with translated_errors():
        check_new_passphrase(passphrase, "the recovery passphrase")
    run_in_core(lambda core: core.export_recovery(args.file, passphrase))
    echo(f"wrote {args.file}; keep it and its passphrase apart, both are needed to recover")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core.installation import import_recovery

    passphrase = secret_from(args.passphrase_env, "recovery file passphrase")
    with translated_errors():
        store = import_recovery(args.file, passphrase, vault_passphrase)
    with opened_core():
        pass  # proves the database opens with the imported key
    echo(f"imported the master key into {store}")
    return EXIT_OK
