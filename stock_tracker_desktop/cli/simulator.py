"""`stock-tracker simulator`: the local Wildberries and Ozon, for demos and trying the app."""

from __future__ import annotations

import argparse

from stock_tracker_desktop.cli.common import EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "simulator", help="serve a local Wildberries + Ozon seller API on 127.0.0.1"
    )
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sellers", type=int, default=3)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument(
        "--time-factor",
        type=float,
        default=1.0,
        help="scale every rate limit (0.01 = a hundred times faster; clients need "
        "STOCK_TRACKER_TIME_FACTOR set to the same value)",
    )
    parser.set_defaults(handler=cmd_simulator)


def cmd_simulator(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.simulator import SimulatorConfig, serve_forever

    config = SimulatorConfig(
        seed=args.seed,
        sellers=args.sellers,
        products=args.products,
        time_factor=args.time_factor,
    )
    serve_forever(config, port=args.port)
    return EXIT_OK
