"""The whole machine's on-CPU time per order, by process and by what runs (`--perf`).

py-spy sees Python frames only: the time a service spends in the kernel (socket writes,
epoll), in C extensions (asyncpg's protocol, uvloop) or in the interpreter's own runtime
(allocation, GC) shows up there as "asyncio event loop". `perf record -a -e cpu-clock` samples
every CPU at a fixed rate whatever runs, kernel included: each sample is 1/F s of CPU, so
samples / F / orders is CPU time per order, and PostgreSQL and RabbitMQ are measured the same
way as the services. Without call graphs: the sample's own function and object file say
where the time is (the interpreter's eval loop is "Python code", attributed by py-spy).
Run it on an otherwise idle machine: other processes land in "other", not in the shop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import psutil

FREQ_HZ = 499

# The kernel's time is one category: in this virtual machine cpu-clock samples land where the
# kernel re-enables interrupts (`_raw_spin_unlock_irqrestore`, `irqentry_exit_to_user_mode`),
# so its symbols do not say which syscall the time belongs to.
KERNEL = "kernel (syscalls: sockets, epoll, scheduling, page faults, fsync)"
# (category, needles in the symbol / the object file); first match wins.
_PYTHON: list[tuple[str, tuple[str, ...]]] = [
    (
        "Python runtime: memory (obmalloc)",
        ("Malloc", "Free", "Realloc", "_PyMem", "pymalloc", "arena"),
    ),
    ("Python runtime: garbage collector", ("gc_", "_PyGC", "subtract_refs", "move_unreachable")),
    # the eval loop and the object/call machinery it drives: whose code it is, py-spy says
    ("Python: interpreter, objects, calls", ("",)),
]
_LIBS: list[tuple[str, tuple[str, ...]]] = [
    ("PostgreSQL's own code", ("/bin/postgres",)),
    ("Erlang VM (RabbitMQ; its JIT code unnamed)", ("beam.smp", "/erts-", "[unknown]", "perf-")),
    ("asyncpg protocol (Cython)", ("asyncpg",)),
    ("uvloop / libuv (C)", ("uvloop",)),
    ("pydantic-core, orjson (Rust)", ("pydantic_core", "orjson")),
    ("SQLAlchemy, greenlet (C)", ("sqlalchemy", "_greenlet", "_immutabledict", "_cy")),
    ("libc (memcpy, malloc, syscall stubs)", ("libc.so", "ld-linux", "[vdso]")),
    (
        "compression, images, fonts (zlib, libvips)",
        ("libz", "vips", "libjpeg", "libpng", "freetype"),
    ),
    ("other native code", ("",)),
]


def category(dso: str, sym: str) -> str:
    if "kernel" in dso:
        return KERNEL
    if "libpython" in dso:
        for name, needles in _PYTHON:
            if any(n in sym for n in needles):
                return name
    for name, needles in _LIBS:
        if any(n in dso for n in needles):
            return name
    return "other native code"


async def record(seconds: float, out: Path) -> Path | None:
    """`perf record -a` for `seconds`; the data file, or None when perf is missing or refused."""
    perf = shutil.which("perf")
    if perf is None:
        return None
    proc = await asyncio.create_subprocess_exec(
        perf,
        "record",
        "-a",
        "-e",
        "cpu-clock",
        "-F",
        str(FREQ_HZ),
        "-o",
        str(out),
        "--",
        "sleep",
        str(seconds),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await proc.wait()
    return out if proc.returncode == 0 and out.exists() else None


def process_groups(service_pids: dict[str, int]) -> dict[int, str]:
    """pid -> group: each service, RabbitMQ's Erlang VM, this driver; PostgreSQL goes by name."""
    groups = {pid: name for name, pid in service_pids.items()}
    groups[os.getpid()] = "driver"
    for p in psutil.process_iter(["name"]):
        with contextlib.suppress(psutil.Error):
            if p.info["name"] in ("beam.smp", "erl_child_setup", "epmd", "inet_gethost"):
                groups[p.pid] = "rabbitmq"
    return groups


async def summarize(data: Path, groups: dict[int, str]) -> dict[str, Counter[str]]:
    """{group: Counter(category -> samples)}; PostgreSQL's processes by name, idle left out."""
    perf = shutil.which("perf") or "perf"
    proc = await asyncio.create_subprocess_exec(
        perf,
        "script",
        "-i",
        str(data),
        "-F",
        "comm,pid,ip,sym,dso",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await proc.communicate()
    by_group: dict[str, Counter[str]] = defaultdict(Counter)
    for line in out.decode(errors="replace").splitlines():
        # "postgres  1234  ffffffff8100 tcp_sendmsg ([kernel.kallsyms])" (sym may be absent)
        head, _, dso = line.rpartition("(")
        words = head.split()
        pid_at = next((i for i, w in enumerate(words) if w.isdigit()), None)
        if pid_at is None:
            continue
        comm, pid = " ".join(words[:pid_at]), int(words[pid_at])
        sym = " ".join(words[pid_at + 2 :])  # after the address
        if comm == "swapper" or pid == 0:
            continue  # the CPU idle
        group = groups.get(pid) or ("postgresql" if comm.startswith("postgres") else "other")
        by_group[group][category(dso.rstrip(")"), sym)] += 1
    return by_group


def table(by_group: dict[str, Counter[str]], orders: int, order: tuple[str, ...]) -> str:
    """CPU ms per order, category x process group."""
    cols = [g for g in (*order, "postgresql", "rabbitmq", "driver", "other") if g in by_group]
    cats: Counter[str] = Counter()
    for c in by_group.values():
        cats.update(c)
    per = 1000.0 / FREQ_HZ / max(1, orders)  # ms of CPU per sample, per order
    lines = [
        f"perf (whole machine, on-CPU, {FREQ_HZ} Hz per CPU): CPU ms per order",
        "| where | " + " | ".join(cols) + " | shop (not driver, other) |",
        "|---" * (len(cols) + 2) + "|",
    ]
    shop_cols = [g for g in cols if g not in ("driver", "other")]
    for cat, _ in cats.most_common():
        cells = [by_group[g][cat] * per for g in cols]
        shop = sum(by_group[g][cat] * per for g in shop_cols)
        lines.append(f"| {cat} | " + " | ".join(f"{c:.1f}" for c in cells) + f" | {shop:.1f} |")
    totals = [sum(by_group[g].values()) * per for g in cols]
    shop_total = sum(sum(by_group[g].values()) * per for g in shop_cols)
    lines.append(
        "| **all** | " + " | ".join(f"{t:.1f}" for t in totals) + f" | **{shop_total:.1f}** |"
    )
    return "\n".join(lines)
