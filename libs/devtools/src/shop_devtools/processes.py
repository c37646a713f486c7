"""OS processes of the shop: one-shot commands (migrate, seed) and long-running `serve`s."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


class StackError(RuntimeError):
    """A service could not be prepared or started; the message names it and quotes its log."""


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies, so a killed test run leaves no orphans."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _preexec(die_with_parent: bool) -> Callable[[], None] | None:
    return _die_with_parent if die_with_parent else None


async def run_command(
    argv: list[str], *, env: Mapping[str, str], cwd: Path, log_file: Path, what: str
) -> None:
    """Run a one-shot command to completion; StackError with its output when it fails."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        proc = await asyncio.create_subprocess_exec(
            *argv, env=dict(env), cwd=cwd, stdout=log, stderr=asyncio.subprocess.STDOUT
        )
        code = await proc.wait()
    if code != 0:
        raise StackError(f"{what} failed (exit {code}); {log_file}:\n{log_tail(log_file)}")


@dataclass
class ServiceProcess:
    """One `python -m shop_<service> serve` process (one replica) with its log file."""

    name: str  # e.g. "orders" or "orders-2"
    service: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log_file: Path
    die_with_parent: bool = True
    process: asyncio.subprocess.Process | None = field(default=None, init=False)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    async def spawn(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            log.write(f"\n--- starting {' '.join(self.argv)}\n".encode())
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us only; we stop the children
                preexec_fn=_preexec(self.die_with_parent),
            )

    async def terminate(self, timeout: float = 15.0) -> None:
        """SIGTERM, wait up to `timeout`, then SIGKILL."""
        proc = self.process
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            await self.kill()

    async def kill(self) -> None:
        proc = self.process
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()

    def describe_failure(self, reason: str) -> str:
        return f"{self.name} {reason}; last lines of {self.log_file}:\n{log_tail(self.log_file)}"
