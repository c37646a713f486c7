"""`python -m shop_<service> migrate | serve | <extra>`: the same commands for every service."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shop_platform.db import prepare_database

Command = Callable[[], Coroutine[Any, Any, None]]


@dataclass
class ServiceCli:
    name: str
    alembic_ini: Path
    database_url: Callable[[], str]
    serve: Command
    extra: dict[str, Command] = field(default_factory=dict)

    async def migrate(self) -> None:
        await prepare_database(self.alembic_ini, self.database_url())

    def commands(self) -> dict[str, Command]:
        return {"migrate": self.migrate, "serve": self.serve, **self.extra}

    def main(self, argv: list[str] | None = None) -> None:
        args = sys.argv[1:] if argv is None else argv
        commands = self.commands()
        if len(args) != 1 or args[0] not in commands:
            sys.exit(f"usage: python -m shop_{self.name} {{{'|'.join(commands)}}}")
        try:
            import uvloop

            uvloop.install()  # faster event loop when available (uvicorn[standard] brings it)
        except ImportError:
            pass
        asyncio.run(commands[args[0]]())
