"""`python -m shop_devtools run | mailcatcher`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

from shop_devtools.mailcatcher import MailCatcher, serve_forever
from shop_devtools.runner import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop_devtools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="prepare and run the whole shop (make run)")
    mail = commands.add_parser("mailcatcher", help="run only the development mail catcher")
    mail.add_argument("--smtp-port", type=int, default=1025)
    mail.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args(argv)
    if args.command == "run":
        return asyncio.run(run(Path.cwd()))
    catcher = MailCatcher(smtp_port=args.smtp_port, http_port=args.http_port)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(catcher))
    return 0


if __name__ == "__main__":
    sys.exit(main())
