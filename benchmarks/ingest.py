"""Ingest benchmark: 24-megapixel uploads processed per second, and a 1,000-media gallery's API.

    uv run python benchmarks/ingest.py [--images 40] [--clients 4] [--gallery-media 1000]
                                       [--rate 100] [--seconds 20] [--driver httpx|raw]
                                       [--quick] [--keep]
    (or `make bench-ingest`, `make bench-ingest QUICK=1`)

1. N 24-megapixel JPEGs (6000x4000 demo landscapes with EXIF/XMP/IPTC/ICC, no two alike)
   are made once with pyvips into a temporary folder, before anything is timed.
2. A private shop (own databases, RabbitMQ vhost, SMTP sink, ports; the five services as
   processes via shop_devtools, exactly like `make run`).
3. Ingest: `--clients` concurrent clients upload the N files (`POST /api/admin/media`,
   streamed multipart); each media counts once its thumbnail and its watermarked large
   preview answer 200 (`/previews/{id}/thumb.jpg`, `/large.jpg`, polled). images/s = N / the
   time from the first upload to the last preview. The catalog process's RSS (with any child
   processes) is sampled every 50 ms by psutil; its peak is printed with /proc's VmHWM.
4. Gallery: 1,000 small JPEGs are uploaded concurrently, put in one public gallery with a
   royalty-free price list, their thumbnails awaited; then `GET /api/galleries/{slug}` is
   driven open loop (request i sent at t0 + i/rate whatever the answers; latency measured
   from that intended time, so a stall is not hidden) for `--seconds`: achieved rate,
   p50, p99, errors.

Targets (issue 11, this 2-core machine): >= 5 images/s ingested with the catalog under 300 MB;
gallery API p99 <= 50 ms at 100 requests/s. The last line (`bench-ingest: ...`) is
machine-readable.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import httpx
import psutil

from shop_devtools.testing import PrivateShop, private_shop

WIDTH, HEIGHT = 6000, 4000
SMALL_WIDTH, SMALL_HEIGHT = 320, 213
SELLER = "seller@ingest-bench.example.com"
TARGET_IMAGES_PER_S = 5.0
TARGET_RSS_MB = 300.0
TARGET_P99_MS = 50.0
PREVIEWS = ("thumb.jpg", "large.jpg")
PRICE_LIST = {
    "name": "Bench royalty-free",
    "kind": "royalty_free",
    "rows": [
        {
            "name": "Web",
            "description": "Up to 1024 px on the long edge, for web pages.",
            "usage_terms": "Web and social media use.",
            "price": 2500,
            "delivery": {"mode": "long_edge", "long_edge": 1024},
            "link_expiry_days": 7,
            "max_downloads": 3,
        },
        {
            "name": "Print",
            "description": "The original file.",
            "usage_terms": "Print runs up to 5,000 copies.",
            "price": 9000,
            "delivery": {"mode": "original"},
            "link_expiry_days": 7,
            "max_downloads": 3,
        },
    ],
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--images", type=int, default=40, help="24 MP JPEGs to ingest (40)")
    p.add_argument("--clients", type=int, default=4, help="concurrent upload clients (4)")
    p.add_argument("--gallery-media", type=int, default=1000, help="media in the gallery (1000)")
    p.add_argument("--rate", type=float, default=100.0, help="gallery API requests/s (100)")
    p.add_argument("--seconds", type=float, default=20.0, help="gallery load duration (20)")
    p.add_argument(
        "--driver",
        choices=("httpx", "raw"),
        default="httpx",
        help="gallery load client: httpx (default) or the pipeline benchmark's minimal "
        "keep-alive client (pipeline/http.py), which costs the shared CPUs far less",
    )
    p.add_argument("--quick", action="store_true", help="8 images, 200 media, 5 s: a smoke test")
    p.add_argument("--keep", action="store_true", help="keep the run folder (logs)")
    args = p.parse_args()
    if args.quick:
        args.images, args.gallery_media, args.seconds = 8, 200, 5.0
    return args


# --- files -------------------------------------------------------------------------------


def tagged(image: Any, title: str, credit: str) -> Any:
    """`image` with the metadata a camera and a photographer's software write: EXIF, XMP,
    IPTC and an sRGB profile (as shop_media.demo's files)."""
    import pyvips

    from shop_media import iptc
    from shop_media.demo import USAGE_TERMS, copyright_notice, srgb_profile
    from shop_media.xmp import build_xmp

    image = image.copy(interpretation="srgb")
    notice = copyright_notice(credit)
    text = pyvips.GValue.gstr_type
    image.set_type(text, "exif-ifd0-Artist", credit)
    image.set_type(text, "exif-ifd0-Copyright", notice)
    image.set_type(text, "exif-ifd0-ImageDescription", title)
    image.set_type(text, "exif-ifd2-DateTimeOriginal", "2024:06:01 06:30:00")
    image.set_type(text, "exif-ifd2-ColorSpace", "1")
    xmp = build_xmp(
        title=title, creator=credit, rights=notice, credit=credit, usage_terms=USAGE_TERMS
    )
    image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp)
    iim = iptc.encode_iim([(2, 5, title), (2, 80, credit), (2, 116, notice)])
    image.set_type(pyvips.GValue.blob_type, "iptc-data", iptc.wrap_photoshop(iim))
    image.set_type(pyvips.GValue.blob_type, "icc-profile-data", srgb_profile())
    return image


