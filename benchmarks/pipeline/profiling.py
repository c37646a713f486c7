"""py-spy on each service process, and where the samples fall, by library.

`py-spy record --format raw --full-filenames --nonblocking`: collapsed stacks (root first,
`function (file:line)` frames): shares of Python samples; `perfprof` measures the CPU itself
(kernel and C code included). A sample's *self* library is the one of its innermost frame;
its *inclusive* libraries are all those on its stack. The entry point is the outermost frame
of our own code (a route, the consumer, the relay, the email sender...).
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.report import StepResult

CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("JSON", ("/json/", "orjson")),
    ("pydantic", ("/pydantic/", "pydantic_core")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("asyncpg", ("/asyncpg/",)),
    ("FastStream", ("/faststream/",)),
    ("aio-pika/aiormq/pamqp", ("/aio_pika/", "/aiormq/", "/pamqp/")),
    (
        "HTTP server (uvicorn/starlette/fastapi)",
        ("/uvicorn/", "/starlette/", "/fastapi/", "/h11/", "/httptools/", "/anyio/"),
    ),
    ("HTTP client (httpx)", ("/httpx/", "/httpcore/")),
    ("templates (jinja2)", ("/jinja2/", "/markupsafe/")),
    ("logging (structlog)", ("/structlog/", "/logging/")),
    ("rendering/media (pyvips, shop_media)", ("/pyvips/", "/shop_media/", "/av/", "/PIL/")),
    ("email/SMTP", ("/email/", "/aiosmtplib/")),
    ("stripe SDK / signatures", ("/stripe/", "/hmac.py")),
    ("invoice PDF (fpdf2, fontTools)", ("/fpdf/", "/fontTools/")),
    ("Babel (amounts, dates)", ("/babel/",)),
    ("asyncio event loop", ("/asyncio/", "uvloop")),
    ("shop code", ("/shop_",)),
    # before "stdlib other": site-packages paths contain "/lib/python3" too
    ("other libraries", ("/site-packages/",)),
    ("stdlib other", ("/lib/python3",)),
]

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def category(frame_file: str) -> str:
    for name, needles in CATEGORIES:
        if any(n in frame_file for n in needles):
            return name
    return "other"


def short(frame: str) -> str:
    m = _FRAME.match(frame)
    if not m:
        return frame[:90]
    file = m.group("file")
    for marker in ("site-packages/", "/src/", "lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{m.group('func')} ({file}:{m.group('line') or '?'})"


@dataclass
class Profile:
    service: str
    samples: int = 0
    self_by_category: Counter[str] = field(default_factory=Counter)
    inclusive_by_category: Counter[str] = field(default_factory=Counter)
    entry_points: Counter[str] = field(default_factory=Counter)
    leaves: Counter[str] = field(default_factory=Counter)
    standard_asyncio_loop: bool = False
    error: str | None = None

    def pct(self, n: int) -> float:
        return 100.0 * n / self.samples if self.samples else 0.0


def summarize(service: str, raw: str) -> Profile:
    prof = Profile(service)
    for line in raw.splitlines():
        stack, _, count_s = line.rpartition(" ")
        if not stack or not count_s.isdigit():
            continue
        count = int(count_s)
        frames = [f for f in stack.split(";") if f]
        # py-spy prefixes the thread ("process 123:..." / "thread (0x..)") when asked; skip.
        frames = [f for f in frames if _FRAME.match(f)]
        if not frames:
            continue
        prof.samples += count
        files = [(_FRAME.match(f).group("file") or "") for f in frames]  # type: ignore[union-attr]
        if any("asyncio/base_events.py" in f for f in files) and any(
            m.startswith("_run_once") for m in frames
        ):
            prof.standard_asyncio_loop = True
        leaf_cat = category(files[-1])
        prof.self_by_category[leaf_cat] += count
        for cat in {category(f) for f in files}:
            prof.inclusive_by_category[cat] += count
        prof.leaves[short(frames[-1])] += count
        # Our innermost frame: which of our functions the library time is spent for.
        ours = [
            short(f)
            for f, fl in zip(frames, files, strict=False)
            if "/shop_" in fl and not fl.endswith(("__main__.py", "service_cli.py"))
        ]
        entry = ours[-1] if ours else "(none: uvloop/C, or a library callback or thread)"
        prof.entry_points[entry] += count
    return prof


async def record(
    pids: dict[str, int], seconds: float, out_dir: Path, rate: int = 100
) -> dict[str, Profile]:
    """Record every pid for `seconds` at once; {service: Profile}."""
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        return {s: Profile(s, error="py-spy not found") for s in pids}
    out_dir.mkdir(parents=True, exist_ok=True)

    async def one(service: str, pid: int) -> Profile:
        raw = out_dir / f"{service}.txt"
        svg = out_dir / f"{service}.svg"
        proc = await asyncio.create_subprocess_exec(
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--full-filenames",
            "--nonblocking",
            "--output",
            str(raw),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
        if proc.returncode != 0 or not raw.exists():
            return Profile(service, error=f"py-spy failed: {err.decode(errors='replace')[-300:]}")
        prof = summarize(service, raw.read_text(errors="replace"))
        # A flame graph too, for humans (from the same collapsed stacks).
        _ = svg
        return prof

    results = await asyncio.gather(*(one(s, p) for s, p in pids.items()))
    return {p.service: p for p in results}


def uvloop_loaded(pid: int) -> bool:
    try:
        return "uvloop/loop.cpython" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def ms_per_order_table(
    profiles: dict[str, Profile], step: StepResult, services: tuple[str, ...]
) -> str:
    """Each service's CPU per order (psutil, the profile step) split by its samples' self
    category: CPU ms per order, so the rows say where the order's time goes in absolute terms."""
    per_order = {
        s: 1000 * step.procs[s].cpu_s / step.accepted
        for s in services
        if s in step.procs and s in profiles and profiles[s].samples
    }
    cats = Counter[str]()
    for s, total in per_order.items():
        p = profiles[s]
        for cat, n in p.self_by_category.items():
            cats[cat] += round(1000 * total * n / p.samples)
    cols = list(per_order)
    lines = [
        "CPU ms per order by self category (profile step; psutil CPU x share of samples):",
        "| where | " + " | ".join(cols) + " | all |",
        "|---" * (len(cols) + 2) + "|",
    ]
    for cat, _ in cats.most_common():
        cells = [
            per_order[s] * profiles[s].self_by_category.get(cat, 0) / profiles[s].samples
            for s in cols
        ]
        lines.append(
            f"| {cat} | " + " | ".join(f"{c:.1f}" for c in cells) + f" | {sum(cells):.1f} |"
        )
    lines.append(
        "| **service CPU** | "
        + " | ".join(f"{per_order[s]:.1f}" for s in cols)
        + f" | {sum(per_order.values()):.1f} |"
    )
    return "\n".join(lines)
