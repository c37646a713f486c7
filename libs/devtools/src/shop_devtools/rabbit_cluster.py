"""A RabbitMQ cluster of three nodes on this machine: what several broker hosts would be.

    cluster = RabbitCluster(Path("var/rabbit-cluster/run1"))
    cluster.start()            # three `rabbitmq-server` nodes, joined (rabbitmqctl join_cluster)
    cluster.urls               # one AMQP URL per node
    cluster.kill(1); cluster.restart(1)
    cluster.close()            # SIGKILL what is left, remove the data folders

Each node is a `rabbitmq-server` of its own: its node name (RABBITMQ_NODENAME
`shoptest<port>@localhost`), AMQP and Erlang distribution ports, data, log and config files
under `<base>/node<k>/`, and the cluster's shared Erlang cookie in `<base>/node<k>/.erlang.cookie`
(HOME is the node's folder). `quorum_cluster_size` is 3 (advanced.config), so every quorum
queue declared once the three nodes are joined has a replica on each of them. The machine's
own broker (5672) is never touched: nodes are stopped and killed by their own pid.

`python -m shop_devtools.rabbit_cluster up|down|status [--base DIR]` runs one by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import string
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shop_testkit.private_servers import PrivateRabbitMQ

DEFAULT_BASE = Path("var/rabbit-cluster")
QUORUM_CLUSTER_SIZE = 3


class ClusterNode(PrivateRabbitMQ):
    """One node of the cluster: a PrivateRabbitMQ with the cluster's cookie and settings."""

    def __init__(self, base: Path, cookie: str, cluster_size: int = QUORUM_CLUSTER_SIZE) -> None:
        super().__init__(base)
        self.cookie = cookie
        self.cluster_size = cluster_size

    def write_files(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        cookie = self.base / ".erlang.cookie"
        if cookie.exists():
            cookie.chmod(0o600)
        cookie.write_text(self.cookie)
        cookie.chmod(0o400)
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "advanced.config").write_text(
            f"[{{rabbit, [{{quorum_cluster_size, {self.cluster_size}}}]}}].\n"
        )

    def start(self, timeout: float = 90.0) -> None:
        self.write_files()
        super().start(timeout)

    def _signal(self, sig: signal.Signals) -> None:
        # Also the whole Erlang VM by its pid file, and wait for it to be gone: a restarted
        # node must not find its old self still holding the data folder.
        pid = self.pid
        super()._signal(sig)
        if pid is not None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (our own child not yet reaped) is gone for our purposes
    with contextlib.suppress(OSError):
        status = Path(f"/proc/{pid}/status").read_text()
        if re.search(r"^State:\s+Z", status, re.M):
            return False
    return True