def make_big_jpegs(folder: Path, count: int) -> list[Path]:
    """`count` different 24 MP JPEGs: one synthetic landscape (shop_media.synth, the demo's)
    drawn once, each file with its own coloured patch (no two files alike: the library may
    refuse a duplicate) and its own title; saved in 2 threads (pyvips releases the GIL)."""
    import pyvips

    from shop_media.synth import landscape

    base = landscape(WIDTH, HEIGHT, 7).copy_memory()

    def one(index: int) -> Path:
        colour = [(index * 37) % 256, (index * 11) % 256, 99]
        patch = (pyvips.Image.black(64, 64, bands=3) + colour).cast("uchar")
        x, y = 64 * (index % 90), 64 * (index // 90)
        image = tagged(base.insert(patch, x, y), f"Bench large {index}", "Ana Berg")
        path = folder / f"big-{index:04d}.jpg"
        image.jpegsave(str(path), Q=88, optimize_coding=True)
        return path

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(one, range(count)))


def make_small_jpegs(folder: Path, count: int) -> list[Path]:
    """`count` different small JPEGs: windows of one landscape at different offsets."""
    from shop_media.synth import landscape

    base = landscape(3 * SMALL_WIDTH, 3 * SMALL_HEIGHT, 3).copy_memory()
    paths = []
    for index in range(count):
        x = (index * 7) % (2 * SMALL_WIDTH)
        y = (index * 13) % (2 * SMALL_HEIGHT)
        path = folder / f"small-{index:04d}.jpg"
        window = base.crop(x, y, SMALL_WIDTH, SMALL_HEIGHT)
        tagged(window, f"Bench small {index}", "Leo Marin").jpegsave(str(path), Q=85)
        paths.append(path)
    return paths


# --- memory ------------------------------------------------------------------------------


class RssSampler:
    """The RSS of a process and its children, every `interval` seconds, in a thread (the
    event loop is busy uploading: an asyncio sampler would miss the peaks)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak_mb = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss_mb(self) -> float:
        total = 0
        with contextlib.suppress(psutil.Error):
            total += self.process.memory_info().rss
            for child in self.process.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.rss_mb())
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def vm_hwm_mb(pid: int) -> float:
    """A process's peak RSS since it started (/proc VmHWM)."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


# --- the catalog over HTTP -----------------------------------------------------------------


@dataclass
class Catalog:
    http: httpx.AsyncClient
    base: str
    admin: dict[str, str]
    errors: list[str] = field(default_factory=list)

    async def upload(self, path: Path) -> str:
        with path.open("rb") as f:  # streamed by httpx, never read whole here
            response = await self.http.post(
                f"{self.base}/api/admin/media",
                headers=self.admin,
                files={"file": (path.name, f, "image/jpeg")},
                data={"title": path.stem},
            )
        if response.status_code != 201:
            raise RuntimeError(f"upload of {path.name}: {response.status_code} {response.text}")
        media_id: str = response.json()["id"]
        return media_id

    async def wait_previews(
        self, media_id: str, names: tuple[str, ...] = PREVIEWS, timeout: float = 300.0
    ) -> float:
        """When (perf_counter) every preview of `media_id` answered 200."""
        deadline = time.monotonic() + timeout
        for name in names:
            url = f"{self.base}/previews/{media_id}/{name}"
            while True:
                try:
                    response = await self.http.get(url)
                    if response.status_code == 200 and response.content:
                        break
                except httpx.HTTPError as exc:
                    self.errors.append(f"{url}: {exc!r}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} not ready after {timeout:.0f} s")
                await asyncio.sleep(0.05)
        return time.perf_counter()

    async def post_json(self, path: str, body: Any, method: str = "POST") -> Any:
        response = await self.http.request(
            method, f"{self.base}{path}", headers=self.admin, json=body
        )
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json()


