"""`python -m shop_devtools.chaos [--quick] [--scenario NAME ...] [--orders N] [--rate R]`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from shop_devtools.chaos.runner import ChaosOptions, run_chaos
from shop_devtools.chaos.scenarios import SCENARIOS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop_devtools.chaos")
    parser.add_argument("--quick", action="store_true", help="3 scenarios, a few dozen orders")
    parser.add_argument(
        "--scenario", action="append", choices=sorted(SCENARIOS), help="repeatable; default all"
    )
    parser.add_argument("--orders", type=int, help="orders per scenario (default 200, quick 40)")
    parser.add_argument("--rate", type=float, help="orders per second (default 6, quick 4)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="only the scenarios on the cluster topology (3 RabbitMQ nodes, 2 replicas each)",
    )
    args = parser.parse_args(argv)
    options = ChaosOptions.make(
        quick=args.quick,
        scenarios=args.scenario,
        orders=args.orders,
        rate=args.rate,
        keep=args.keep,
        seed=args.seed,
        cluster=args.cluster,
    )
    return asyncio.run(run_chaos(options))


if __name__ == "__main__":
    sys.exit(main())
