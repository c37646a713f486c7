"""Private RabbitMQ and PostgreSQL instances that fault tests may stop and kill.

They run on their own ports with their own data folders, and are stopped or killed by their
own pid, so the machine's shared servers are never touched.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from shop_testkit.smtp import free_port


def _wait_port(port: int, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{what} did not open port {port} within {timeout}s:\n{tail}")


def _wait_port_closed(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.3).close()
        except OSError:
            return
        time.sleep(0.1)


class PrivateRabbitMQ:
    """A RabbitMQ node of its own: `rabbit-<port>@localhost`, data under a temp folder."""

    SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"

    def __init__(self, base: Path | None = None) -> None:
        self.port = free_port()
        self.dist_port = free_port()
        self.base = base or Path(tempfile.mkdtemp(prefix="shop-rabbit-"))
        self.node = f"shoptest{self.port}@localhost"
        self._proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return Path(PrivateRabbitMQ.SERVER).exists()

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _env(self) -> dict[str, str]:
        b = str(self.base)
        return {
            **os.environ,
            "HOME": b,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": f"{b}/mnesia",
            "RABBITMQ_LOG_BASE": f"{b}/log",
            "RABBITMQ_ENABLED_PLUGINS_FILE": f"{b}/enabled_plugins",
            "RABBITMQ_PID_FILE": f"{b}/pid",
            "RABBITMQ_CONFIG_FILE": f"{b}/rabbitmq",
            "RABBITMQ_ADVANCED_CONFIG_FILE": f"{b}/advanced.config",
        }

    def start(self, timeout: float = 60.0) -> None:
        log = self.base / "server.out"
        self._proc = subprocess.Popen(
            [self.SERVER],
            env=self._env(),
            cwd=self.base,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_port(self.port, timeout, f"RabbitMQ node {self.node}", log)

    @property
    def pid(self) -> int | None:
        pid_file = self.base / "pid"
        if pid_file.exists() and pid_file.read_text().strip():
            return int(pid_file.read_text().strip())
        return None

    def stop(self) -> None:
        """A clean stop: SIGTERM to the node (the Erlang VM shuts down gracefully)."""
        self._signal(signal.SIGTERM)
        _wait_port_closed(self.port, 30)

    def kill(self) -> None:
        """kill -9: no goodbye to clients, no flush."""
        self._signal(signal.SIGKILL)
        _wait_port_closed(self.port, 10)

    def _signal(self, sig: signal.Signals) -> None:
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=30)
        with contextlib.suppress(FileNotFoundError):
            (self.base / "pid").unlink()

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.base, ignore_errors=True)

    # --- operator commands (rabbitmqctl against this node only) ----------------------------

    CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"

    def ctl(self, *args: str, timeout: float = 60.0) -> str:
        """`rabbitmqctl -n <this node> ...` with this node's HOME (its Erlang cookie)."""
        done = subprocess.run(
            [self.CTL, "-n", self.node, *args],
            env=self._env(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"rabbitmqctl {' '.join(args)}: {done.stderr.decode(errors='replace')[:500]}"
            )
        return done.stdout.decode(errors="replace")

    def leaderless_quorum_queues(self) -> list[str]:
        """Quorum queues whose Raft leader is not known (rabbitmq-server #10070 after kill -9).

        Asked of the node's own queue processes: a queue that answers with a leader is fine.
        """
        out = self.ctl(
            "eval",
            "[binary_to_list(element(4, amqqueue:get_name(Q))) "
            "|| Q <- rabbit_amqqueue:list(), amqqueue:get_type(Q) == rabbit_quorum_queue, "
            "ra_leaderboard:lookup_leader(element(1, amqqueue:get_pid(Q))) == undefined].",
        )
        return re.findall(r'"([^"]+)"', out)

    def trigger_elections(self) -> str:
        """The operator's workaround for leaderless quorum queues: trigger a Raft election."""
        return self.ctl(
            "eval",
            "[ra:trigger_election(amqqueue:get_pid(Q)) || Q <- rabbit_amqqueue:list(), "
            "amqqueue:get_type(Q) == rabbit_quorum_queue].",
        )

    def recover_quorum_queues(self, timeout: float = 60.0) -> list[str]:
        """Wait for every quorum queue to have a leader, triggering elections as an operator
        would. Returns the queues that needed it (empty when the node recovered alone)."""
        deadline = time.monotonic() + timeout
        needed: list[str] = []
        waited_alone = time.monotonic() + 5.0  # give Raft a moment to elect by itself
        while True:
            try:
                leaderless = self.leaderless_quorum_queues()
            except (RuntimeError, subprocess.TimeoutExpired):
                leaderless = ["?"]
            if not leaderless:
                return needed
            if time.monotonic() > deadline:
                raise RuntimeError(f"quorum queues still leaderless: {leaderless}")
            if time.monotonic() > waited_alone and leaderless != ["?"]:
                needed = sorted(set(needed) | set(leaderless))
                with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                    self.trigger_elections()
            time.sleep(1.0)


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return path


class PrivatePostgres:
    """A PostgreSQL cluster made with initdb in a temp folder, on its own port.

    PostgreSQL refuses to run as root: as root, it runs as the `postgres` system user.
    """

    def __init__(self, base: Path | None = None) -> None:
        self.port = free_port()
        self.base = base or Path(tempfile.mkdtemp(prefix="shop-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]

    @staticmethod
    def available() -> bool:
        try:
            _pg_bin("initdb")
        except RuntimeError:
            return False
        return True

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True)

    def start(self) -> None:
        if not self.data.exists():
            self._run(
                _pg_bin("initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c max_connections=300 -c fsync=off"
        )
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """mode: smart, fast (disconnects clients) or immediate (no checkpoint, like a crash)."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    @property
    def pid(self) -> int | None:
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            return int(pid_file.read_text().splitlines()[0])
        return None

    def kill(self) -> None:
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _wait_port_closed(self.port, 10)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)