async def bounded(limit: int, jobs: list[Any]) -> list[Any]:
    """Run the coroutines `jobs`, at most `limit` at once, results in order."""
    slots = asyncio.Semaphore(limit)

    async def run(job: Any) -> Any:
        async with slots:
            return await job

    return list(await asyncio.gather(*(run(j) for j in jobs)))


# --- 1. ingest -----------------------------------------------------------------------------


@dataclass
class IngestResult:
    images: int
    seconds: float
    upload_seconds: float
    peak_rss_mb: float
    hwm_mb: float
    base_rss_mb: float
    per_image_ms: list[float]

    @property
    def per_s(self) -> float:
        return self.images / self.seconds


async def ingest(catalog: Catalog, pid: int, files: list[Path], clients: int) -> IngestResult:
    with RssSampler(pid) as sampler:
        await asyncio.sleep(0.2)
        base = sampler.rss_mb()
        started = time.perf_counter()
        uploaded_at: dict[str, float] = {}
        slots = asyncio.Semaphore(clients)

        async def one(path: Path) -> tuple[float, float]:
            async with slots:  # a client uploads its next file once the last one is in
                t0 = time.perf_counter()
                media_id = await catalog.upload(path)
                uploaded_at[media_id] = time.perf_counter()
            ready = await catalog.wait_previews(media_id)
            return uploaded_at[media_id], ready - t0

        results = await asyncio.gather(*(one(p) for p in files))
        seconds = time.perf_counter() - started
        upload_seconds = max(at for at, _ in results) - started
    return IngestResult(
        images=len(files),
        seconds=seconds,
        upload_seconds=upload_seconds,
        peak_rss_mb=sampler.peak_mb,
        hwm_mb=vm_hwm_mb(pid),
        base_rss_mb=base,
        per_image_ms=[1000 * latency for _, latency in results],
    )


# --- 2. the gallery -----------------------------------------------------------------------


async def big_gallery(catalog: Catalog, files: list[Path]) -> tuple[str, float]:
    """A public gallery of `files` with a price list; (its slug, seconds it took)."""
    started = time.perf_counter()
    ids = await bounded(8, [catalog.upload(p) for p in files])
    profile = await catalog.post_json("/api/admin/pricing-profiles", PRICE_LIST)
    gallery = await catalog.post_json(
        "/api/admin/galleries",
        {
            "title": f"Bench gallery of {len(ids)}",
            "description": "Every media of the ingest benchmark's gallery step.",
            "visibility": "public",
            "pricing_profile_ids": [profile["id"]],
        },
    )
    await catalog.post_json(
        f"/api/admin/galleries/{gallery['id']}/media", {"media_ids": ids}, method="PUT"
    )
    # Previews are made in the background: let them finish so they do not share the CPU with
    # the measured requests.
    await bounded(16, [catalog.wait_previews(i) for i in ids])
    return str(gallery["slug"]), time.perf_counter() - started


@dataclass
class LoadResult:
    sent: int
    ok: int
    errors: dict[str, int]
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@dataclass
class GalleryPage:
    url: str
    body_bytes: int
    media: int


async def settle(shop: PrivateShop, pid: int, timeout: float = 120.0) -> float:
    """Wait until the catalog has published everything (its outbox is empty: a gallery of
    1,000 media means 1,000 MediaOffered and a GalleryOffered) and its process is idle (under
    10% of a CPU for a second); seconds waited."""
    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(shop.config.database_urls["catalog"]).set(drivername="postgresql")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    process = psutil.Process(pid)
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            waiting = await connection.fetchval("SELECT count(*) FROM outbox")
            busy = await asyncio.to_thread(process.cpu_percent, 1.0)
            if not waiting and busy < 10:
                break
    finally:
        await connection.close()
    return time.monotonic() - started


class CpuSampler(RssSampler):
    """The catalog's and the whole machine's CPU use, every 0.5 s, in a thread."""

    def __init__(self, pid: int) -> None:
        super().__init__(pid, interval=0.5)
        self.catalog: list[float] = []
        self.machine: list[float] = []

    def _run(self) -> None:
        self.process.cpu_percent(None)
        psutil.cpu_percent(None)
        while not self._stop.wait(self.interval):
            with contextlib.suppress(psutil.Error):
                self.catalog.append(self.process.cpu_percent(None))
            self.machine.append(psutil.cpu_percent(None))