class RabbitCluster:
    def __init__(self, base: Path | None = None, size: int = 3) -> None:
        self.base = (base or DEFAULT_BASE / time.strftime("%Y%m%d-%H%M%S")).absolute()
        self.cookie = "".join(secrets.choice(string.ascii_uppercase) for _ in range(20))
        self.nodes = [
            ClusterNode(self.base / f"node{k + 1}", self.cookie, cluster_size=size)
            for k in range(size)
        ]
        self.down: set[int] = set()

    # --- addresses -----------------------------------------------------------------------

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    @property
    def names(self) -> list[str]:
        return [n.node for n in self.nodes]

    def live(self) -> ClusterNode:
        """A node that is not known to be down (the first one)."""
        for k, node in enumerate(self.nodes):
            if k not in self.down:
                return node
        raise RuntimeError("every node of the cluster is down")

    @property
    def url(self) -> str:
        return self.live().url

    # --- lifecycle -----------------------------------------------------------------------

    def start(self, timeout: float = 120.0) -> None:
        """Start every node (in parallel), join the others to the first, wait for all three
        to run as one cluster."""
        self.base.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda n: n.start(timeout), self.nodes))
        first = self.nodes[0]
        for node in self.nodes[1:]:
            node.ctl("stop_app")
            node.ctl("join_cluster", first.node)
            node.ctl("start_app")
        self.wait_running(timeout)
        self.down.clear()

    def running_nodes(self, via: ClusterNode | None = None) -> list[str]:
        """The cluster's running nodes, as one live node sees them."""
        out = (via or self.live()).ctl("eval", "rabbit_nodes:all_running().", timeout=20)
        return sorted(re.findall(r"'?([\w.-]+@[\w.-]+)'?", out))

    def wait_running(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        want = sorted(self.names)
        seen: list[str] = []
        while time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                seen = self.running_nodes()
                if seen == want:
                    return
            time.sleep(1.0)
        raise RuntimeError(f"cluster not formed after {timeout:.0f}s: running {seen}, want {want}")

    def kill(self, k: int) -> None:
        """SIGKILL node `k` (0-based): no goodbye to clients or peers."""
        self.down.add(k)
        self.nodes[k].kill()

    def stop_node(self, k: int) -> None:
        self.down.add(k)
        self.nodes[k].stop()

    def restart(self, k: int, timeout: float = 120.0) -> None:
        """Start node `k` again (it rejoins with its data) and wait for the whole cluster."""
        self.nodes[k].start(timeout)
        self.down.discard(k)
        self.wait_running(timeout)

    def stop(self) -> None:
        """Stop every node cleanly (SIGTERM), the others first: the first node stops last."""
        for k in reversed(range(len(self.nodes))):
            with contextlib.suppress(Exception):
                self.nodes[k].stop()
            self.down.add(k)

    def close(self, *, keep: bool = False) -> None:
        """SIGKILL every node still running; remove the data folders unless `keep`."""
        for k, node in enumerate(self.nodes):
            with contextlib.suppress(Exception):
                node.kill()
            self.down.add(k)
        if not keep:
            shutil.rmtree(self.base, ignore_errors=True)

    # --- quorum queues -------------------------------------------------------------------

    def quorum_queues(self) -> dict[str, dict[str, object]]:
        """{queue: {"leader": node, "members": [nodes], "online": [nodes]}} of every quorum
        queue, asked of a live node."""
        out = self.live().ctl(
            "--quiet",
            "--formatter",
            "json",
            "list_queues",
            "name",
            "type",
            "leader",
            "members",
            "online",
            timeout=30,
        )
        start = out.find("[")
        rows = json.loads(out[start:]) if start >= 0 else []
        return {
            r["name"]: {
                "leader": r.get("leader"),
                "members": sorted(r.get("members") or []),
                "online": sorted(r.get("online") or []),
            }
            for r in rows
            if r.get("type") == "quorum"
        }

    def leaders(self) -> dict[str, int]:
        """How many quorum queues each node leads."""
        counts = dict.fromkeys(self.names, 0)
        for q in self.quorum_queues().values():
            leader = str(q["leader"])
            if leader in counts:
                counts[leader] += 1
        return counts

    def under_replicated(self) -> list[str]:
        """Quorum queues that do not have a replica on every node, or not all online."""
        want = sorted(self.names)
        return [
            name
            for name, q in self.quorum_queues().items()
            if q["members"] != want or q["online"] != want
        ]

    def recover_quorum_queues(self, timeout: float = 60.0) -> list[str]:
        """Wait for every quorum queue to have a leader (elections triggered as an operator
        would when one stays leaderless); returns the queues that needed it."""
        return self.live().recover_quorum_queues(timeout)

    # --- state for `down` ------------------------------------------------------------------

    def save(self) -> None:
        state = {
            "cookie": self.cookie,
            "nodes": [
                {"base": str(n.base), "port": n.port, "dist_port": n.dist_port, "node": n.node}
                for n in self.nodes
            ],
        }
        (self.base / "cluster.json").write_text(json.dumps(state, indent=1))

    @classmethod
    def load(cls, base: Path) -> RabbitCluster:
        state = json.loads((base / "cluster.json").read_text())
        cluster = cls.__new__(cls)
        cluster.base = base.absolute()
        cluster.cookie = state["cookie"]
        cluster.down = set()
        cluster.nodes = []
        for n in state["nodes"]:
            node = ClusterNode.__new__(ClusterNode)
            node.base, node.port, node.dist_port, node.node = (
                Path(n["base"]),
                n["port"],
                n["dist_port"],
                n["node"],
            )
            node.cookie, node.cluster_size, node._proc = cluster.cookie, len(state["nodes"]), None
            cluster.nodes.append(node)
        return cluster

    def __enter__(self) -> RabbitCluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop_devtools.rabbit_cluster")
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE / "dev")
    args = parser.parse_args(argv)
    if args.command == "up":
        if (args.base / "cluster.json").exists():
            print(f"a cluster is already described in {args.base}: `down` it first")
            return 1
        cluster = RabbitCluster(args.base)
        cluster.start()
        cluster.save()
        print(f"cluster up in {cluster.base}: nodes {cluster.names}")
        for url in cluster.urls:
            print(f"  AMQP_URL={url}")
        return 0
    if not (args.base / "cluster.json").exists():
        print(f"no cluster described in {args.base}")
        return 1
    cluster = RabbitCluster.load(args.base)
    if args.command == "status":
        print(f"running: {cluster.running_nodes()}")
        for name, q in sorted(cluster.quorum_queues().items()):
            print(f"  {name}: leader {q['leader']}, members {q['members']}")
        return 0
    cluster.stop()
    cluster.close()
    print(f"cluster in {args.base} stopped and removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