async def page_urls(http: httpx.AsyncClient, base: str) -> list[GalleryPage]:
    """Every page of the gallery (the API serves it in pages: `next_page`)."""
    pages: list[GalleryPage] = []
    url: str | None = base
    while url is not None:
        response = await http.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:300]}")
        data = response.json()
        pages.append(GalleryPage(url, len(response.content), len(data.get("media", []))))
        following = data.get("next_page")
        url = f"{base}?page={following}" if following else None
    return pages


async def one_at_a_time(
    http: httpx.AsyncClient, pages: list[GalleryPage], count: int
) -> list[float]:
    """Latencies (ms) of `count` requests sent one after the other: the unloaded cost."""
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        response = await http.get(pages[i % len(pages)].url)
        response.raise_for_status()
        latencies.append(1000 * (time.perf_counter() - started))
    return latencies


Getter = Callable[[str], Awaitable[int]]  # GET a URL, its status code


def httpx_getter(http: httpx.AsyncClient) -> Getter:
    async def get(url: str) -> int:
        return (await http.get(url)).status_code

    return get


def raw_getter(base_url: str) -> tuple[Getter, Any]:
    """pipeline/http.py's keep-alive pool (what `make bench` drives the shop with)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pipeline.http import HttpPool

    parts = urlsplit(base_url)
    pool = HttpPool(parts.hostname or "127.0.0.1", parts.port or 80, size=200)

    async def get(url: str) -> int:
        target = urlsplit(url)
        path = target.path + (f"?{target.query}" if target.query else "")
        return int((await pool.request("GET", path)).status)

    return get, pool


async def drive(get: Getter, urls: list[str], rate: float, seconds: float) -> LoadResult:
    """Open loop: request i (to urls[i % len(urls)]) goes at t0 + i/rate whatever the
    earlier ones did."""
    total = max(1, round(rate * seconds))
    latencies: list[float] = []
    errors: dict[str, int] = {}
    loop = asyncio.get_running_loop()

    async def one(url: str, due: float) -> None:
        try:
            status = await get(url)
            done = loop.time()
            if status == 200:
                latencies.append(1000 * (done - due))
            else:
                errors[str(status)] = errors.get(str(status), 0) + 1
        except Exception as exc:  # httpx's errors, the raw client's HttpError, timeouts
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1

    tasks = []
    t0 = loop.time() + 0.05
    for i in range(total):
        due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(urls[i % len(urls)], due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - t0
    return LoadResult(
        sent=total,
        ok=len(latencies),
        errors=errors,
        seconds=elapsed,
        latencies_ms=latencies,
    )


# --- the run -------------------------------------------------------------------------------


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


async def run(args: argparse.Namespace, folder: Path) -> None:
    files = folder / "files"
    files.mkdir()
    started = time.perf_counter()
    big = await asyncio.to_thread(make_big_jpegs, files, args.images)
    mb = sum(p.stat().st_size for p in big) / len(big) / 1e6
    print(
        f"{len(big)} JPEGs {WIDTH}x{HEIGHT} (~{mb:.1f} MB each) made in "
        f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs; {load_average()}",
        flush=True,
    )
    started = time.perf_counter()
    small = await asyncio.to_thread(make_small_jpegs, files, args.gallery_media)
    print(
        f"{len(small)} JPEGs {SMALL_WIDTH}x{SMALL_HEIGHT} made in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    started = time.perf_counter()
    async with private_shop(folder / "shop", "bench_ingest", SELLER) as shop:
        print(f"shop started in {time.perf_counter() - started:.1f} s", flush=True)
        await measure(shop, args, big, small)


async def measure(
    shop: PrivateShop, args: argparse.Namespace, big: list[Path], small: list[Path]
) -> None:
    catalog_process = shop.stack.instances["catalog"]
    assert catalog_process.pid is not None
    pid = catalog_process.pid
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    timeout = httpx.Timeout(120.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as http:
        catalog = Catalog(
            http, shop.config.url("catalog"), {"Authorization": f"Bearer {shop.config.admin_token}"}
        )
        print(f"\ningest: {len(big)} images, {args.clients} clients ...", flush=True)
        result = await ingest(catalog, pid, big, args.clients)
        each = sorted(result.per_image_ms)
        print(
            f"  {result.per_s:.2f} images/s ({result.seconds:.1f} s; uploads done after "
            f"{result.upload_seconds:.1f} s); upload->previews per image p50 "
            f"{statistics.median(each):.0f} ms, max {each[-1]:.0f} ms"
        )
        print(
            f"  catalog RSS: before {result.base_rss_mb:.0f} MB, peak {result.peak_rss_mb:.0f} MB "
            f"(sampled every 50 ms), VmHWM {result.hwm_mb:.0f} MB"
        )

        print(f"\ngallery: uploading {len(small)} small media ...", flush=True)
        slug, seconds = await big_gallery(catalog, small)
        print(f"  gallery {slug!r} ready in {seconds:.1f} s", flush=True)
        waited = await settle(shop, pid)
        print(f"  catalog idle, outbox empty after {waited:.1f} s more", flush=True)

    base = f"{shop.config.url('catalog')}/api/galleries/{slug}"
    # A fresh client for the load: its own pool, no upload connections left in it.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(30.0)) as http:
        pages = await page_urls(http, base)
        serial = await one_at_a_time(http, pages, 50)
        print(
            f"  GET /api/galleries/{slug}: {len(pages)} pages ({pages[0].body_bytes / 1000:.0f} kB, "
            f"{pages[0].media} media on the first); one at a time: p50 "
            f"{statistics.median(serial):.1f} ms, max {max(serial):.1f} ms",
            flush=True,
        )
        print(
            f"  open loop over the pages in turn: {args.rate:.0f} req/s for "
            f"{args.seconds:.0f} s ...",
            flush=True,
        )
        process, driver = psutil.Process(pid), psutil.Process()
        cpu0, driver0 = sum(process.cpu_times()[:2]), sum(driver.cpu_times()[:2])
        pool = None
        if args.driver == "raw":
            get, pool = raw_getter(base)
        else:
            get = httpx_getter(http)
        with CpuSampler(pid) as cpu:
            load = await drive(get, [p.url for p in pages], args.rate, args.seconds)
        if pool is not None:
            await pool.aclose()
        cpu_ms = 1000 * (sum(process.cpu_times()[:2]) - cpu0) / max(1, load.ok)
        driver_ms = 1000 * (sum(driver.cpu_times()[:2]) - driver0) / max(1, load.ok)
    print(
        f"  achieved {load.rate:.1f} req/s ({load.ok}/{load.sent} answered 200), "
        f"p50 {load.pct(50):.1f} ms, p90 {load.pct(90):.1f} ms, p99 {load.pct(99):.1f} ms, "
        f"max {max(load.latencies_ms, default=float('nan')):.1f} ms, errors {load.errors or 0}; "
        f"catalog CPU {cpu_ms:.1f} ms per request"
    )
    if cpu.catalog:
        print(
            f"  during the load: catalog CPU mean {statistics.mean(cpu.catalog):.0f}% (busiest "
            f"half-second {max(cpu.catalog):.0f}%), machine CPU mean "
            f"{statistics.mean(cpu.machine):.0f}% of {os.cpu_count()} CPUs; this driver "
            f"({args.driver}) {driver_ms:.1f} ms of CPU per request"
        )

    print(f"  {load_average()} (other work on the machine skews every number above)")
    images_ok = result.per_s >= TARGET_IMAGES_PER_S
    rss_ok = result.peak_rss_mb < TARGET_RSS_MB
    p99_ok = load.pct(99) <= TARGET_P99_MS and not load.errors and load.ok == load.sent
    print("\ntarget                          measured     verdict")
    print(
        f"ingest >= {TARGET_IMAGES_PER_S:.0f} images/s            "
        f"{result.per_s:>8.2f}     {verdict(images_ok)}"
    )
    print(
        f"catalog peak RSS < {TARGET_RSS_MB:.0f} MB        "
        f"{result.peak_rss_mb:>8.0f}     {verdict(rss_ok)}"
    )
    print(
        f"gallery p99 <= {TARGET_P99_MS:.0f} ms at {args.rate:.0f}/s   "
        f"{load.pct(99):>8.1f}     {verdict(p99_ok)}"
    )
    if catalog.errors:
        print(f"(preview polls that failed and were retried: {len(catalog.errors)})")
    print(
        f"bench-ingest: images={result.images} clients={args.clients} "
        f"images_per_s={result.per_s:.2f} peak_rss_mb={result.peak_rss_mb:.0f} "
        f"vmhwm_mb={result.hwm_mb:.0f} gallery_media={len(small)} "
        f"gallery_rate={load.rate:.1f} target_rate={args.rate:.0f} "
        f"p50_ms={load.pct(50):.1f} p99_ms={load.pct(99):.1f} driver={args.driver} "
        f"errors={sum(load.errors.values())}"
    )


def main() -> None:
    args = parse_args()
    if args.keep:
        folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
        print(f"run folder (kept): {folder}")
        asyncio.run(run(args, folder))
        return
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
